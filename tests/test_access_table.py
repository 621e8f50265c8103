"""Every route the app serves, for every kind of caller, against the one access table
(tests/access_table.py).

Each (method, rule, caller) is a test of its own. Path variables are filled from real records
made once for the module; a request that may have changed them (a write that got through)
has them made again before the next test, so every answer is about access, not about what an
earlier test left behind. Pages are sent a valid CSRF token and an empty form, the API an empty
JSON body: the decision under test is who gets through, not what the form says.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from sqlalchemy import Table, text

from epa import create_app
from epa.extensions import db
from tests.access_table import ACCESS, ANONYMOUS, CALLERS
from tests.conftest import EVERY_REQUIREMENT_MET, PASSWORD, csrf_token, fixture_data
from tests.conftest import test_settings as settings_for

IGNORED_METHODS = {"HEAD", "OPTIONS"}
#: a Thursday; the bookings below are two weeks ahead, on working days
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ULNS = ["1234567899", "2000000001", "2000000028"]
#: a valid body where the API reads it before it looks at the record, so that an empty one
#: would be refused for its fields before the record's owner is considered
BODIES = {
    ("POST", "/api/v1/users/<id:user_id>/unavailability"): {
        "starts_at": "2027-02-01T09:00",
        "ends_at": "2027-02-01T17:00",
        "reason": "Training",
    },
}


def served_routes() -> list[tuple[str, str]]:
    app = create_app(settings_for("sqlite://"))
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    )


SERVED = served_routes()


@dataclass(frozen=True)
class Case:
    method: str
    rule: str
    caller: str
    #: "own": the caller's own records (an assessor's booking, their diary, job, token);
    #: "others": someone else's
    records: str
    #: "allowed", "refused" (for the caller's role), or "not_own" (refused for the record)
    expect: str


def cases():
    for method, rule in SERVED:
        grants = ACCESS.get((method, rule))
        if grants is None:
            yield pytest.param(
                Case(method, rule, "", "", "unlisted"), id=f"{method} {rule} is not in the table"
            )
            continue
        for caller in CALLERS:
            if caller in grants:
                # Plainly allowed: any record will do, so try someone else's.
                found = [("others", "allowed")]
            elif f"{caller}:own" in grants:
                found = [("own", "allowed"), ("others", "not_own")]
            else:
                # Refused even on records of their own.
                found = [("others" if caller == ANONYMOUS else "own", "refused")]
            for records, expect in found:
                shown = caller if len(found) == 1 else f"{caller} on {records} records"
                yield pytest.param(
                    Case(method, rule, caller, records, expect), id=f"{method} {rule} as {shown}"
                )


def wipe(app, keep=()) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in keep:
                    conn.execute(text(f"DELETE FROM {table.name}"))


def standard_tables() -> frozenset[str]:
    """The standard's tables: no route writes them, so the standard is loaded once."""
    from epa.standards import models

    tables = {value for value in vars(models).values() if isinstance(value, Table)}
    tables |= {
        value.__table__
        for value in vars(models).values()
        if isinstance(value, type) and value.__module__ == models.__name__
    }
    return frozenset(table.name for table in tables)


STANDARD_TABLES = standard_tables()


class World:
    """The records and signed-in callers the requests use, made again when a write got through."""

    def __init__(self, app):
        self.app = app
        self.stale = True
        self.standard_loaded = False

    def ready(self) -> "World":
        if self.stale:
            wipe(self.app, keep=STANDARD_TABLES if self.standard_loaded else ())
            with self.app.app_context():
                self._records()
            self._sign_in()
            self.stale = False
        return self

    def _records(self) -> None:
        from epa.apprentices.schemas import ApprenticeNew
        from epa.apprentices.services import register_apprentice
        from epa.auth.resets import issue_reset
        from epa.auth.schemas import UserNew
        from epa.auth.services import create_token, create_user, issue_token
        from epa.gateway.schemas import GatewayAttemptNew
        from epa.gateway.services import record_gateway
        from epa.organisations.schemas import EmployerNew, ProviderNew
        from epa.organisations.services import create_employer, create_provider
        from epa.planning.schemas import PlanRequest
        from epa.planning.services import propose_plan
        from epa.scheduling.diaries import add_conflict, add_unavailability, issue_calendar_token
        from epa.scheduling.schemas import Booking, ConflictNew, UnavailabilityNew
        from epa.scheduling.services import book_assessment
        from epa.standards.services import load_standard

        if not self.standard_loaded:
            load_standard(fixture_data())
            self.standard_loaded = True
        employer = create_employer(EmployerNew.read({"name": "Northwind Digital Ltd"}))
        other_employer = create_employer(EmployerNew.read({"name": "Contoso Cloud Ltd"}))
        provider = create_provider(
            ProviderNew.read({"name": "Midlands Tech Academy", "ukprn": "10012345"})
        )
        # The assessor who calls ("assessor") and another one, whose records are not theirs.
        people = {}
        for who, role in [
            ("assessor", "assessor"),
            ("other", "assessor"),
            ("staff", "staff"),
            ("admin", "admin"),
        ]:
            people[who] = create_user(
                UserNew.read(
                    {
                        "email": f"{who}@epao.example",
                        "name": f"{who.title()} Person",
                        "role": role,
                        "password": PASSWORD,
                    }
                )
            )
        db.session.flush()

        def gateway_passed(uln):
            apprentice = register_apprentice(
                ApprenticeNew.read(
                    {
                        "uln": uln,
                        "given_names": "Sam",
                        "family_name": f"Taylor {uln[-2:]}",
                        "date_of_birth": "2000-01-10",
                        "email": f"sam{uln}@example.com",
                        "employer_id": employer.id,
                        "provider_id": provider.id,
                        "standard": "ST0825",
                        "start_date": "2025-06-02",
                        "ehc_plan": False,
                    }
                )
            )
            record_gateway(
                apprentice, GatewayAttemptNew(**EVERY_REQUIREMENT_MET, gateway_date="2026-11-02")
            )
            return apprentice

        apprentices, assessments = {}, {}
        for who, uln in [("assessor", ULNS[0]), ("other", ULNS[1])]:
            apprentices[who] = gateway_passed(uln)
            assessments[who] = book_assessment(
                Booking.read(
                    {
                        "apprentice_id": apprentices[who].id,
                        "method": "discussion",
                        "assessor_id": people[who].id,
                        "starts_at": "2026-12-10T10:00",
                        "location": "Online (Teams)",
                    }
                ),
                people["staff"],
            )
        unplanned = gateway_passed(ULNS[2])
        conflicts, periods = {}, {}
        for who in ("assessor", "other"):
            conflicts[who] = add_conflict(
                people[who], ConflictNew.read({"employer_id": other_employer.id})
            )
            periods[who] = add_unavailability(
                people[who],
                UnavailabilityNew.read(
                    {
                        "starts_at": "2027-01-11T09:00",
                        "ends_at": "2027-01-11T17:00",
                        "reason": "Leave",
                    }
                ),
            )
        feed_token = issue_calendar_token(people["assessor"])
        reset_url = issue_reset(people["other"], "EPA").reset_url
        plan = propose_plan(PlanRequest.read({"apprentice_ids": [unplanned.id]}), people["staff"])
        # A token each to call the API with, and another each to be revoked.
        api_tokens = {who: create_token(user) for who, user in people.items()}
        spare_tokens = {who: issue_token(user)[0] for who, user in people.items()}
        jobs = {who: self._job(user) for who, user in people.items()}
        db.session.commit()
        self.people = {who: user.id for who, user in people.items()}
        self.api_tokens = api_tokens
        self.spare_tokens = {who: row.id for who, row in spare_tokens.items()}
        self.values = {
            "apprentice": {who: a.id for who, a in apprentices.items()},
            "assessment": {who: a.id for who, a in assessments.items()},
            "conflict": {who: c.id for who, c in conflicts.items()},
            "period": {who: p.id for who, p in periods.items()},
            "job": {who: job.id for who, job in jobs.items()},
            "employer": employer.id,
            "provider": provider.id,
            "plan": plan.id,
            "index": min(item.position for item in plan.items),
            "feed": feed_token,
            "reset": reset_url.rsplit("/", 1)[1],
        }

    def _job(self, user):
        """A finished export whose file is still kept, started by `user`."""
        from epa import clock
        from epa.jobs import files
        from epa.jobs.models import Job

        job = Job(
            kind="export_outcomes",
            status="succeeded",
            user_id=user.id,
            channel="web",
            params={"filename": "outcomes.xlsx"},
            done=1,
            total=1,
            attempts=1,
            result={"rows": 0},
            finished_at=clock.now(),
            expires_at=clock.now() + files.KEEP,
        )
        db.session.add(job)
        db.session.flush()
        job.file_name = files.new_name(job, ".xlsx")
        (files.folder() / job.file_name).write_bytes(b"PK")
        return job

    def _sign_in(self) -> None:
        """A browser each, signed in, with the CSRF token of its session."""
        self.browsers = {}
        anonymous = self.app.test_client()
        self.browsers[ANONYMOUS] = (anonymous, csrf_token(anonymous.get("/sign-in").data))
        for who in ("assessor", "staff", "admin"):
            browser = self.app.test_client()
            page = browser.get("/sign-in")
            signed = browser.post(
                "/sign-in",
                data={
                    "email": f"{who}@epao.example",
                    "password": PASSWORD,
                    "csrf_token": csrf_token(page.data),
                },
            )
            assert signed.status_code == 302, signed.data
            self.browsers[who] = (browser, csrf_token(browser.get("/account").data))

    def path_values(self, case: Case) -> dict:
        """Every path variable, from the caller's own records or from someone else's: those of
        "other", the assessor who is not calling."""
        own = case.records == "own"
        # Bookings, diaries, conflicts and unavailability belong to assessors. For a caller of
        # another role "own" means the calling assessor's: refused even on what an assessor
        # may see.
        diary = "assessor" if own else "other"
        # Jobs and tokens belong to anyone signed in.
        mine = case.caller if own and case.caller != ANONYMOUS else "other"
        # A user's token is revoked at that user's address.
        user = mine if case.rule.startswith("/users/<id:user_id>/tokens/") else diary
        secret = "feed" if case.rule.startswith("/calendar/") else "reset"
        organisation = "provider" if case.rule.startswith("/providers/") else "employer"
        return {
            "apprentice_id": self.values["apprentice"][diary],
            "assessment_id": self.values["assessment"][diary],
            "user_id": self.people[user],
            "conflict_id": self.values["conflict"][diary],
            "period_id": self.values["period"][diary],
            "token_id": self.spare_tokens[mine],
            "job_id": self.values["job"][mine],
            "plan_id": self.values["plan"],
            "index": self.values["index"],
            "employer_id": self.values["employer"],
            "provider_id": self.values["provider"],
            "organisation_id": self.values[organisation],
            "reference": "ST0825",
            "version": "1.1",
            "token": self.values[secret],
            "filename": self._filename(case.rule),
        }

    def _filename(self, rule: str) -> str:
        if rule.startswith("/assets/"):
            folder = Path(self.app.config["GOVUK_ASSETS_PATH"])
            return (
                next(p for p in sorted(folder.rglob("*")) if p.is_file())
                .relative_to(folder)
                .as_posix()
            )
        return "init.js"


@pytest.fixture(scope="module")
def world(_migrated_app):
    _migrated_app.extensions["celery"].set_current()
    travel = time_machine.travel(NOW, tick=False)
    travel.start()
    try:
        yield World(_migrated_app)
    finally:
        travel.stop()
        wipe(_migrated_app)


def address(rule: str, values: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def ask(world: World, case: Case, path: str):
    if case.rule.startswith("/api/"):
        headers = {}
        if case.caller != ANONYMOUS:
            headers["Authorization"] = f"Bearer {world.api_tokens[case.caller]}"
        body = {"json": BODIES.get((case.method, case.rule), {})} if case.method in WRITES else {}
        return world.app.test_client().open(path, method=case.method, headers=headers, **body)
    browser, token = world.browsers[case.caller]
    form = {"data": {"csrf_token": token}} if case.method in WRITES else {}
    return browser.open(path, method=case.method, **form)


def sent_to_sign_in(response, path: str) -> bool:
    """The redirect a page gives a visitor who has not signed in: back to `path` afterwards."""
    if response.status_code != 302:
        return False
    target = urlsplit(response.headers["Location"])
    return target.path == "/sign-in" and parse_qs(target.query).get("next") == [path]


def error_code(response) -> str | None:
    body = response.get_json(silent=True) or {}
    return (body.get("error") or {}).get("code")


def refusal(case: Case, response, path: str) -> str | None:
    """What is wrong with the answer to a caller the table refuses; None when it is right."""
    api = case.rule.startswith("/api/")
    status = response.status_code
    if case.expect == "not_own":
        wanted = {403, 404}
        if status in wanted and (not api or error_code(response) in ("forbidden", "not_found")):
            return None
        return "403 or 404 (someone else's record)"
    if case.caller == ANONYMOUS:
        if api:
            ok = status == 401 and error_code(response) == "unauthenticated"
            return None if ok else "401 unauthenticated"
        return None if sent_to_sign_in(response, path) else "a redirect to /sign-in"
    if api:
        return None if status == 403 and error_code(response) == "forbidden" else "403 forbidden"
    return None if status == 403 else "403"


def let_through(response, path: str) -> bool:
    # Every record in the path exists, so a 404 would be a refusal in disguise.
    status = response.status_code
    return status not in (401, 403, 404) and status < 500 and not sent_to_sign_in(response, path)


@pytest.mark.parametrize("case", list(cases()))
def test_access(world, case):
    if case.expect == "unlisted":
        pytest.fail(
            f"{case.method} {case.rule} is served but is not in the access table: add a line "
            f'("{case.method}", "{case.rule}"): <who may> to ACCESS in tests/access_table.py',
            pytrace=False,
        )
    world.ready()
    path = address(case.rule, world.path_values(case))
    response = ask(world, case, path)
    response.close()  # a file sent is left open until its response is closed
    said = f"{case.method} {path} as {case.caller} ({case.records} records): {response.status_code}"
    location = response.headers.get("Location")
    said += f" to {location}" if location else ""
    assert response.status_code < 500, said
    if case.expect == "allowed":
        assert let_through(response, path), f"{said}; the table lets {case.caller} through"
        # A write that got through may have changed what later requests find (a 4xx changed
        # nothing): the records are made again before the next test.
        if case.method in WRITES and response.status_code < 400:
            world.stale = True
    else:
        wrong = refusal(case, response, path)
        if wrong is not None:
            # Whatever it did may have changed the records.
            world.stale = True
        assert wrong is None, f"{said}; the table refuses {case.caller}: expected {wrong}"


def test_every_line_of_the_table_is_a_route_served():
    stale = sorted(set(ACCESS) - set(SERVED))
    assert not stale, (
        "The access table names routes the app no longer serves; remove them from "
        f"tests/access_table.py: {stale}"
    )


def test_the_table_grants_each_role_one_way():
    for key, grants in ACCESS.items():
        for caller in CALLERS:
            assert not (caller in grants and f"{caller}:own" in grants), (key, caller)
        unknown = {grant.split(":")[0] for grant in grants} - set(CALLERS)
        assert not unknown, (key, unknown)
        assert f"{ANONYMOUS}:own" not in grants, key
