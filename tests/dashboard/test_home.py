"""The start pages by role: each count proved by data, each linking to the list behind it."""

import html as html_lib
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.dashboard.views import week_label
from epa.extensions import db
from epa.grading import services as grading
from epa.grading.models import Outcome
from epa.scheduling import services as scheduling
from epa.scheduling.models import Assessment
from epa.scheduling.schemas import BookingCancellation
from tests.api.test_grading import all_met, only_pass
from tests.pages.test_grading_pages import grade_directly
from tests.pages.test_scheduling_pages import book_directly

TEMPORARY_ULN = "9999999999"  # may be shared, so every extra apprentice can have it
DISCUSSION = "Professional discussion"
PROJECT = "Project and Practical Assessment"


def linked_count(page: str, href: str) -> int:
    """The count a link to `href` shows (its visible text, before the hidden words)."""
    match = re.search(rf'href="{re.escape(html_lib.escape(href))}"[^>]*>\s*(\d+)', page)
    assert match, f"no count links to {href}"
    return int(match.group(1))


def text_of(page: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def table_rows(page: str, caption: str) -> dict[str, list[str]]:
    """A table's body rows by their first cell."""
    start = page.index(caption)
    table = page[start : page.index("</table>", start)]
    body = table[table.index("<tbody") :]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows[cells[0]] = cells[1:]
    return rows


@pytest.fixture
def passed(make_gateway_passed):
    """passed(name, gateway_date="2026-11-02") -> the id of an apprentice through gateway."""

    def make(given_names, gateway_date="2026-11-02"):
        return make_gateway_passed(
            gateway_date, uln=TEMPORARY_ULN, given_names=given_names, start_date="2025-06-02"
        )

    return make


def cancel(app, assessment_id):
    with app.app_context():
        scheduling.cancel_assessment(
            db.session.get(Assessment, assessment_id),
            BookingCancellation(reason="The apprentice is ill"),
        )
        db.session.commit()


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# Staff and administrators


def test_counts_by_status_link_to_the_filtered_list(
    client, signed_in, booking_world, passed, make_apprentice
):
    passed("Priya")
    make_apprentice(uln=TEMPORARY_ULN, given_names="Rory")  # registered
    signed_in("staff")
    page = home(client)
    assert "Operations" in page
    assert linked_count(page, "/apprentices/?status=gateway_passed") == 2
    assert linked_count(page, "/apprentices/?status=registered") == 1
    assert linked_count(page, "/apprentices/?status=in_epa") == 0
    assert linked_count(page, "/apprentices/") == 3
    listed = client.get("/apprentices/?status=gateway_passed").get_data(as_text=True)
    assert "2 apprentices" in listed and "Priya" in listed and "Rory" not in listed


def test_a_method_not_yet_booked(app, client, signed_in, booking_world, passed, make_apprentice):
    # Sam (the booking world's apprentice) has nothing booked; Priya only the discussion;
    # Omar both methods; Lena both, then the discussion cancelled; Rory is not past gateway.
    priya, omar, lena = passed("Priya"), passed("Omar"), passed("Lena")
    make_apprentice(uln=TEMPORARY_ULN, given_names="Rory")
    book_directly(app, booking_world, apprentice_id=priya, starts_at="2026-12-10T10:00")
    book_directly(app, booking_world, apprentice_id=omar, starts_at="2026-12-10T12:00")
    # The assessor takes two a day (the default pattern): Lena's is on the next day.
    lenas = book_directly(app, booking_world, apprentice_id=lena, starts_at="2026-12-11T14:00")
    for who, day in ((omar, "2027-02-01"), (lena, "2027-02-02")):
        book_directly(
            app,
            booking_world,
            apprentice_id=who,
            method="project",
            starts_at=f"{day}T10:00",
            assessor_id=booking_world["other_assessor"],
        )
    cancel(app, lenas)
    signed_in("staff")
    assert linked_count(home(client), "/dashboard/not-booked") == 3
    listed = client.get("/dashboard/not-booked")
    assert listed.status_code == 200
    page = listed.get_data(as_text=True)
    assert "3 apprentices" in page
    for name in ("Taylor, Sam", "Taylor, Priya", "Taylor, Lena"):
        assert name in page, name
    assert "Omar" not in page and "Rory" not in page
    rows = table_rows(page, "3 apprentices")
    assert DISCUSSION in rows["Taylor, Sam ULN 1234567899"][3]
    assert PROJECT in rows["Taylor, Sam ULN 1234567899"][3]
    assert rows[f"Taylor, Priya ULN {TEMPORARY_ULN}"][3] == PROJECT
    assert rows[f"Taylor, Lena ULN {TEMPORARY_ULN}"][3] == DISCUSSION
    assert f'href="/apprentices/{priya}/assessments/new"' in page


def test_deadlines_in_the_next_30_days_without_every_method_booked(
    app, client, signed_in, booking_world, passed
):
    # Today is 26 November 2026; the EPA deadline is four months after the gateway date.
    soon = passed("Priya", "2026-08-16")  # deadline 16 December: 20 days; discussion only
    passed("Omar", "2026-09-05")  # deadline 5 January: 40 days
    passed("Lena", "2026-08-26")  # deadline 26 December: day 30 itself, so counted
    ready = passed("Nia", "2026-08-16")  # deadline in 20 days, both methods booked
    book_directly(app, booking_world, apprentice_id=soon, starts_at="2026-12-10T10:00")
    book_directly(app, booking_world, apprentice_id=ready, starts_at="2026-12-10T12:00")
    book_directly(
        app,
        booking_world,
        apprentice_id=ready,
        method="project",
        starts_at="2026-12-14T10:00",
        assessor_id=booking_world["other_assessor"],
    )
    signed_in("staff")
    page = home(client)
    assert linked_count(page, "/dashboard/deadlines") == 2
    assert "EPA deadlines by 26 December 2026 without every method booked" in page
    listed = client.get("/dashboard/deadlines").get_data(as_text=True)
    assert "2 apprentices" in listed
    rows = table_rows(listed, "2 apprentices")
    assert list(rows) == [f"Taylor, Priya ULN {TEMPORARY_ULN}", f"Taylor, Lena ULN {TEMPORARY_ULN}"]
    assert rows[f"Taylor, Priya ULN {TEMPORARY_ULN}"][2] == "16 December 2026 20 days left"
    assert rows[f"Taylor, Priya ULN {TEMPORARY_ULN}"][3] == PROJECT
    assert "Omar" not in listed and "Nia" not in listed and "Sam" not in listed


def test_this_weeks_assessments(app, client, signed_in, booking_world, passed, move_clock):
    people = [passed(name) for name in ("Priya", "Omar", "Lena", "Nia", "Ivo")]
    when = {
        people[0]: "2026-12-11T16:00",  # Friday of the week before
        people[1]: "2026-12-14T09:00",  # Monday: this week
        people[2]: "2026-12-18T10:00",  # Friday: this week
        people[3]: "2026-12-16T10:00",  # Wednesday, but cancelled
        people[4]: "2026-12-21T09:00",  # Monday of the week after
    }
    ids = {
        who: book_directly(app, booking_world, apprentice_id=who, starts_at=at)
        for who, at in when.items()
    }
    cancel(app, ids[people[3]])
    move_clock(datetime(2026, 12, 16, 9, 0, tzinfo=UTC))  # a Wednesday
    signed_in("staff")
    page = home(client)
    assert linked_count(page, "/diary?week=2026-12-14") == 2
    assert "Assessments this week, 14 to 20 December 2026" in page
    diary = client.get("/diary?week=2026-12-14").get_data(as_text=True)
    assert "Omar" in diary and "Lena" in diary and "Nia" not in diary


@pytest.fixture
def graded(app, booking_world, move_clock):
    """Sam's discussion (Grace, 10 December 2026) and project (Dan, 1 February 2027) booked;
    grade(assessment_id, judgements, when) records and submits a result at `when`."""
    discussion = book_directly(app, booking_world)
    project = book_directly(
        app,
        booking_world,
        method="project",
        starts_at="2027-02-01T10:00",
        assessor_id=booking_world["other_assessor"],
    )

    def grade(assessment_id, judgements, when, submit=True):
        move_clock(when)
        grade_directly(app, assessment_id, judgements, submit=submit)

    return {**booking_world, "discussion": discussion, "project": project, "grade": grade}


AFTER_DISCUSSION = datetime(2026, 12, 10, 11, 30, tzinfo=UTC)
AFTER_PROJECT = datetime(2027, 2, 1, 14, 0, tzinfo=UTC)


def test_provisional_outcomes_count_until_confirmed(
    app, client, signed_in, graded, passed, move_clock
):
    # Priya's discussion is graded but her project not booked: incomplete, not provisional.
    priya = passed("Priya")
    priyas = book_directly(app, graded, apprentice_id=priya, starts_at="2026-12-10T12:00")
    graded["grade"](priyas, all_met("discussion"), datetime(2026, 12, 10, 13, 30, tzinfo=UTC))
    staff_id = signed_in("staff")
    assert linked_count(home(client), "/sign-off") == 0
    graded["grade"](graded["discussion"], all_met("discussion"), AFTER_DISCUSSION)
    graded["grade"](graded["project"], only_pass("project"), AFTER_PROJECT, submit=False)
    signed_in("staff")  # weeks later: a session ends after 8 idle hours
    assert linked_count(home(client), "/sign-off") == 0  # a draft is not a result yet
    graded["grade"](graded["project"], only_pass("project"), AFTER_PROJECT)
    move_clock(datetime(2027, 2, 10, 9, 0, tzinfo=UTC))
    staff_id = signed_in("staff")  # weeks later: a session ends after 8 idle hours
    assert linked_count(home(client), "/sign-off") == 1
    with app.app_context():
        sam = db.session.get(Apprentice, graded["apprentice"])
        assert grading.outcome_public(sam)["status"] == "provisional"  # the services agree
        assert grading.outcome_public(db.session.get(Apprentice, priya))["status"] == "incomplete"
        grading.confirm_outcome(sam, db.session.get(User, staff_id))
        db.session.commit()
    page = home(client)
    assert linked_count(page, "/sign-off") == 0
    rows = table_rows(page, "Confirmed outcomes by month")
    assert rows["February 2027"] == ["0", "0", "1", "0", "1"]  # fail, pass, merit, distinction
    assert rows["All 12 months"] == ["0", "0", "1", "0", "1"]
    assert re.search(r'data-grade="merit" data-month="Feb 2027" data-value="1"', page)


def test_a_confirmed_fail_is_not_provisional(app, client, signed_in, graded, move_clock):
    graded["grade"](graded["discussion"], all_met("discussion", P1=False), AFTER_DISCUSSION)
    graded["grade"](graded["project"], all_met("project"), AFTER_PROJECT)
    staff_id = signed_in("staff")
    assert linked_count(home(client), "/sign-off") == 1
    with app.app_context():
        grading.confirm_outcome(
            db.session.get(Apprentice, graded["apprentice"]), db.session.get(User, staff_id)
        )
        db.session.commit()
    move_clock(datetime(2027, 2, 10, 9, 0, tzinfo=UTC))
    signed_in("staff")  # weeks later: a session ends after 8 idle hours
    page = home(client)
    assert linked_count(page, "/sign-off") == 0
    assert linked_count(page, "/apprentices/?status=in_epa") == 1  # a fail stays in EPA
    assert table_rows(page, "Confirmed outcomes by month")["February 2027"][0] == "1"


def test_the_chart_and_its_table_show_confirmed_outcomes_by_month(
    app, client, signed_in, make_apprentice, today
):
    today(date(2026, 11, 26))
    outcomes = [
        (date(2026, 10, 5), "pass", True),
        (date(2026, 10, 20), "pass", True),
        (date(2026, 10, 21), "distinction", True),
        (date(2026, 11, 3), "merit", True),
        (date(2026, 11, 4), "fail", True),
        (date(2026, 11, 5), None, False),  # not confirmed
        (date(2025, 11, 20), "pass", True),  # thirteen months ago
        (date(2025, 12, 1), "distinction", True),  # the first of the twelve months
    ]
    for n, (day, grade, confirmed) in enumerate(outcomes):
        apprentice_id = make_apprentice(uln=TEMPORARY_ULN, given_names=f"Person {n}")
        with app.app_context():
            db.session.add(
                Outcome(
                    apprentice_id=apprentice_id,
                    overall_grade=grade,
                    epa_date=day if confirmed else None,
                    achievement_date=day if grade not in (None, "fail") else None,
                    confirmed_at=datetime(2026, 11, 25, tzinfo=UTC) if confirmed else None,
                )
            )
            db.session.commit()
    signed_in("admin")
    page = home(client)
    assert "Administration" in page and "Users" in page
    rows = table_rows(page, "Confirmed outcomes by month")
    assert list(rows)[0] == "December 2025" and list(rows)[-2] == "November 2026"
    assert len(rows) == 13  # twelve months and the totals
    assert rows["October 2026"] == ["0", "2", "0", "1", "3"]
    assert rows["November 2026"] == ["1", "0", "1", "0", "2"]
    assert rows["December 2025"] == ["0", "0", "0", "1", "1"]
    assert rows["June 2026"] == ["0", "0", "0", "0", "0"]
    assert rows["All 12 months"] == ["1", "2", "1", "2", "6"]
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in chart and "6 in all" in chart
    assert 'data-grade="pass" data-month="Oct 2026" data-value="2"' in chart
    assert 'data-grade="distinction" data-month="Oct 2026" data-value="1"' in chart
    assert chart.count('class="bar"') == 5


def test_the_start_page_asks_the_same_number_of_queries_however_many_apprentices(
    app, client, signed_in, booking_world, passed
):
    signed_in("staff")
    statements = []

    def count(*_):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        home(client)
        few = len(statements)
        more = [passed(name) for name in ("Priya", "Omar", "Lena")]
        book_directly(app, booking_world, apprentice_id=more[0])
        book_directly(app, booking_world, starts_at="2026-12-10T12:00")
        statements.clear()
        home(client)
        assert len(statements) == few
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_lists_behind_the_counts_are_for_the_office(client, signed_in):
    signed_in("assessor")
    assert client.get("/dashboard/not-booked").status_code == 403
    assert client.get("/dashboard/deadlines").status_code == 403


def test_empty_lists_say_so(client, signed_in, standard):
    signed_in("staff")
    assert "Every apprentice past gateway has each method booked." in client.get(
        "/dashboard/not-booked"
    ).get_data(as_text=True)
    assert "No EPA deadline in the next 30 days" in client.get("/dashboard/deadlines").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "monday, words",
    [
        (date(2026, 12, 14), "14 to 20 December 2026"),
        (date(2026, 11, 30), "30 November to 6 December 2026"),
        (date(2026, 12, 28), "28 December 2026 to 3 January 2027"),
    ],
)
def test_a_week_is_written_as_people_write_it(monday, words):
    assert week_label(monday, monday + timedelta(days=6)) == words


# Assessors


def test_the_assessor_sees_upcoming_assessments_and_results_to_submit(
    app, client, auth, graded, passed, move_clock
):
    # Held (backdated, before today 26 November): Priya's with no result, Omar's with a draft,
    # Lena's submitted. Upcoming: Sam's discussion (10 December), Nia's (cancelled: not shown).
    priya, omar, lena, nia = (passed(name) for name in ("Priya", "Omar", "Lena", "Nia"))
    held = {
        who: book_directly(
            app, graded, apprentice_id=who, starts_at=f"2026-11-{day}T10:00", backdated=True
        )
        for who, day in ((priya, "20"), (omar, "23"), (lena, "24"))
    }
    move_clock(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    grade_directly(app, held[omar], {"P1": True}, submit=False)
    grade_directly(app, held[lena], only_pass("discussion"))
    cancel(app, book_directly(app, graded, apprentice_id=nia, starts_at="2026-12-11T10:00"))
    assert auth.sign_in("grace@epao.example").status_code == 302
    page = home(client)
    assert "Your assessments" in page and "ST0825 DevOps engineer" in page
    words = text_of(page)
    upcoming = words[words.index("Upcoming assessments") : words.index("Results still to submit")]
    assert "Thursday 10 December 2026, 10:00 to 11:00" in upcoming and "Sam Taylor" in upcoming
    assert "Nia" not in upcoming and "Priya" not in upcoming
    assert PROJECT not in upcoming  # Dan's, not Grace's
    assert re.search(r'href="/my-assessments">1 upcoming assessment<', page)
    assert "2 assessments have been held without a submitted result" in words
    assert f'href="/assessments/{held[priya]}/result"' in page
    assert f'href="/assessments/{held[omar]}/result"' in page
    assert f'href="/assessments/{held[lena]}/result"' not in page
    assert f'href="/assessments/{graded["discussion"]}/result"' not in page  # not held yet


def test_an_assessor_with_nothing_booked(client, signed_in, standard):
    signed_in("assessor")
    words = text_of(home(client))
    assert "Nothing is booked with you from now on." in words
    assert "Every assessment you have held has a submitted result." in words
