"""Staff work from the assessment list and the diary: filters by assessor, method, where each
booking stands and dates, the order, the address that keeps them, and downloads."""

import re
from datetime import timedelta
from uuid import uuid4

import pytest

from epa import clock
from epa.extensions import db
from epa.scheduling import list_views
from epa.scheduling.models import Assessment
from tests.pages.test_apprentice_lists import href, read_csv, statements_for
from tests.pages.test_apprentice_pages import error_beside
from tests.pages.test_scheduling_pages import book_directly

#: each booking of the fixture by the London date it starts on
GRADED, AWAITING, BOOKED, CANCELLED = (
    "20 November 2026",
    "24 November 2026",
    "1 February 2027",
    "2 February 2027",
)


@pytest.fixture
def world(app, booking_world, make_gateway_passed, signed_in):
    """Signed in as staff on Thursday 26 November 2026, with four bookings: Priya Shah's
    discussion held 20 November with Grace Okafor and graded; Sam Taylor's discussion held 24
    November with Grace, awaiting its result; Sam's project on 1 February 2027 with Dan Morgan;
    Priya's project on 2 February 2027 with Grace, cancelled."""
    from epa.grading.models import Result
    from epa.scheduling.schemas import BookingCancellation
    from epa.scheduling.services import cancel_assessment

    priya = make_gateway_passed(
        uln="1000000000", given_names="Priya", family_name="Shah", start_date="2025-06-02"
    )
    sam = booking_world["apprentice"]
    graded = book_directly(
        app, booking_world, apprentice_id=priya, backdated=True, starts_at="2026-11-20T10:00"
    )
    book_directly(app, booking_world, backdated=True, starts_at="2026-11-24T10:00")
    book_directly(
        app,
        booking_world,
        apprentice_id=sam,
        method="project",
        starts_at="2027-02-01T09:00",
        assessor_id=booking_world["other_assessor"],
        location="=HYPERLINK(1)",
    )
    cancelled = book_directly(
        app, booking_world, apprentice_id=priya, method="project", starts_at="2027-02-02T09:00"
    )
    with app.app_context():
        db.session.add(
            Result(assessment_id=graded, judgements={}, is_submitted=True, method_grade="pass")
        )
        cancel_assessment(
            db.session.get(Assessment, cancelled), BookingCancellation.read({"reason": "Ill."})
        )
        db.session.commit()
    signed_in("staff")
    return {**booking_world, "priya": priya}


def days(html: str) -> list[str]:
    """The London date of each row, in the order listed."""
    return re.findall(r'data-label="When">\w+ (\d+ \w+ \d{4}),', html)


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/assessments/?{query}")
    assert response.status_code == 200, response.data
    return days(response.get_data(as_text=True))


def test_the_list_shows_every_booking_and_where_it_stands(client, world):
    html = client.get("/assessments/").get_data(as_text=True)
    assert days(html) == [GRADED, AWAITING, BOOKED, CANCELLED]
    tags = re.findall(r'data-label="Status"><strong class="govuk-tag[^"]*">\s*([^<]+?)\s*<', html)
    assert tags == ["Graded", "Awaiting result", "Booked", "Cancelled"]
    assert 'class="govuk-table epa-table--stacked"' in html
    home = client.get("/").get_data(as_text=True)
    assert 'href="/assessments/"' in home


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("status=booked", [BOOKED]),
        ("status=awaiting_result", [AWAITING]),
        ("status=graded", [GRADED]),
        ("status=cancelled", [CANCELLED]),
        ("method=project", [BOOKED, CANCELLED]),
        ("method=discussion&status=graded", [GRADED]),
        ("from=1&from=12&from=2026", [BOOKED, CANCELLED]),
        ("to=24&to=11&to=2026", [GRADED, AWAITING]),
        ("from=24&from=11&from=2026&to=1&to=2&to=2027", [AWAITING, BOOKED]),
        ("from=2026-11-24&to=2027-02-01", [AWAITING, BOOKED]),  # as the API writes dates
        ("sort=-starts_at", [CANCELLED, BOOKED, AWAITING, GRADED]),
        ("sort=apprentice", [GRADED, CANCELLED, AWAITING, BOOKED]),  # Shah, then Taylor
        ("sort=-apprentice", [BOOKED, AWAITING, CANCELLED, GRADED]),
    ],
)
def test_the_list_filters_and_sorts(client, world, query, found):
    assert listed(client, query) == found


def test_the_assessor_filter(client, world):
    assert listed(client, f"assessor_id={world['other_assessor']}") == [BOOKED]
    assert listed(client, f"assessor_id={world['assessor']}") == [GRADED, AWAITING, CANCELLED]


def test_an_awaiting_assessment_is_graded_once_its_result_is_submitted_not_before(
    app, client, world
):
    from epa.grading.models import Result

    with app.app_context():
        held = db.session.scalars(
            Assessment.__table__.select().where(Assessment.apprentice_id == world["apprentice"])
        ).first()
        db.session.add(Result(assessment_id=held, judgements={}, is_submitted=False))
        db.session.commit()
    assert listed(client, "status=awaiting_result") == [AWAITING]  # a draft is no result


def test_the_filters_and_the_order_stay_in_the_address(client, world, monkeypatch):
    monkeypatch.setattr(list_views, "PER_PAGE", 1)
    query = "method=project&from=1&from=12&from=2026&sort=-starts_at"
    first = client.get(f"/assessments/?{query}").get_data(as_text=True)
    assert days(first) == [CANCELLED]
    following = href(first, "Next")
    for part in ["method=project", "from=1&from=12&from=2026", "sort=-starts_at", "page=2"]:
        assert part in following
    assert days(client.get(following).get_data(as_text=True)) == [BOOKED]
    download = href(first, "Download these assessments")
    assert download.startswith("/assessments/download.csv?") and "page=" not in download
    rows = read_csv(client.get(download))
    assert [row[0] for row in rows[1:]] == ["2027-02-02 09:00", "2027-02-01 09:00"]


def test_the_download_holds_what_the_filters_select(client, world):
    response = client.get("/assessments/download.csv?method=project")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="assessments-2026-11-26.csv"'
    )
    rows = read_csv(response)
    assert rows[0][:3] == ["Starts", "Ends", "ULN"] and rows[0][-1] == "Status"
    booked = dict(zip(rows[0], rows[1], strict=True))
    assert booked["Family name"] == "Taylor" and booked["Assessor"] == "Dan Morgan"
    assert booked["Location"] == "'=HYPERLINK(1)" and booked["Status"] == "Booked"
    assert rows[2][-1] == "Cancelled"
    every = read_csv(client.get("/assessments/download.csv"))
    assert [row[-1] for row in every[1:]] == ["Graded", "Awaiting result", "Booked", "Cancelled"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("assessor_id=999999", "assessor_id", "No assessor has the id 999999"),
        ("assessor_id=abc", "assessor_id", "The assessor must be the id of an existing assessor"),
        ("method=juggling", "method", "No assessment method has the code juggling"),
        ("status=lost", "status", "The status must be one of: booked, awaiting_result"),
        ("sort=cost", "sort", "The sort must be one of: starts_at"),
        ("from=31&from=2&from=2027", "from", "Enter the from date as a real date"),
        (
            "from=2&from=2&from=2027&to=1&to=2&to=2027",
            "to",
            "The to date must be the same as or after the from date",
        ),
    ],
)
def test_a_filter_that_cannot_be_read_is_named_and_nothing_is_listed(
    client, world, query, field, message
):
    for path in ("/assessments/", "/assessments/download.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422 and response.mimetype == "text/html"
        html = response.get_data(as_text=True)
        assert message in error_beside(html, field)
        assert days(html) == []


def test_the_list_is_for_the_office(client, signed_in):
    signed_in("assessor")
    assert client.get("/assessments/").status_code == 403
    assert client.get("/assessments/download.csv").status_code == 403
    assert client.get("/diary.csv").status_code == 403


# The diary


def diary_rows(html: str) -> list[str]:
    return re.findall(r'data-label="Status"><strong class="govuk-tag[^"]*">\s*([^<]+?)\s*<', html)


def test_the_diary_filters_by_method_and_shows_cancelled_ones_only_when_asked(client, world):
    week = "week=2027-02-01"
    html = client.get(f"/diary?{week}").get_data(as_text=True)
    assert diary_rows(html) == ["Booked"] and "Dan Morgan" in html
    cancelled = client.get(f"/diary?{week}&status=cancelled").get_data(as_text=True)
    assert diary_rows(cancelled) == ["Cancelled"]
    assert diary_rows(client.get(f"/diary?{week}&method=discussion").get_data(as_text=True)) == []
    held = client.get("/diary?week=2026-11-23").get_data(as_text=True)
    assert diary_rows(held) == ["Awaiting result"]
    assert "epa-table--stacked" in held
    # The weeks either side keep the filters.
    filtered = client.get(f"/diary?{week}&method=project").get_data(as_text=True)
    assert 'href="/diary?week=2027-02-08&amp;method=project"' in filtered


def test_the_diary_downloads_its_week(client, world):
    response = client.get("/diary.csv?week=2027-02-03&status=cancelled")
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="diary-week-of-2027-02-01.csv"'
    )
    rows = read_csv(response)
    assert [row[-1] for row in rows[1:]] == ["Cancelled"]
    page = client.get("/diary?week=2027-02-01&method=project").get_data(as_text=True)
    assert href(page, "Download this week") == "/diary.csv?week=2027-02-01&method=project"


def test_the_diary_names_a_filter_it_cannot_read(client, world):
    response = client.get("/diary?week=2027-02-01&assessor_id=999999")
    assert response.status_code == 422
    assert "No assessor has the id 999999" in error_beside(
        response.get_data(as_text=True), "assessor_id"
    )
    assert client.get("/diary.csv?method=juggling").status_code == 422


def test_the_lists_ask_as_many_queries_for_30_bookings_as_for_3(app, client, world):
    paths = [
        "/assessments/?sort=apprentice",
        "/assessments/download.csv",
        "/diary?week=2026-11-23",
        "/diary.csv?week=2026-11-23",
    ]
    # Three on the diary's week (and on the list) first: the held one and two more.
    with app.app_context():
        held = db.session.scalar(
            Assessment.__table__.select()
            .with_only_columns(Assessment.__table__.c.method_id)
            .where(Assessment.apprentice_id == world["apprentice"])
        )

    def add(n: int) -> None:
        start = clock.now().replace(hour=10) - timedelta(days=2, minutes=n)
        with app.app_context():
            for apprentice, assessor in ((world["apprentice"], world["assessor"]),) * n:
                db.session.add(
                    Assessment(
                        apprentice_id=apprentice,
                        method_id=held,
                        assessor_id=assessor,
                        starts_at=start,
                        ends_at=start + timedelta(hours=1),
                        calendar_uid=f"{uuid4()}@test",
                    )
                )
            db.session.commit()

    add(1)
    add(1)
    few = [statements_for(app, client, path) for path in paths]
    add(27)
    assert len(diary_rows(client.get(paths[2]).get_data(as_text=True))) == 30
    assert [statements_for(app, client, path) for path in paths] == few
