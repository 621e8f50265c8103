"""Shared fixtures: one migrated database per run (SQLite, or PostgreSQL when asked), emptied
after every test, and factories that return callables."""

import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from epa import create_app
from epa.clock import LONDON
from epa.extensions import db
from tests.contract import ContractClient

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "standard.json"
PASSWORD = "correct horse battery"


#: Set (to a number of days) to run the whole suite with the clock that far in the future, as CI
#: does, so a test that leans on the real date fails on every run rather than on some day.
CLOCK_SHIFT_DAYS = "EPA_TEST_CLOCK_SHIFT_DAYS"


def pytest_configure(config):
    days = os.environ.get(CLOCK_SHIFT_DAYS)
    if days:
        shifted = datetime.now(UTC) + timedelta(days=int(days))
        time_machine.travel(shifted, tick=True).start()


def pytest_report_header(config):
    days = os.environ.get(CLOCK_SHIFT_DAYS)
    return f"clock moved {days} days ahead: today is {datetime.now(UTC):%Y-%m-%d}" if days else None


def _postgres_server_url() -> str | None:
    return os.environ.get("TEST_POSTGRES_URL") or None


@contextmanager
def fresh_database(directory: Path) -> Iterator[str]:
    """The URL of a new, empty database: an SQLite file in `directory`, or, when
    TEST_POSTGRES_URL is set, a database of its own on that server, dropped afterwards."""
    server = _postgres_server_url()
    if server is None:
        yield f"sqlite:///{directory / 'test.sqlite'}"
        return
    # A database of our own, so runs never see each other's rows. A failure to reach the
    # server fails the run: PostgreSQL is never skipped silently.
    name = f"epa_test_{secrets.token_hex(4)}"
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, empty database for this run; dropped at the end on PostgreSQL."""
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


def test_settings(database_url: str, tmp_path: Path | None = None) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DEMO_SIGN_IN_FILE": str((tmp_path or Path("/tmp")) / "demo-sign-in.txt"),
        # Still scrypt, at a cost that keeps hundreds of sign-ins quick.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        # Jobs run as soon as their transaction commits, on the same thread: a test sees the end.
        "JOBS_INLINE": True,
        "JOBS_TICKER": False,  # timed work runs when a test says, never on its own
        "JOB_FILES_PATH": str((tmp_path or Path("/tmp")) / "files"),
        # Tests make thousands of calls a minute (schemathesis with one token); the limit's own
        # tests turn it on (tests/api/test_rate_limits.py).
        "API_RATE_LIMIT": "off",
        # Every list answer read from columns is also made the ORM's way, and must be the same.
        "CHECK_SHAPE_COLUMNS": True,
    }


@pytest.fixture(scope="session")
def _migrated_app(database_url, tmp_path_factory):
    """The app on a database upgraded to the newest migration, once per run."""
    from flask_migrate import upgrade

    app = create_app(test_settings(database_url, tmp_path_factory.mktemp("instance")))
    app.test_client_class = ContractClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(_migrated_app):
    """The app; every row a test writes is removed afterwards."""
    # Its Celery app is the one a task called directly runs under (another test's create_app
    # may have made its own the default).
    _migrated_app.extensions["celery"].set_current()
    yield _migrated_app
    with _migrated_app.app_context():
        db.session.remove()
        # The tallies are the database's own, kept right by its triggers as rows go.
        tables = [
            t.name for t in reversed(db.metadata.sorted_tables) if not t.name.endswith("_tally")
        ]
        # DELETE beats TRUNCATE on PostgreSQL for the handful of rows a test writes.
        with db.engine.begin() as conn:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for calling services directly."""
    with app.app_context():
        yield


def fixture_data() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def standard(app):
    """ST0825 loaded from the project's fixture."""
    from epa.standards.services import load_standard

    with app.app_context():
        load_standard(fixture_data())
        db.session.commit()


@pytest.fixture
def make_user(app):
    """make_user(role="staff", email=None, name=None, password=PASSWORD) -> user id."""
    from epa.auth.schemas import UserNew
    from epa.auth.services import create_user

    counter = iter(range(1, 10_000))

    def make(role="staff", email=None, name=None, password=PASSWORD):
        n = next(counter)
        new = {
            "email": email or f"{role}{n}@epao.example",
            "name": name or f"{role.title()} {n}",
            "role": role,
            "password": password,
        }
        with app.app_context():
            user = create_user(UserNew.read(new))
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_token(app, make_user):
    """make_token(role) -> a bearer token for a new user with that role."""
    from epa.auth.models import User
    from epa.auth.services import create_token

    def make(role="staff", user_id=None):
        user_id = user_id or make_user(role)
        with app.app_context():
            token = create_token(db.session.get(User, user_id))
            db.session.commit()
            return token

    return make


class ApiClient:
    """The test client with a bearer token on every request."""

    def __init__(self, client, token):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path, json=None, **kw):
        return self.client.post(path, json=json, headers=self.headers, **kw)

    def patch(self, path, json=None, **kw):
        return self.client.patch(path, json=json, headers=self.headers, **kw)

    def put(self, path, json=None, **kw):
        return self.client.put(path, json=json, headers=self.headers, **kw)

    def delete(self, path, **kw):
        return self.client.delete(path, headers=self.headers, **kw)


@pytest.fixture
def api(client, make_token):
    """api(role) -> an ApiClient acting as a new user with that role."""

    def as_role(role="staff"):
        return ApiClient(client, make_token(role))

    return as_role


@pytest.fixture
def held_tasks(monkeypatch):
    """The tasks handed to the queue after each commit, as (name, args), held instead of run:
    a test then runs them (or not) itself, as a worker would."""
    from epa.jobs import queue

    held = []
    monkeypatch.setattr(queue, "dispatch", lambda name, *args, **kw: held.append((name, args)))
    return held


def csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "the form has no CSRF token"
    return match.group(1).decode()


@contextmanager
def statements_made(app) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs, in order (a many-row insert is one)."""
    from sqlalchemy import event

    made: list[str] = []

    def note(conn, cursor, statement, *args):
        made.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield made
    finally:
        event.remove(engine, "before_cursor_execute", note)


class Auth:
    def __init__(self, client):
        self.client = client

    def sign_in(self, email, password=PASSWORD):
        page = self.client.get("/sign-in")
        return self.client.post(
            "/sign-in",
            data={"email": email, "password": password, "csrf_token": csrf_token(page.data)},
        )


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def signed_in(app, auth, make_user):
    """signed_in(role) -> the user id of a new user of that role, signed in on `client`."""
    from epa.auth.models import User

    def sign_in(role="staff"):
        user_id = make_user(role)
        with app.app_context():
            email = db.session.get(User, user_id).email
        response = auth.sign_in(email)
        assert response.status_code == 302, response.data
        return user_id

    return sign_in


@pytest.fixture
def organisations(app):
    """An employer and a provider: (employer_id, provider_id)."""
    from epa.organisations.schemas import EmployerNew, ProviderNew
    from epa.organisations.services import create_employer, create_provider

    with app.app_context():
        employer = create_employer(EmployerNew.read({"name": "Northwind Digital Ltd"}))
        provider = create_provider(
            ProviderNew.read({"name": "Midlands Tech Academy", "ukprn": "10012345"})
        )
        db.session.commit()
        return employer.id, provider.id


@pytest.fixture
def apprentice_data(organisations, standard):
    """apprentice_data(**overrides) -> a valid registration body (API field names)."""
    employer_id, provider_id = organisations

    def data(**overrides):
        body = {
            "uln": "1234567899",
            "given_names": "Sam",
            "family_name": "Taylor",
            "date_of_birth": "2001-04-12",
            "email": "sam.taylor@example.com",
            "employer_id": employer_id,
            "provider_id": provider_id,
            "standard": "ST0825",
            "start_date": "2024-01-08",
            "ehc_plan": False,
        }
        body.update(overrides)
        return body

    return data


@pytest.fixture
def make_apprentice(app, apprentice_data):
    """make_apprentice(**overrides) -> the id of an apprentice registered through the service."""
    from epa.apprentices.schemas import ApprenticeNew
    from epa.apprentices.services import register_apprentice

    def make(**overrides):
        with app.app_context():
            apprentice = register_apprentice(ApprenticeNew.read(apprentice_data(**overrides)))
            db.session.commit()
            return apprentice.id

    return make


@pytest.fixture
def move_clock():
    """move_clock(when) stops the service's clock at an instant, or at noon in London on a date;
    moving it again replaces the last move, and the test's end undoes it."""
    travels = []

    def move(when):
        if not isinstance(when, datetime):
            when = datetime.combine(when, time(12), LONDON)
        if travels:
            travels.pop().stop()
        travel = time_machine.travel(when, tick=False)
        travel.start()
        travels.append(travel)
        return when

    yield move
    for travel in travels:
        travel.stop()


@pytest.fixture
def today(move_clock):
    """today(date) makes that date today in London (at noon); returns the date."""

    def fix(day):
        move_clock(day)
        return day

    return fix


#: Gateway evidence that meets every requirement of the plan as published. The portfolio is no
#: longer one, but every setup this replaced recorded it, so it stays.
EVERY_REQUIREMENT_MET = {
    "english": "level2",
    "maths": "level2",
    "employer_confirmed": True,
    "provider_confirmed": True,
    "project_summary_submitted": True,
    "portfolio_submitted": True,
}


@pytest.fixture
def make_gateway_passed(app, make_apprentice):
    """make_gateway_passed(gateway_date="2026-11-02", **overrides) -> the id of an apprentice
    registered as make_apprentice(**overrides) does, whose gateway on that date passed with every
    requirement met (recorded through the service; the clock must be past that date)."""
    from epa.apprentices.models import Apprentice
    from epa.gateway.schemas import GatewayAttemptNew
    from epa.gateway.services import record_gateway

    def make(gateway_date="2026-11-02", **overrides):
        apprentice_id = make_apprentice(**overrides)
        with app.app_context():
            attempt = record_gateway(
                db.session.get(Apprentice, apprentice_id),
                GatewayAttemptNew(**EVERY_REQUIREMENT_MET, gateway_date=gateway_date),
            )
            # A setup that did not pass would fail later in some puzzling way; say so here.
            assert attempt.passed, attempt.reasons
            db.session.commit()
        return apprentice_id

    return make


@pytest.fixture
def booking_world(app, make_gateway_passed, make_user, move_clock):
    """Now is Thursday 26 November 2026, 09:00 in London; one apprentice passed gateway on
    2 November 2026 (EPA deadline 2 March 2027); two assessors.

    Returns a dict of ids: apprentice, assessor, other_assessor, employer, provider.
    """
    from epa.apprentices.models import Apprentice

    move_clock(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    apprentice_id = make_gateway_passed(start_date="2025-06-02", date_of_birth="2000-01-10")
    with app.app_context():
        apprentice = db.session.get(Apprentice, apprentice_id)
        employer_id, provider_id = apprentice.employer_id, apprentice.provider_id
    return {
        "apprentice": apprentice_id,
        "assessor": make_user("assessor", email="grace@epao.example", name="Grace Okafor"),
        "other_assessor": make_user("assessor", email="dan@epao.example", name="Dan Morgan"),
        "employer": employer_id,
        "provider": provider_id,
    }


@pytest.fixture
def count_statements(app):
    """count_statements(call) -> (how many SQL statements `call()` sent, what it returned): for
    tests that a page's cost does not grow with the rows behind it."""
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

    def count(call):
        sent = []

        def note(*_):
            sent.append(1)

        event.listen(engine, "before_cursor_execute", note)
        try:
            returned = call()
        finally:
            event.remove(engine, "before_cursor_execute", note)
        return len(sent), returned

    return count
