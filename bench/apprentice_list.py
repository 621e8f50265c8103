"""Time the apprentice list and search at scale: `make bench` (never part of `make test`).

Seeds N apprentices (default 20,000) into a throwaway SQLite database, or the database in
BENCH_DATABASE_URL, then times the API list, a name search and an exact-ULN search, and
counts the SQL statements each issues (a count that grows with the page size is a bug).
"""

import os
import sys
import tempfile
import time
from datetime import date

from figures import milliseconds, write
from sqlalchemy import event, insert

N = int(os.environ.get("BENCH_APPRENTICES", "20000"))


def main() -> None:
    from flask_migrate import upgrade

    from epa import create_app
    from epa.extensions import db

    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"}
    )
    with app.app_context():
        upgrade()
        token = _seed(db)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    statements = [0]
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a: _bump(statements))
        figures = {"database": db.engine.dialect.name, "apprentices": N, "timings": {}}
    for label, path in [
        ("list, page 1 of 200 rows", "/api/v1/apprentices?per_page=200"),
        ("list, page 50 of 200 rows", "/api/v1/apprentices?per_page=200&page=50"),
        ("search by name", "/api/v1/apprentices?q=taylor"),
        ("search by exact ULN", "/api/v1/apprentices?q=9999999999"),
        ("filter by status", "/api/v1/apprentices?status=registered&per_page=200"),
    ]:
        statements[0] = 0
        started = time.perf_counter()
        runs = 5
        for _ in range(runs):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, response.data
        elapsed = (time.perf_counter() - started) / runs
        print(
            f"{label:<28} {elapsed * 1000:8.1f} ms  {statements[0] // runs} statements", flush=True
        )
        figures["timings"][label] = {
            "ms": milliseconds(elapsed),
            "statements": statements[0] // runs,
        }
    write(figures)


def _bump(counter):
    counter[0] += 1


def _seed(db):
    import json

    from epa.apprentices.models import Apprentice
    from epa.apprentices.services import search_name
    from epa.auth.schemas import UserNew
    from epa.auth.services import create_token, create_user
    from epa.config import PROJECT_ROOT
    from epa.organisations.schemas import EmployerNew, ProviderNew
    from epa.organisations.services import create_employer, create_provider
    from epa.standards.services import load_standard

    standard, _ = load_standard(json.loads((PROJECT_ROOT / "fixtures/standard.json").read_text()))
    employer = create_employer(EmployerNew(name="Bench Employer"))
    provider = create_provider(ProviderNew(name="Bench Provider", ukprn="10000001"))
    staff = {"email": "bench@epao.example", "name": "Bench", "role": "staff"}
    user = create_user(UserNew(**staff, password="bench password 1"))  # noqa: S106  (throwaway)
    version = standard.versions[-1]
    names = ["Taylor", "Smith", "Jones", "Patel", "Khan", "Brown", "Wilson", "Evans"]
    rows = [
        {
            "uln": "9999999999",
            "given_names": f"Person {n}",
            "family_name": names[n % len(names)],
            "search_name": search_name(f"Person {n}", names[n % len(names)]),
            "date_of_birth": date(2000, 1, 1),
            "employer_id": employer.id,
            "provider_id": provider.id,
            "standard_id": standard.id,
            "version_id": version.id,
            "start_date": date(2025, 1, 6),
            "ehc_plan": False,
            "status": "registered",
        }
        for n in range(N)
    ]
    db.session.execute(insert(Apprentice), rows)
    token = create_token(user)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:  # fresh statistics, as autovacuum would give
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    print(f"seeded {N} apprentices", flush=True)
    return token


if __name__ == "__main__":
    sys.exit(main())
