"""Keep the gains: every list page, start page and the API's list send as many SQL statements
with 30 rows behind them as with 3 (a statement per row would show as growth).

The rows are written straight into the tables, as a busy service would hold them: apprentices
in every status, each in EPA with a sitting held and graded and one to come, provisional and
confirmed outcomes, employers, providers, assessors and audit entries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from epa.extensions import db

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
MONDAY = date(2026, 11, 23)


def _grow(app, standard, assessor_id, n: int, start: int) -> None:
    """n more of everything, numbered from `start`."""
    from epa.apprentices.models import Apprentice
    from epa.audit.models import AuditEvent
    from epa.auth.models import User
    from epa.grading.models import Outcome, Result
    from epa.organisations.models import Employer, Provider, employer_name_key
    from epa.scheduling.models import Assessment
    from epa.standards.models import StandardVersion

    with app.app_context():
        version = db.session.scalars(
            select(StandardVersion).where(StandardVersion.standard_id == standard)
        ).first()
        methods = version.methods
        for k in range(start, start + n):
            employer = Employer(name=f"Employer {k}", name_key=employer_name_key(f"Employer {k}"))
            provider = Provider(name=f"Provider {k}", name_key=f"provider {k}", ukprn=f"2{k:07d}")
            other = User(
                email=f"assessor.{k}@epao.example",
                name=f"Assessor {k}",
                role="assessor",
                password_hash="x",
            )
            db.session.add_all([employer, provider, other])
            db.session.flush()
            for status in ("registered", "gateway_passed", "in_epa", "provisional", "completed"):
                apprentice = Apprentice(
                    uln="9999999999",
                    given_names=f"Person{k}",
                    family_name=status.title(),
                    search_name=f"person{k} {status}",
                    date_of_birth=date(2000, 1, 1),
                    employer_id=employer.id,
                    provider_id=provider.id,
                    standard_id=standard,
                    version_id=version.id,
                    start_date=date(2025, 1, 6),
                    status="in_epa" if status == "provisional" else status,
                    gateway_date=None if status == "registered" else date(2026, 11, 2),
                    epa_deadline=None if status == "registered" else date(2026, 12, 20),
                )
                db.session.add(apprentice)
                db.session.flush()
                if status in ("registered", "gateway_passed"):
                    continue
                for m, method in enumerate(methods):
                    held = status != "in_epa" or m == 0
                    starts = NOW + timedelta(days=-10 + m if held else 3, hours=k % 5)
                    sitting = Assessment(
                        apprentice_id=apprentice.id,
                        method_id=method.id,
                        assessor_id=assessor_id,
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=method.duration_minutes),
                        calendar_uid=f"flat-{k}-{status}-{m}@epa",
                    )
                    db.session.add(sitting)
                    db.session.flush()
                    if held:
                        db.session.add(
                            Result(
                                assessment_id=sitting.id,
                                judgements={},
                                method_grade="pass",
                                is_submitted=True,
                                submitted_at=starts,
                                submitted_on=starts.date(),
                            )
                        )
                if status == "completed":
                    db.session.add(
                        Outcome(
                            apprentice_id=apprentice.id,
                            overall_grade="pass",
                            epa_date=date(2026, 11, 17),
                            achievement_date=date(2026, 11, 17),
                            confirmed_at=NOW - timedelta(days=2),
                        )
                    )
            db.session.add(
                AuditEvent(
                    occurred_at=NOW - timedelta(minutes=k),
                    channel="web",
                    entity="employer",
                    entity_id=str(employer.id),
                    action="create",
                )
            )
        db.session.commit()


def _standard_id(app) -> int:
    from epa.standards.models import Standard

    with app.app_context():
        return db.session.scalar(select(Standard.id))


STAFF_PAGES = [
    "/",
    "/apprentices/",
    "/apprentices/?status=in_epa",
    "/apprentices/?q=person",
    "/assessments/",
    f"/diary?week={MONDAY.isoformat()}",
    "/assessors",
    "/employers/",
    "/providers/",
    "/sign-off",
    "/dashboard/not-booked",
    "/dashboard/deadlines",
]
ADMIN_PAGES = ["/", "/users/", "/audit"]
ASSESSOR_PAGES = ["/", "/my-assessments"]


def _statements_with_3_and_30(app, client, assessor_id, path, count_statements):
    """How many statements a GET of `path` sends with 3 of everything, then with 30; and the
    last response."""
    sent = []
    for n, start in [(3, 0), (27, 3)]:
        _grow(app, _standard_id(app), assessor_id, n, start)
        count, response = count_statements(lambda: client.get(path))
        assert response.status_code == 200, path
        sent.append(count)
    return *sent, response


@pytest.mark.parametrize(
    ("role", "path"),
    [("staff", p) for p in STAFF_PAGES]
    + [("admin", p) for p in ADMIN_PAGES]
    + [("assessor", p) for p in ASSESSOR_PAGES],
)
def test_a_page_costs_the_same_with_ten_times_the_rows(
    app, client, signed_in, standard, make_user, move_clock, count_statements, role, path
):
    move_clock(NOW)
    user_id = signed_in(role)
    assessor_id = user_id if role == "assessor" else make_user("assessor")
    few, many, _ = _statements_with_3_and_30(app, client, assessor_id, path, count_statements)
    assert many <= few, f"{path}: {few} statements with 3 rows, {many} with 30"


@pytest.mark.parametrize("path", ["/api/v1/apprentices", "/api/v1/assessments"])
def test_an_api_list_costs_the_same_with_ten_times_the_rows(
    app, api, standard, make_user, move_clock, count_statements, path
):
    move_clock(NOW)
    client = api("staff")
    few, many, response = _statements_with_3_and_30(
        app, client, make_user("assessor"), path, count_statements
    )
    assert len(response.get_json()["items"]) > 30
    assert many <= few, f"{path}: {few} statements with 3 rows, {many} with 30"
