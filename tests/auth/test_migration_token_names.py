"""Migration 0015: tokens issued before tokens had names are named after their prefix, and
have no expiry or last use. On the run's database: SQLite, or PostgreSQL when given one."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from epa.auth.models import ApiToken
from epa.extensions import db
from epa.types import UTCDateTime

TOKENS_0014 = sa.table(
    "api_tokens",
    sa.column("user_id", sa.Integer),
    sa.column("token_hash", sa.String),
    sa.column("prefix", sa.String),
    sa.column("created_at", UTCDateTime),
)


def test_tokens_from_before_0015_are_named_after_their_prefix(app, make_user):
    user_id = make_user("staff")
    with app.app_context():
        db.session.remove()
        try:
            downgrade(revision="0014")
            with db.engine.begin() as conn:
                conn.execute(
                    TOKENS_0014.insert(),
                    {
                        "user_id": user_id,
                        "token_hash": "f" * 64,
                        "prefix": "epa_AbCdEfGh",
                        "created_at": datetime(2026, 11, 1, tzinfo=UTC),
                    },
                )
            upgrade()
            [token] = db.session.scalars(sa.select(ApiToken)).all()
            assert token.name == "Token epa_AbCdEfGh"
            assert token.expires_on is None and token.last_used_at is None
        finally:
            db.session.remove()
            upgrade()  # whatever failed above, the other tests need the newest schema
