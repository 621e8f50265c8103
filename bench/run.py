"""`make bench`: every budget of the service, checked on one seeded database.

The database: when DATABASE_URL (or BENCH_DATABASE_URL) names a PostgreSQL server, a fresh
database of its own there, dropped afterwards (the user needs the right to create databases);
otherwise a throwaway SQLite file.

The run:
1. seeds the service's people and plans BENCH_APPRENTICES apprentices (100,000) with three
   bookings each on average and half of them signed off (bench/busy_service.py), then inserts
   the first 1,000 and counts the SQL statements of every page (bench/pages.py) and of "Show
   who is free then";
2. grows to all of them, and times every page (p95, warm-up excluded) and counts its
   statements again: no more than at 1,000;
3. times "Show who is free then", booking, and an assessor's calendar feed (bench/bookings.py);
4. measures the outcomes return and the import against openpyxl and one executemany
   (bench/files.py), and the API list and the apprentices page under gunicorn against a bare
   Flask app (bench/http_load.py): interleaved, the median of 3 rounds.

It prints the machine, a table of every figure, writes the figures to BENCH_JSON as
{"<figure>": {"value", "unit", "budget", "ok"}} (and the machine to BENCH_MACHINE_JSON), and
exits 1 when any budget is missed. Timing stays here, never in `make test`.
"""

import gc
import os
import random
import secrets
import signal
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from figures import Figures, machine, median_ratio  # noqa: E402

APPRENTICES = int(os.environ.get("BENCH_APPRENTICES", "100000"))
SMALL = min(1000, APPRENTICES)
ASSESSORS = int(os.environ.get("BENCH_ASSESSORS", "200"))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
PAGE_MS = 100
FREE_MS, FREE_STATEMENTS = 100, 15
BOOKING_MS = 20
FEED_MS = 100
IMPORT_RATIO, EXPORT_RATIO, EXPORT_MB = 15, 1.10, 100
API_RATIO, PAGE_RATIO = 0.20, 0.15
SECRET_KEY = secrets.token_hex(32)


def main() -> int:
    # A run stopped with SIGTERM still drops its database (the `finally` of `_database`).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    began = time.perf_counter()
    figures = Figures()
    with _database() as url:
        run(url, figures)
    minutes = (time.perf_counter() - began) / 60
    figures.at_most("whole run", minutes, "minutes", 20)
    print("\n" + figures.table())
    figures.write(os.environ.get("BENCH_JSON"))
    if figures.missed:
        print(f"\nbudgets missed: {', '.join(figures.missed)}", file=sys.stderr)
        return 1
    return 0


def run(url: str, figures: Figures) -> None:
    with tempfile.TemporaryDirectory() as files_folder:
        _run(url, figures, files_folder)


def _run(url: str, figures: Figures, files_folder: str) -> None:
    from bookings import book, feed, feed_assessor, who_is_free
    from busy_service import ADMIN_EMAIL, PASSWORD, STAFF_EMAIL, seed
    from flask_migrate import upgrade
    from pages import Statements, browser, find_pages, getter, sign_in, timed

    from epa import create_app
    from epa.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET_KEY,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
            "JOB_FILES_PATH": files_folder,
        }
    )
    with app.app_context():
        upgrade()
        _quiet()
        described = machine(db)
        _show_machine(described)
        statements = Statements(db.engine)
        started = time.perf_counter()
        world = seed(
            db,
            apprentices=APPRENTICES,
            assessments=3 * APPRENTICES,
            assessors=ASSESSORS,
            confirmed=APPRENTICES // 2,
            rng=random.Random(13),  # noqa: S311  (a repeatable seed)
            grow_to=SMALL,
        )
        print(f"seeded {SMALL:,} apprentices in {time.perf_counter() - started:.0f} s", flush=True)
        ids, assessor_email = _ids(db, world)
    clients = {role: browser(app) for role in ("staff", "admin", "assessor")}
    for role, email in [
        ("staff", STAFF_EMAIL),
        ("admin", ADMIN_EMAIL),
        ("assessor", assessor_email),
    ]:
        sign_in(clients[role], email, PASSWORD)
    if len(ids["waiting"]) < 10:
        raise SystemExit(f"{SMALL:,} apprentices are too few: fewer than 10 wait for a booking")
    made = _made_by_staff(clients["staff"], ids["waiting"][-5:])
    ids.update(made)
    ids["waiting"] = [a for a in ids["waiting"] if a not in made["planned"]]
    pages, left_out = find_pages(app, clients, ids)
    print(f"\n{len(pages)} pages; left out:", *left_out or ["none"], sep="\n  ")
    small = {}
    for page in pages:
        _, small[page], _ = timed(
            getter(clients[page.role], page.path), statements, warm_up=1, least=1, most=1
        )
    waiting = ids["waiting"]
    _, free_small, _ = who_is_free(
        clients["staff"], waiting[0], statements, warm_up=1, least=1, most=1
    )

    with app.app_context():
        started = time.perf_counter()
        world.grow(db, APPRENTICES)
        print(
            f"grew to {APPRENTICES:,} apprentices and {world.booked:,} assessments in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        waiting = [a for a in world.waiting if a != waiting[0] and a not in made["planned"]]
        feed_id, feed_count = feed_assessor(db, world.assessor_ids)
        token, cookie, first_day = _credentials(app, db, world, clients["staff"])
    # The seed's own records (millions of objects) stay alive in this process only: a served
    # worker never holds them, so the collector is kept off them as app.py keeps it off what
    # the service loads at start.
    gc.collect()
    gc.freeze()

    print(f"\npages at {APPRENTICES:,} apprentices (statements at {SMALL:,} in brackets):")
    for page in pages:
        ms, count, n = timed(getter(clients[page.role], page.path), statements)
        name = f"{page.rule} ({page.role})"
        figures.at_most(f"{name} p95", ms, f"ms (n={n})", PAGE_MS)
        figures.at_most(f"{name} statements", count, "statements", small[page])

    print("\nbooking:")
    ms, count, n = who_is_free(clients["staff"], waiting[0], statements)
    figures.at_most(f"show who is free, {ASSESSORS} assessors p95", ms, f"ms (n={n})", FREE_MS)
    figures.at_most(
        f"show who is free, {ASSESSORS} assessors statements", count, "statements", FREE_STATEMENTS
    )
    figures.at_most(
        f"show who is free at {SMALL:,} apprentices statements",
        free_small,
        "statements",
        FREE_STATEMENTS,
    )
    ms, count, n = book(_Api(app.test_client(), token), waiting[1:400], statements)
    figures.at_most(f"booking at {world.booked:,} assessments p95", ms, f"ms (n={n})", BOOKING_MS)
    figures.add("booking statements", count, "statements", None)

    print("\ncalendar feed:")
    with app.app_context():
        feed_token_client = app.test_client()
        ms, count, n = feed(feed_token_client, db, feed_id, statements)
    figures.add("calendar feed bookings", feed_count, "bookings", None)
    figures.at_most("calendar feed p95", ms, f"ms (n={n})", FEED_MS)

    _files(app, db, figures, first_day)

    print("\nunder gunicorn:")
    from http_load import throughput

    found = throughput(url, SECRET_KEY, token, cookie)
    api, page = found["api"], found["page"]
    figures.at_least(
        "API list throughput / bare Flask", median_ratio(api["rounds"]), "ratio", API_RATIO
    )
    figures.add("API list p95 under load", api["p95"], "ms", None)
    figures.add(
        "API list bytes (bare, service)", f"{api['sizes'][0]}/{api['sizes'][1]}", "bytes", None
    )
    figures.at_least(
        "apprentices page throughput / bare Flask+Jinja",
        median_ratio(page["rounds"]),
        "ratio",
        PAGE_RATIO,
    )
    figures.add("apprentices page p95 under load", page["p95"], "ms", None)
    figures.add(
        "apprentices page bytes (bare, service)",
        f"{page['sizes'][0]}/{page['sizes'][1]}",
        "bytes",
        None,
    )


def _files(app, db, figures: Figures, first_day) -> None:
    from files import ImportFiles, export_rounds, import_rounds

    from epa import clock

    print("\noutcomes return:")
    rounds, rows, grown = export_rounds(app, first_day, clock.today())
    figures.add("outcomes return rows", rows, "rows", None)
    figures.at_most(
        "outcomes return / openpyxl write-only", median_ratio(rounds), "ratio", EXPORT_RATIO
    )
    figures.at_most("outcomes return memory growth", grown, "MB (tracemalloc)", EXPORT_MB)
    print("\nimport:")
    with app.app_context():
        rounds = import_rounds(db, ImportFiles(db, IMPORT_ROWS, random.Random(7)))  # noqa: S311
    figures.at_most(
        f"import of {IMPORT_ROWS:,} rows / one executemany",
        median_ratio(rounds),
        "ratio",
        IMPORT_RATIO,
    )


def _made_by_staff(client, apprentice_ids: list[int]) -> dict:
    """What an officer makes through the pages, so its own pages are timed too: an outcomes
    return (a job, waited for until its file is ready) and a cohort plan for `apprentice_ids`."""
    from pages import csrf_token

    page = client.get("/exports")
    answer = client.post("/exports", data={"kind": "outcomes", "csrf_token": csrf_token(page.data)})
    if answer.status_code != 303:
        raise SystemExit(f"the outcomes return did not start: {answer.status_code}")
    job_path = answer.headers["Location"]
    waited = time.monotonic() + 120
    while (status := client.get(f"{job_path}/status.json").get_json())["status"] != "succeeded":
        if status["status"] == "failed" or time.monotonic() > waited:
            raise SystemExit(f"the outcomes return did not finish: {status}")
        time.sleep(0.2)
    page = client.get("/plans/new")
    answer = client.post(
        "/plans/new",
        data={
            "apprentice_ids": [str(a) for a in apprentice_ids],
            "csrf_token": csrf_token(page.data),
        },
    )
    if answer.status_code != 302:
        raise SystemExit(f"no plan was proposed: {answer.status_code}")
    return {
        "job_id": _last_id(job_path),
        "plan_id": _last_id(answer.headers["Location"]),
        "planned": set(apprentice_ids),
    }


def _last_id(path: str) -> int:
    """The record id a page's address ends with ("/plans/12" -> 12)."""
    return int(path.rstrip("/").rsplit("/", 1)[-1])


class _Api:
    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, path):
        return self.client.get(path, headers=self.headers)

    def post(self, path, json):
        return self.client.post(path, json=json, headers=self.headers)


def _ids(db, world) -> tuple[dict, str]:
    """What fills the pages' paths: records of the first 1,000 apprentices, so the same pages
    are opened before and after growing; and the email of the assessor who signs in."""
    from sqlalchemy import select

    from epa.auth.models import User
    from epa.grading.models import Result
    from epa.organisations.models import Provider
    from epa.scheduling.models import Assessment
    from epa.standards.models import Standard, StandardVersion

    def first(story):
        return world.of_story(story)[0].id

    def booked(apprentice_id, status="booked"):
        return db.session.scalars(
            select(Assessment)
            .where(Assessment.apprentice_id == apprentice_id, Assessment.status == status)
            .order_by(Assessment.starts_at)
        ).first()

    graded = booked(first("provisional"))
    future = db.session.scalars(
        select(Assessment)
        .where(Assessment.apprentice_id == first("project_ahead"), Assessment.status == "booked")
        .order_by(Assessment.starts_at.desc())
    ).first()
    version = db.session.scalars(
        select(StandardVersion).order_by(StandardVersion.id.desc())
    ).first()
    standard = db.session.get(Standard, version.standard_id)
    # The assessor who signs in holds a draft result, so its "submit" page is timed too.
    draft = db.session.scalars(
        select(Assessment)
        .join(Result, Result.assessment_id == Assessment.id)
        .where(Result.is_submitted.is_(False))
        .order_by(Assessment.id)
    ).first()
    if draft is None:
        raise SystemExit("the first apprentices seeded hold no draft result: seed more")
    assessor = db.session.get(User, draft.assessor_id)
    ids = {
        "apprentice_id": first("provisional"),
        "assessment_id": graded.id,
        "user_id": graded.assessor_id,
        "organisation_id": db.session.scalar(select(Provider.id).order_by(Provider.id)),
        "reference": standard.reference,
        "version": version.version,
        ("/apprentices/<id:apprentice_id>/gateway", "apprentice_id"): first("registered"),
        ("/apprentices/<id:apprentice_id>/version", "apprentice_id"): next(
            (p.id for p in world.of_story("registered") if p.row["version_id"] != version.id),
            None,
        ),
        ("/apprentices/<id:apprentice_id>/assessments/new", "apprentice_id"): first(
            "gateway_passed"
        ),
        ("/assessments/<id:assessment_id>/result/submit", "assessment_id"): draft.id,
        ("/assessments/<id:assessment_id>/cancel", "assessment_id"): future.id,
        ("/assessments/<id:assessment_id>/reschedule", "assessment_id"): future.id,
        "waiting": world.waiting,
    }
    from epa.organisations.models import Employer

    employer = db.session.scalar(select(Employer.id).order_by(Employer.id))
    for rule in ("/employers/<id:organisation_id>", "/employers/<id:organisation_id>/edit"):
        ids[(rule, "organisation_id")] = employer
    return ids, assessor.email


def _credentials(app, db, world, staff_client) -> tuple[str, str, object]:
    """A staff API token, the signed-in staff session's cookie, and the diaries' first day."""
    from datetime import date

    from epa.auth.models import User
    from epa.auth.services import create_token

    token = create_token(db.session.get(User, world.staff_id))
    db.session.commit()
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = staff_client.get_cookie(name)
    return (
        token,
        f"{name}={cookie.value}",
        date.fromisoformat(world.counts["first_day"]) - timedelta(days=1),
    )


def _quiet() -> None:
    """The service still writes its log line for every request (that is part of its cost), to
    nowhere rather than over the table."""
    import logging

    for handler in logging.getLogger("epa").handlers + logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115


def _show_machine(described: dict) -> None:
    import json

    print(
        f"machine: {described['cpu']}, {described['cores']} cores, {described['memory_gb']} GB, "
        f"Python {described['python']}, {described['database']}, {described['system']}",
        flush=True,
    )
    path = os.environ.get("BENCH_MACHINE_JSON")
    if path:
        Path(path).write_text(json.dumps(described, indent=2) + "\n")


@contextmanager
def _database():
    """A fresh PostgreSQL database when DATABASE_URL (or BENCH_DATABASE_URL) names a server,
    dropped afterwards; else a throwaway SQLite file."""
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not server.startswith(("postgres://", "postgresql")):
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{directory}/bench.sqlite"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from epa.config import database_url_from

    server = database_url_from({"DATABASE_URL": server})
    database = f"epa_bench_{secrets.token_hex(4)}"
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(server).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
