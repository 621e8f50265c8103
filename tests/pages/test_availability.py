"""The availability grid: a week of every active assessor's diary for staff, with bookings by
initials, unavailability, days off, full days and free time; bank holidays, the clock change,
moving by week, the standard and assessor filters, bad addresses, who may see it, and a number
of queries that does not grow with the assessors."""

import re
import secrets
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import event, select

from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.rules.local_time import london
from epa.scheduling.availability_views import ASSESSORS_PER_PAGE
from epa.scheduling.models import Assessment, AssessorPattern, Unavailability
from epa.standards.models import AssessmentMethod, Standard
from tests.conftest import fixture_data

PAGE = "/diary/availability"
DISCUSSION = "Professional discussion"


@pytest.fixture
def office(booking_world, signed_in):
    """Signed in as staff in the booking world (Thursday 26 November 2026)."""
    signed_in("staff")
    return booking_world


class Tables(HTMLParser):
    """Each table's rows as lists of cell texts, whitespace collapsed; and all the page's text."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = []
        elif tag in ("br", "li", "span") and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        self.text.append(data)


def grid(html: str) -> dict[str, dict[str, str]]:
    """The grid's cells by assessor and by the day's heading ("Thursday 10 December")."""
    page = Tables()
    page.feed(html)
    (table,) = page.tables
    head, *rows = table
    days = [" ".join(cell.split()[:3]) for cell in head[1:]]
    return {row[0].split(" Monday")[0]: dict(zip(days, row[1:], strict=True)) for row in rows}


def page_text(html: str) -> str:
    page = Tables()
    page.feed(html)
    return " ".join("".join(page.text).split())


def at(year, month, day, hour, minute=0) -> datetime:
    return london(datetime(year, month, day, hour, minute))


def add_booking(app, apprentice_id, assessor_id, starts_at, method="discussion", minutes=60):
    """A booked assessment written straight to the diary: the grid only reads."""
    with app.app_context():
        apprentice = db.session.get(Apprentice, apprentice_id)
        method_id = db.session.scalar(
            select(AssessmentMethod.id).where(
                AssessmentMethod.version_id == apprentice.version_id,
                AssessmentMethod.code == method,
            )
        )
        db.session.add(
            Assessment(
                apprentice_id=apprentice_id,
                method_id=method_id,
                assessor_id=assessor_id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes),
                calendar_uid=secrets.token_hex(8),
            )
        )
        db.session.commit()


def add_unavailability(app, assessor_id, starts_at, ends_at):
    with app.app_context():
        db.session.add(
            Unavailability(
                assessor_id=assessor_id, starts_at=starts_at, ends_at=ends_at, reason="Training"
            )
        )
        db.session.commit()


def set_pattern(app, assessor_id, weekdays, starts, ends, max_per_day):
    with app.app_context():
        db.session.add(
            AssessorPattern(
                assessor_id=assessor_id,
                weekday_mask=sum(1 << day for day in weekdays),
                starts_minute=starts.hour * 60 + starts.minute,
                ends_minute=ends.hour * 60 + ends.minute,
                max_per_day=max_per_day,
            )
        )
        db.session.commit()


@pytest.fixture
def priya(make_gateway_passed, booking_world):
    return make_gateway_passed(
        uln="1000000000", given_names="Priya", family_name="Shah", start_date="2025-06-02"
    )


# What a week shows


def test_each_assessor_s_week_by_day(app, client, office, priya):
    grace, dan = office["assessor"], office["other_assessor"]
    add_booking(app, office["apprentice"], grace, at(2026, 12, 10, 10))
    add_booking(app, priya, grace, at(2026, 12, 10, 14), method="project", minutes=180)
    add_unavailability(app, grace, at(2026, 12, 8, 9), at(2026, 12, 8, 12))
    add_unavailability(app, grace, at(2026, 12, 8, 18), at(2026, 12, 9, 18))  # all Wednesday
    set_pattern(app, dan, {0, 1, 2}, time(9), time(17), max_per_day=1)
    add_booking(app, priya, dan, at(2026, 12, 8, 14))
    response = client.get(f"{PAGE}?week=2026-12-07")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1 and "Availability: week of 7 December 2026" in html
    cells = grid(html)
    assert list(cells) == ["Dan Morgan", "Grace Okafor"]  # by name
    assert list(cells["Dan Morgan"]) == [
        "Monday 7 December",
        "Tuesday 8 December",
        "Wednesday 9 December",
        "Thursday 10 December",
        "Friday 11 December",
    ]
    grace_week = cells["Grace Okafor"]
    assert grace_week["Monday 7 December"] == "Free 08:00 to 18:00"
    assert grace_week["Tuesday 8 December"] == (
        "Free 08:00 to 09:00 Unavailable 09:00 to 12:00 Free 12:00 to 18:00"
    )
    assert grace_week["Wednesday 9 December"] == "Unavailable all day"
    assert grace_week["Thursday 10 December"] == (
        f"Full (2 of 2) Booked 10:00 to 11:00 ST {DISCUSSION} "
        "Booked 14:00 to 17:00 PS Project and Practical Assessment"
    )
    dan_week = cells["Dan Morgan"]
    assert dan_week["Monday 7 December"] == "Free 09:00 to 17:00"
    assert dan_week["Tuesday 8 December"] == f"Full (1 of 1) Booked 14:00 to 15:00 PS {DISCUSSION}"
    assert dan_week["Thursday 10 December"] == "Not working"
    assert dan_week["Friday 11 December"] == "Not working"
    # Initials only: the grid names no apprentice.
    for name in ("Sam", "Taylor", "Priya", "Shah", "1234567899"):
        assert name not in html
    assert "Monday to Wednesday, 09:00 to 17:00, at most 1 assessment a day" in html
    assert f'href="/assessors/{dan}"' in html


def test_the_grid_is_a_table_with_headers_and_a_list_per_day_for_small_screens(client, office):
    html = client.get(f"{PAGE}?week=2026-12-07").get_data(as_text=True)
    assert '<caption class="govuk-table__caption govuk-visually-hidden">' in html
    assert "Availability by assessor and day, week of 7 December 2026" in html
    assert html.count('<th scope="row"') == 2
    assert html.count('<th scope="col"') == 6
    narrow = html.split('<div class="epa-availability__narrow">')[1]
    text = page_text(narrow)
    assert text.startswith("Monday 7 December Dan Morgan Free 08:00 to 18:00 Grace Okafor Free")
    assert "Friday 11 December Dan Morgan Free 08:00 to 18:00" in text
    # Every entry carries its word, not only a colour.
    assert html.count('<strong class="govuk-tag govuk-tag--green">') == 20
    assert "Times are UK time" in html


def test_only_active_assessors_have_a_row(app, client, office, make_user):
    make_user("assessor", name="Ada Early")
    with app.app_context():
        db.session.get(User, office["other_assessor"]).is_enabled = False
        db.session.commit()
    cells = grid(client.get(f"{PAGE}?week=2026-12-07").get_data(as_text=True))
    assert list(cells) == ["Ada Early", "Grace Okafor"]


def test_a_bank_holiday_column_says_so(client, office):
    html = client.get(f"{PAGE}?week=2026-12-21").get_data(as_text=True)
    cells = grid(html)["Grace Okafor"]
    assert cells["Friday 25 December"] == "Bank holiday"
    assert cells["Thursday 24 December"] == "Free 08:00 to 18:00"
    assert "Bank holiday: Christmas Day" in html
    after = grid(client.get(f"{PAGE}?week=2026-12-28").get_data(as_text=True))
    assert after["Dan Morgan"]["Monday 28 December"] == "Bank holiday"


def test_a_weekend_column_only_when_something_is_booked_then(app, client, office):
    add_booking(app, office["apprentice"], office["assessor"], at(2026, 12, 12, 10))
    cells = grid(client.get(f"{PAGE}?week=2026-12-07").get_data(as_text=True))
    saturday = cells["Grace Okafor"]["Saturday 12 December"]
    assert saturday == f"Weekend Booked 10:00 to 11:00 ST {DISCUSSION}"
    assert cells["Dan Morgan"]["Saturday 12 December"] == "Weekend"
    assert "Sunday 13 December" not in cells["Dan Morgan"]


def test_cancelled_bookings_are_not_shown(app, client, office):
    add_booking(app, office["apprentice"], office["assessor"], at(2026, 12, 10, 10))
    with app.app_context():
        db.session.scalar(select(Assessment)).status = "cancelled"
        db.session.commit()
    cells = grid(client.get(f"{PAGE}?week=2026-12-07").get_data(as_text=True))
    assert cells["Grace Okafor"]["Thursday 10 December"] == "Free 08:00 to 18:00"


def test_the_weeks_either_side_of_the_clock_change(app, client, office):
    """The clocks go back at 02:00 on Sunday 25 October 2026: 07:00 UTC is 08:00 the Monday
    before, 10:00 UTC is 10:00 the Monday after, and each week starts at its London midnight."""
    grace = office["assessor"]
    add_booking(app, office["apprentice"], grace, datetime(2026, 10, 19, 7, tzinfo=UTC))
    add_booking(app, office["apprentice"], grace, datetime(2026, 10, 26, 10, tzinfo=UTC))
    # From the London midnight starting each week (23:00 UTC, then 00:00 UTC) to 09:00 there.
    add_unavailability(
        app, grace, datetime(2026, 10, 18, 23, tzinfo=UTC), datetime(2026, 10, 19, 8, tzinfo=UTC)
    )
    add_unavailability(
        app, grace, datetime(2026, 10, 26, 0, tzinfo=UTC), datetime(2026, 10, 26, 9, tzinfo=UTC)
    )
    before = grid(client.get(f"{PAGE}?week=2026-10-19").get_data(as_text=True))["Grace Okafor"]
    assert before["Monday 19 October"] == (
        f"Booked 08:00 to 09:00 ST {DISCUSSION} Unavailable 08:00 to 09:00 Free 09:00 to 18:00"
    )
    assert before["Friday 23 October"] == "Free 08:00 to 18:00"
    after = grid(client.get(f"{PAGE}?week=2026-10-26").get_data(as_text=True))["Grace Okafor"]
    assert after["Monday 26 October"] == (
        "Unavailable 08:00 to 09:00 Free 09:00 to 10:00 "
        f"Booked 10:00 to 11:00 ST {DISCUSSION} Free 11:00 to 18:00"
    )


# Moving by week


def test_any_day_shows_its_week_and_the_links_move_a_week(client, office):
    html = client.get(f"{PAGE}?week=2026-12-09").get_data(as_text=True)
    assert "Availability: week of 7 December 2026" in html
    assert f'href="{PAGE}?week=2026-11-30"' in html and f'href="{PAGE}?week=2026-12-14"' in html
    assert "Previous week" in html and "Next week" in html
    assert 'value="2026-12-07"' in html  # the box holds the Monday
    assert f'href="{PAGE}?week=2026-11-23">This week<' in html
    assert 'href="/diary?week=2026-12-07"' in html


def test_without_a_week_it_shows_this_week(client, office):
    html = client.get(PAGE).get_data(as_text=True)
    assert "Availability: week of 23 November 2026" in html
    assert "Thursday 26 November" in grid(html)["Grace Okafor"]


def test_the_diary_links_to_the_grid_for_its_week(client, office):
    html = client.get("/diary?week=2026-12-09").get_data(as_text=True)
    assert f'href="{PAGE}?week=2026-12-07">Availability by week<' in html
    one = client.get(f"/diary?week=2026-12-07&assessor_id={office['assessor']}").get_data(
        as_text=True
    )
    assert f'href="{PAGE}?week=2026-12-07&amp;assessor_id={office["assessor"]}"' in one


# Pages of assessors


@pytest.fixture
def many_assessors(app, office, make_user):
    """27 active assessors in all: Grace, Dan, and 25 more named in order after them."""
    for n in range(1, 26):
        make_user("assessor", name=f"Zara Assessor {n:02}")
    return office


def links(html: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', html)]


def test_the_grid_pages_through_the_assessors_by_name(client, many_assessors):
    html = client.get(f"{PAGE}?week=2026-12-07").get_data(as_text=True)
    rows = list(grid(html))
    assert len(rows) == ASSESSORS_PER_PAGE == 25
    assert rows[:2] == ["Dan Morgan", "Grace Okafor"]
    assert "Assessors 1 to 25 of 27, by name." in page_text(html)
    assert "Page 1 of 2" in page_text(html)
    assert f"{PAGE}?week=2026-12-07&page=2" in links(html)

    html = client.get(f"{PAGE}?week=2026-12-07&page=2").get_data(as_text=True)
    assert list(grid(html)) == ["Zara Assessor 24", "Zara Assessor 25"]
    assert "Assessors 26 to 27 of 27, by name." in page_text(html)
    # Moving a week, or back to this week, keeps the page of assessors.
    assert f"{PAGE}?week=2026-12-14&page=2" in links(html)
    assert f"{PAGE}?week=2026-11-23&page=2" in links(html)
    assert f"{PAGE}?week=2026-12-07&page=1" in links(html)


def test_a_page_past_the_last_shows_the_last_and_a_bad_one_the_first(client, many_assessors):
    html = client.get(f"{PAGE}?week=2026-12-07&page=9").get_data(as_text=True)
    assert list(grid(html))[-1] == "Zara Assessor 25"
    for odd in ("0", "two", "-1", "1e3"):
        html = client.get(f"{PAGE}?week=2026-12-07&page={odd}").get_data(as_text=True)
        assert list(grid(html))[0] == "Dan Morgan", odd


def test_every_page_has_the_weekend_column_any_assessor_is_booked_on(app, client, many_assessors):
    # Grace is on the first page; a Sunday booking of hers shows on the second page too.
    add_booking(app, many_assessors["apprentice"], many_assessors["assessor"], at(2026, 12, 13, 10))
    for page in (1, 2):
        html = client.get(f"{PAGE}?week=2026-12-07&page={page}").get_data(as_text=True)
        days = next(iter(grid(html).values()))
        assert list(days)[-1] == "Sunday 13 December", page
        assert "Saturday 12 December" not in days
        assert f"assessors {25 * page - 24} to" in html  # the table's caption says which
    cells = grid(client.get(f"{PAGE}?week=2026-12-07&page=2").get_data(as_text=True))
    assert cells["Zara Assessor 25"]["Sunday 13 December"] == "Weekend"


def test_the_filters_keep_to_one_page_and_say_nothing_of_pages(client, many_assessors):
    html = client.get(
        f"{PAGE}?week=2026-12-07&assessor_id={many_assessors['assessor']}&page=2"
    ).get_data(as_text=True)
    assert list(grid(html)) == ["Grace Okafor"]
    assert "Assessors 1 to" not in html and "Page 1 of" not in html


# Filters


@pytest.fixture
def other_standard(app, office):
    """ST9999, a second standard, with an apprentice of its own: Lee Jones."""
    from epa.standards.services import load_standard

    other = fixture_data()
    other.update(reference="ST9999", title="Platform engineer")
    with app.app_context():
        load_standard(other)
        db.session.commit()
        return db.session.scalar(select(Standard.id).where(Standard.reference == "ST9999"))


def test_the_standard_filter_names_only_its_apprentices(
    app, client, office, other_standard, make_gateway_passed
):
    lee = make_gateway_passed(
        uln="2000000036",
        given_names="Lee",
        family_name="Jones",
        standard="ST9999",
        start_date="2025-06-02",
    )
    add_booking(app, office["apprentice"], office["assessor"], at(2026, 12, 10, 10))
    add_booking(app, lee, office["other_assessor"], at(2026, 12, 10, 14))
    html = client.get(f"{PAGE}?week=2026-12-07&standard_id={other_standard}").get_data(as_text=True)
    assert f'<option value="{other_standard}" selected>ST9999 Platform engineer</option>' in html
    cells = grid(html)
    assert list(cells) == ["Dan Morgan", "Grace Okafor"]  # assessors stay listed
    assert cells["Dan Morgan"]["Thursday 10 December"] == (
        f"Free 08:00 to 14:00 Booked 14:00 to 15:00 LJ {DISCUSSION} Free 15:00 to 18:00"
    )
    # Sam's booking still takes Grace's time, unnamed.
    assert cells["Grace Okafor"]["Thursday 10 December"] == (
        "Free 08:00 to 10:00 Booked 10:00 to 11:00 Another standard Free 11:00 to 18:00"
    )
    assert "ST " not in cells["Grace Okafor"]["Thursday 10 December"]
    assert f'href="{PAGE}?week=2026-12-14&amp;standard_id={other_standard}"' in html


def test_the_assessor_filter_shows_one_row(app, client, office):
    dan = office["other_assessor"]
    html = client.get(f"{PAGE}?week=2026-12-07&assessor_id={dan}&standard_id=").get_data(
        as_text=True
    )
    assert list(grid(html)) == ["Dan Morgan"]
    assert f'<option value="{dan}" selected>Dan Morgan</option>' in html
    assert f'href="{PAGE}?week=2026-11-30&amp;assessor_id={dan}"' in html
    assert f'href="/diary?week=2026-12-07&amp;assessor_id={dan}"' in html


# Bad addresses


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("week=nonsense", "week", "Enter the week as a real date, for example 2026-12-07"),
        ("week=2026-02-30", "week", "Enter the week as a real date, for example 2026-12-07"),
        ("week=07/12/2026", "week", "Enter the week as a real date, for example 2026-12-07"),
        ("week=1899-12-31", "week", "Enter a date from 1900 to 2100"),
        ("week=2101-01-03", "week", "Enter a date from 1900 to 2100"),
        ("standard_id=999999", "standard_id", "Choose a standard from the list"),
        ("standard_id=ST0825", "standard_id", "Choose a standard from the list"),
        ("assessor_id=abc", "assessor_id", "Choose an assessor from the list"),
        ("assessor_id=99999999999999999999", "assessor_id", "Choose an assessor from the list"),
        ("assessor_id=-1", "assessor_id", "Choose an assessor from the list"),
    ],
)
def test_a_bad_address_says_what_is_wrong(client, office, query, field, message):
    response = client.get(f"{PAGE}?{query}")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and f'href="#{field}"' in html
    assert html.count(message) == 2  # in the summary and beside the box
    assert "<table" not in html and "Error: Availability" in html


def test_a_user_who_is_not_an_active_assessor_is_not_a_choice(app, client, office, make_user):
    staff = make_user("staff")
    with app.app_context():
        db.session.get(User, office["other_assessor"]).is_enabled = False
        db.session.commit()
    for user_id in (staff, office["other_assessor"]):
        response = client.get(f"{PAGE}?assessor_id={user_id}")
        assert response.status_code == 422
        assert "Choose an assessor from the list" in response.get_data(as_text=True)


# Who may see it


def test_assessors_may_not_see_the_grid(client, booking_world, auth):
    assert auth.sign_in("grace@epao.example").status_code == 302
    assert client.get(PAGE).status_code == 403


def test_signed_out_people_may_not_see_the_grid(client, booking_world):
    assert client.get(PAGE).status_code in (302, 403)


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_the_office_may(client, booking_world, signed_in, role):
    signed_in(role)
    assert client.get(PAGE).status_code == 200


# Queries


def test_the_queries_do_not_grow_with_the_assessors(app, client, office, make_user, priya):
    def queries() -> int:
        statements = []

        def count(*args):
            statements.append(args[2])

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(f"{PAGE}?week=2026-12-07")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(statements)

    def busy_assessor(n: int) -> None:
        assessor = make_user("assessor", name=f"Assessor {n:02}")
        set_pattern(app, assessor, {0, 1, 3}, time(9), time(16), max_per_day=2)
        add_booking(app, office["apprentice"], assessor, at(2026, 12, 7, 10))
        add_booking(app, priya, assessor, at(2026, 12, 8, 10), method="project", minutes=180)
        add_unavailability(app, assessor, at(2026, 12, 10, 12), at(2026, 12, 10, 14))

    busy_assessor(1)  # with Grace and Dan: three
    three = queries()
    for n in range(2, 11):
        busy_assessor(n)
    twelve = queries()
    assert len(grid(client.get(f"{PAGE}?week=2026-12-07").get_data(as_text=True))) == 12
    assert twelve == three
