"""The outcomes and bookings exports through the API, read back as spreadsheets."""

import logging
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from epa.apprentices.models import Apprentice
from epa.extensions import db
from epa.grading.models import Outcome, Result
from tests.api.test_conventions import assert_error
from tests.conftest import fixture_data, statements_made

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROJECT = "Project and Practical Assessment"
DISCUSSION = "Professional discussion"
OUTCOME_HEADERS = [
    "ULN",
    "Family name",
    "Given names",
    "Date of birth",
    "Standard",
    "Version",
    "UKPRN",
    "Provider",
    "Employer",
    "Start date",
    "Gateway date",
    f"{PROJECT} grade",
    f"{DISCUSSION} grade",
    "Resit",
    "Retake",
    "Overall grade",
    "Achievement date",
]
BOOKING_HEADERS = [
    "Assessment ID",
    "ULN",
    "Family name",
    "Given names",
    "Standard",
    "Version",
    "Method",
    "Attempt",
    "Retry",
    "Starts",
    "Ends",
    "Assessor",
    "Location",
    "Status",
    "Employer",
    "Provider",
    "UKPRN",
    "Method grade",
]
HYPERLINK = '=HYPERLINK("http://evil.example/","Click me")'


def book(staff, world, method, starts_at, **extra):
    body = {
        "apprentice_id": world["apprentice"],
        "method": method,
        "assessor_id": world["assessor"],
        "starts_at": starts_at,
        "location": "Online (Teams)",
        **extra,
    }
    response = staff.post("/api/v1/assessments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def submit_result(app, assessment_id, grade, on: date):
    with app.app_context():
        db.session.add(
            Result(
                assessment_id=assessment_id,
                judgements={},
                method_grade=grade,
                is_submitted=True,
                submitted_at=datetime(on.year, on.month, on.day, 16, 0, tzinfo=UTC),
                submitted_on=on,
            )
        )
        db.session.commit()


def confirm_outcome(app, apprentice_id, grade, achieved: date | None, *, confirmed=True):
    with app.app_context():
        db.session.add(
            Outcome(
                apprentice_id=apprentice_id,
                overall_grade=grade,
                epa_date=achieved,
                achievement_date=achieved,
                confirmed_at=datetime(2027, 3, 5, 12, 0, tzinfo=UTC) if confirmed else None,
            )
        )
        db.session.commit()


@pytest.fixture
def world(app, api, booking_world, make_apprentice):
    """Sam (booking_world's apprentice) failed the discussion, booked and cancelled a retake,
    passed a resit, and got a distinction in the project: a confirmed merit achieved on
    2 February 2027. Priya's confirmed pass (1 March 2027) has a name that looks like a
    formula; Alex's outcome is not confirmed; Jo's was achieved in June 2026."""
    staff = api("staff")
    ids = dict(booking_world, staff=staff)
    ids["first_discussion"] = book(staff, booking_world, "discussion", "2026-12-10T10:00")
    submit_result(app, ids["first_discussion"], "fail", date(2026, 12, 10))
    ids["retake"] = book(staff, booking_world, "discussion", "2027-01-07T10:00", retry="retake")
    cancelled = staff.post(
        f"/api/v1/assessments/{ids['retake']}/cancel", json={"reason": "Apprentice unwell"}
    )
    assert cancelled.status_code == 200, cancelled.get_json()
    ids["resit"] = book(staff, booking_world, "discussion", "2027-01-14T10:00", retry="resit")
    submit_result(app, ids["resit"], "pass", date(2027, 1, 14))
    ids["project"] = book(staff, booking_world, "project", "2027-02-02T09:00")
    submit_result(app, ids["project"], "distinction", date(2027, 2, 2))
    confirm_outcome(app, booking_world["apprentice"], "merit", date(2027, 2, 2))

    ids["priya"] = make_apprentice(uln="1000000000", date_of_birth="1999-05-06")
    with app.app_context():
        priya = db.session.get(Apprentice, ids["priya"])
        priya.given_names = HYPERLINK
        priya.family_name = "+44 Smith"
        db.session.commit()
    confirm_outcome(app, ids["priya"], "pass", date(2027, 3, 1))
    ids["alex"] = make_apprentice(uln="2000000001", given_names="Alex")
    confirm_outcome(app, ids["alex"], "pass", date(2027, 2, 10), confirmed=False)
    ids["jo"] = make_apprentice(uln="2000000028", given_names="Jo")
    confirm_outcome(app, ids["jo"], "distinction", date(2026, 6, 15))
    return ids


def workbook(response, sheet):
    assert response.status_code == 200, response.data
    assert response.mimetype == XLSX
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == [sheet]
    return book[sheet]


def rows_of(sheet) -> list[dict]:
    header = [cell.value for cell in sheet[1]]
    return [
        dict(zip(header, (cell for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]


def values(row: dict) -> dict:
    return {name: cell.value for name, cell in row.items()}


def test_outcomes_export_holds_confirmed_outcomes_with_real_dates(world):
    response = world["staff"].get("/api/v1/exports/outcomes.xlsx?from=2027-01-01&to=2027-12-31")
    sheet = workbook(response, "Outcomes")
    assert [cell.value for cell in sheet[1]] == OUTCOME_HEADERS
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="outcomes-2027-01-01-to-2027-12-31.xlsx"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    rows = rows_of(sheet)
    assert [row["ULN"].value for row in rows] == ["1234567899", "1000000000"]  # by achievement
    sam = rows[0]
    assert values(sam) == {
        "ULN": "1234567899",
        "Family name": "Taylor",
        "Given names": "Sam",
        "Date of birth": datetime(2000, 1, 10),
        "Standard": "ST0825",
        "Version": "1.1",
        "UKPRN": "10012345",
        "Provider": "Midlands Tech Academy",
        "Employer": "Northwind Digital Ltd",
        "Start date": datetime(2025, 6, 2),
        "Gateway date": datetime(2026, 11, 2),
        f"{PROJECT} grade": "Distinction",
        f"{DISCUSSION} grade": "Pass",  # the resit's, the latest submitted sitting
        "Resit": "Yes",
        "Retake": "No",  # the retake was cancelled
        "Overall grade": "Merit",
        "Achievement date": datetime(2027, 2, 2),
    }
    for column in ("Date of birth", "Start date", "Gateway date", "Achievement date"):
        assert sam[column].is_date and sam[column].data_type == "d", column
        assert sam[column].number_format == "DD/MM/YYYY"
    for column in ("ULN", "UKPRN"):
        assert sam[column].data_type == "s"  # identifiers keep their leading digits as text


def test_names_that_look_like_formulas_stay_text(world):
    sheet = workbook(
        world["staff"].get("/api/v1/exports/outcomes.xlsx?from=2027-03-01&to=2027-03-01"),
        "Outcomes",
    )
    (priya,) = rows_of(sheet)
    assert priya["Given names"].value == HYPERLINK
    assert priya["Given names"].data_type == "s"
    assert priya["Family name"].value == "+44 Smith"
    assert priya["Family name"].data_type == "s"
    # No sittings: no method grades, no resit or retake; no gateway recorded.
    assert values(priya)[f"{PROJECT} grade"] is None
    assert (values(priya)["Resit"], values(priya)["Retake"]) == ("No", "No")
    assert values(priya)["Gateway date"] is None
    assert values(priya)["Overall grade"] == "Pass"


@pytest.mark.parametrize(
    "query, ulns",
    [
        ("from=2027-02-02&to=2027-02-02", ["1234567899"]),  # both ends count
        ("from=2027-02-03&to=2027-02-28", []),  # Alex's outcome is not confirmed
        ("from=2027-02-03&to=2027-03-01", ["1000000000"]),
        ("from=2026-01-01&to=2027-12-31", ["2000000028", "1234567899", "1000000000"]),
        ("", ["2000000028"]),  # the 12 months up to today (26 November 2026)
        ("to=2027-02-02", ["2000000028", "1234567899"]),  # 12 months up to `to`
    ],
)
def test_outcomes_range(world, query, ulns):
    sheet = workbook(world["staff"].get(f"/api/v1/exports/outcomes.xlsx?{query}"), "Outcomes")
    assert [row["ULN"].value for row in rows_of(sheet)] == ulns


def test_default_range_is_named_in_the_file_name(world):
    response = world["staff"].get("/api/v1/exports/outcomes.xlsx")
    assert response.headers["Content-Disposition"].endswith(
        'filename="outcomes-2025-11-26-to-2026-11-26.xlsx"'
    )
    response = world["staff"].get("/api/v1/exports/bookings.xlsx")
    assert response.headers["Content-Disposition"].endswith(
        'filename="bookings-2026-11-26-to-2027-11-26.xlsx"'
    )


def test_every_method_name_of_several_standards_gets_a_grade_column(app, world, make_apprentice):
    from epa.standards.services import load_standard

    other = fixture_data()
    other.update(reference="ST9999", title="Platform engineer")
    for version in other["versions"]:
        for method in version["plan"]["methods"]:
            if method["code"] == "discussion":
                method["name"] = "Knowledge test"
    with app.app_context():
        load_standard(other)
        db.session.commit()
    lee = make_apprentice(uln="2000000036", given_names="Lee", standard="ST9999")
    confirm_outcome(app, lee, "pass", date(2027, 2, 3))
    sheet = workbook(
        world["staff"].get("/api/v1/exports/outcomes.xlsx?from=2027-02-01&to=2027-02-28"),
        "Outcomes",
    )
    header = [cell.value for cell in sheet[1]]
    assert header[11:14] == [f"{PROJECT} grade", f"{DISCUSSION} grade", "Knowledge test grade"]
    sam, lee_row = (values(row) for row in rows_of(sheet))
    assert (sam["Standard"], lee_row["Standard"]) == ("ST0825", "ST9999")
    assert sam["Knowledge test grade"] is None and sam[f"{DISCUSSION} grade"] == "Pass"


def test_an_export_is_written_to_a_file_with_its_progress_counted(app, world):
    from epa.exports import services
    from epa.exports.schemas import DateRange

    told = []
    out = BytesIO()
    with app.app_context():
        span = DateRange(date(2027, 1, 1), date(2027, 12, 31))
        written = services.write_export("outcomes", span, out, progress=lambda *p: told.append(p))
    assert written > 0
    assert told == [(0, written), (written, written)]
    sheet = load_workbook(out)["Outcomes"]
    assert sheet.max_row == written + 1


def test_outcomes_take_a_fixed_number_of_queries(app, world, make_apprentice):
    def count_queries(query):
        with statements_made(app) as statements:
            response = world["staff"].get(f"/api/v1/exports/outcomes.xlsx?{query}")
        assert response.status_code == 200
        return len(statements)

    one = count_queries("from=2027-02-02&to=2027-02-02")
    for n, uln in enumerate(["2000000044", "2000000052", "2000000060"]):
        extra = make_apprentice(uln=uln, given_names=f"Extra {n}")
        confirm_outcome(app, extra, "pass", date(2027, 2, 2))
    assert count_queries("from=2027-02-02&to=2027-02-02") == one


def test_bookings_export_lists_every_assessment_by_start_time(world):
    response = world["staff"].get("/api/v1/exports/bookings.xlsx?from=2026-12-01&to=2027-02-28")
    sheet = workbook(response, "Bookings")
    assert [cell.value for cell in sheet[1]] == BOOKING_HEADERS
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="bookings-2026-12-01-to-2027-02-28.xlsx"'
    )
    rows = rows_of(sheet)
    assert [row["Assessment ID"].value for row in rows] == [
        world["first_discussion"],
        world["retake"],
        world["resit"],
        world["project"],
    ]
    first, retake, resit, project = (values(row) for row in rows)
    assert first == {
        "Assessment ID": world["first_discussion"],
        "ULN": "1234567899",
        "Family name": "Taylor",
        "Given names": "Sam",
        "Standard": "ST0825",
        "Version": "1.1",
        "Method": DISCUSSION,
        "Attempt": 1,
        "Retry": None,
        "Starts": datetime(2026, 12, 10, 10, 0),
        "Ends": datetime(2026, 12, 10, 11, 0),
        "Assessor": "Grace Okafor",
        "Location": "Online (Teams)",
        "Status": "Booked",
        "Employer": "Northwind Digital Ltd",
        "Provider": "Midlands Tech Academy",
        "UKPRN": "10012345",
        "Method grade": "Fail",
    }
    assert (retake["Status"], retake["Retry"], retake["Method grade"]) == (
        "Cancelled",
        "Retake",
        None,
    )
    assert (resit["Retry"], resit["Attempt"], resit["Method grade"]) == ("Resit", 2, "Pass")
    assert (project["Method"], project["Ends"]) == (PROJECT, datetime(2027, 2, 2, 12, 0))
    for column in ("Starts", "Ends"):
        cell = rows[0][column]
        assert cell.is_date and cell.number_format == "DD/MM/YYYY HH:MM"


@pytest.mark.parametrize(
    "query, ids",
    [
        ("from=2026-12-10&to=2026-12-10", ["first_discussion"]),  # one London day
        ("from=2026-12-11&to=2027-01-13", ["retake"]),
        ("from=2027-01-14&to=2027-02-02", ["resit", "project"]),
        ("", ["first_discussion", "retake", "resit", "project"]),  # from today for 12 months
        ("from=2027-02-03", []),
    ],
)
def test_bookings_range(world, query, ids):
    sheet = workbook(world["staff"].get(f"/api/v1/exports/bookings.xlsx?{query}"), "Bookings")
    assert [row["Assessment ID"].value for row in rows_of(sheet)] == [world[i] for i in ids]


def test_admin_may_export(api, world):
    for kind, sheet in (("outcomes", "Outcomes"), ("bookings", "Bookings")):
        workbook(api("admin").get(f"/api/v1/exports/{kind}.xlsx"), sheet)


@pytest.mark.parametrize("kind", ["outcomes", "bookings"])
def test_assessors_may_not_export(api, booking_world, kind):
    error = assert_error(api("assessor").get(f"/api/v1/exports/{kind}.xlsx"), 403, "forbidden")
    assert "assessor" in error["message"]


@pytest.mark.parametrize("kind", ["outcomes", "bookings"])
def test_exports_need_a_token(client, kind):
    assert_error(client.get(f"/api/v1/exports/{kind}.xlsx"), 401, "unauthenticated")


@pytest.mark.parametrize("kind", ["outcomes", "bookings"])
@pytest.mark.parametrize(
    "query, fields",
    [
        ("from=2027-02-30", {"from"}),
        ("to=26/11/2026", {"to"}),
        ("from=soon&to=2027-13-01", {"from", "to"}),
        ("from=1899-12-31", {"from"}),
        ("to=2027-1-5", {"to"}),
    ],
)
def test_dates_that_are_not_real_are_refused(api, booking_world, kind, query, fields):
    response = api("staff").get(f"/api/v1/exports/{kind}.xlsx?{query}")
    error = assert_error(response, 422, "invalid_date")
    assert set(error["fields"]) == fields


@pytest.mark.parametrize("kind", ["outcomes", "bookings"])
def test_a_range_that_ends_before_it_starts_is_refused(api, booking_world, kind):
    response = api("staff").get(f"/api/v1/exports/{kind}.xlsx?from=2027-02-02&to=2027-02-01")
    error = assert_error(response, 422, "validation_failed")
    assert set(error["fields"]) == {"to"}


def test_only_a_from_after_today_is_refused_for_outcomes(api, booking_world):
    response = api("staff").get("/api/v1/exports/outcomes.xlsx?from=2027-02-02")
    assert_error(response, 422, "validation_failed")


def test_each_export_is_logged_with_the_user_id_only(api, world, caplog):
    with caplog.at_level(logging.INFO, logger="epa.exports"):
        world["staff"].get("/api/v1/exports/outcomes.xlsx?from=2027-01-01&to=2027-12-31")
    messages = [r.getMessage() for r in caplog.records if r.name == "epa.exports"]
    assert len(messages) == 1
    assert "outcomes from 2027-01-01 to 2027-12-31" in messages[0]
    assert "staff" not in messages[0] and "@" not in messages[0]
