"""Migration 0016: providers get name keys and employers' keys stop counting runs of spaces;
organisations already recorded twice under one name keep loading (the oldest keeps the plain
key), and renaming a later one meets the duplicate check. On the run's database."""

from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from epa.errors import ServiceError
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.organisations.schemas import EmployerChange
from epa.organisations.services import update_employer

EMPLOYERS = sa.table(
    "employers",
    sa.column("name", sa.String),
    sa.column("name_key", sa.String),
    sa.column("created_at", sa.DateTime),
)
PROVIDERS = sa.table(
    "providers",
    sa.column("name", sa.String),
    sa.column("ukprn", sa.String),
    sa.column("created_at", sa.DateTime),
)

WHEN = datetime(2026, 11, 1, 9, 0)


def test_organisations_recorded_before_0016_get_their_keys(app):
    with app.app_context():
        db.session.remove()
        try:
            downgrade(revision="0014")
            with db.engine.begin() as conn:
                conn.execute(
                    EMPLOYERS.insert(),
                    [
                        {"name": "Acme  Ltd", "name_key": "acme  ltd", "created_at": WHEN},
                        {"name": "ACME Ltd", "name_key": "acme ltd", "created_at": WHEN},
                    ],
                )
                conn.execute(
                    PROVIDERS.insert(),
                    [
                        {"name": "Tech  Academy", "ukprn": "10012345", "created_at": WHEN},
                        {"name": "tech academy", "ukprn": "10054321", "created_at": WHEN},
                        {
                            "name": "Coastal College",
                            "ukprn": "10099999",
                            "created_at": WHEN,
                        },
                    ],
                )
            upgrade()
            employers = db.session.scalars(sa.select(Employer).order_by(Employer.id)).all()
            providers = db.session.scalars(sa.select(Provider).order_by(Provider.id)).all()
            assert employers[0].name_key == "acme ltd"
            assert employers[1].name_key == f"acme ltd#{employers[1].id}"
            assert [p.name_key for p in providers] == [
                "tech academy",
                f"tech academy#{providers[1].id}",
                "coastal college",
            ]
            # The later one keeps its key while its name is sent back as it is; a new name,
            # even the same name written otherwise, meets the check.
            update_employer(employers[1], EmployerChange.read({"name": "ACME Ltd"}))
            assert employers[1].name_key == f"acme ltd#{employers[1].id}"
            with pytest.raises(ServiceError) as refused:
                update_employer(employers[1], EmployerChange.read({"name": "Acme LTD"}))
            assert refused.value.code == "duplicate_employer"
            update_employer(employers[1], EmployerChange.read({"name": "Acme Ltd (North)"}))
            assert employers[1].name_key == "acme ltd (north)"
            db.session.rollback()
        finally:
            db.session.remove()
            upgrade()  # whatever failed above, the other tests need the newest schema
