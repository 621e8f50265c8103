"""The cohort planner's pages: choose a group, review the plan by day and assessor, drop a
row, book the rest with one button, and a stale plan that books nothing."""

import re

import pytest
from sqlalchemy import func, select

from epa.extensions import db
from epa.mail.models import OutboxMessage
from epa.planning.models import Plan
from epa.scheduling.models import Assessment
from tests.api.test_plans import ULNS
from tests.conftest import csrf_token


@pytest.fixture
def office(booking_world, make_gateway_passed, signed_in):
    """Staff signed in; the booking world's apprentice and two more from its employer."""
    signed_in("staff")
    others = [make_gateway_passed(start_date="2025-06-02", uln=uln) for uln in ULNS[:2]]
    return {**booking_world, "cohort": [booking_world["apprentice"], *others]}


def propose(client, world, ids=None, **extra):
    page = client.get(f"/plans/new?employer_id={world['employer']}")
    assert page.status_code == 200
    ids = world["cohort"] if ids is None else ids
    data = {"csrf_token": csrf_token(page.data), "apprentice_ids": [str(i) for i in ids], **extra}
    return client.post(f"/plans/new?employer_id={world['employer']}", data=data)


def plan_id(response) -> int:
    return int(re.search(r"/plans/(\d+)$", response.headers["Location"]).group(1))


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_group_comes_from_an_employer_with_everyone_ticked(client, office):
    page = client.get(f"/plans/new?employer_id={office['employer']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for apprentice_id in office["cohort"]:
        assert re.search(rf'value="{apprentice_id}"\s+checked', html) or re.search(
            rf'checked[^>]*value="{apprentice_id}"', html
        ), apprentice_id
    # The apprentice list offers the planner.
    assert "/plans/new" in client.get("/apprentices/").get_data(as_text=True)


def test_propose_review_drop_and_book(app, client, office):
    response = propose(client, office)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Plan proposed: 6 assessments placed" in html
    assert "Thursday 10 December 2026" in html  # grouped by day...
    assert "<h3" in html and ("Grace Okafor" in html or "Dan Morgan" in html)  # ...and assessor
    number = plan_id(response)
    drop_page = client.post(
        f"/plans/{number}/rows/2/drop", data={"csrf_token": csrf_token(page.data)}
    )
    assert drop_page.status_code == 302
    html = client.get(f"/plans/{number}").get_data(as_text=True)
    assert "Row 2 dropped" in html and "Row 2:" not in html
    before = count(app, OutboxMessage)
    booked = client.post(
        f"/plans/{number}/book",
        data={"csrf_token": csrf_token(html.encode()), "location": "Room 4"},
    )
    assert booked.status_code == 302
    html = client.get(f"/plans/{number}").get_data(as_text=True)
    assert "5 assessments booked" in html and "Booked" in html
    assert count(app, Assessment) == 5
    assert count(app, OutboxMessage) > before  # invitations, as for any booking
    with app.app_context():
        assert db.session.get(Plan, number).status == "booked"


def test_a_stale_plan_books_nothing_and_names_the_rows(app, client, office):
    number = plan_id(propose(client, office))
    with app.app_context():
        first = db.session.get(Plan, number).items[0]
        taken = (first.assessor_id, first.starts_at, first.apprentice_id, first.method.code)
    # Meanwhile the same assessor is booked at that time for someone else.
    from epa.auth.models import User
    from epa.rules.local_time import london_iso
    from epa.scheduling.schemas import Booking
    from epa.scheduling.services import book_assessment

    other = next(i for i in office["cohort"] if i != taken[2])
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.role == "staff"))
        book_assessment(
            Booking.read(
                {
                    "apprentice_id": other,
                    "method": taken[3],
                    "assessor_id": taken[0],
                    "starts_at": london_iso(taken[1]),
                }
            ),
            admin,
        )
        db.session.commit()
    before = count(app, Assessment)
    page = client.get(f"/plans/{number}")
    response = client.post(
        f"/plans/{number}/book", data={"csrf_token": csrf_token(page.data), "location": ""}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Nothing was booked" in html
    assert "No longer fits" in html
    assert count(app, Assessment) == before


def test_choosing_nobody_says_what_to_fix(app, client, office):
    response = propose(client, office, ids=[])
    assert response.status_code == 422
    assert "Choose at least one apprentice" in response.get_data(as_text=True)
    assert count(app, Plan) == 0


def test_an_unknown_plan_is_not_found_and_assessors_are_kept_out(client, office, auth):
    assert client.get("/plans/999").status_code == 404


def test_odd_ids_are_refused_in_words_not_failures(app, client, office):
    for odd in ("²", "9" * 5000):
        response = propose(client, office, ids=[odd])
        assert response.status_code == 422, odd
        assert "There is a problem" in response.get_data(as_text=True)
    page = client.get("/plans/new?employer_id=99999999999999999999999")
    assert page.status_code == 200
    assert "Choose an employer from the list" in page.get_data(as_text=True)
    assert count(app, Plan) == 0


def test_dropping_a_row_twice_is_said_plainly_not_as_a_success(client, office):
    number = plan_id(propose(client, office))
    page = client.get(f"/plans/{number}")
    for _ in range(2):
        client.post(f"/plans/{number}/rows/1/drop", data={"csrf_token": csrf_token(page.data)})
    html = client.get(f"/plans/{number}").get_data(as_text=True)
    assert "That row was dropped already." in html
    banner = html[html.index("That row was dropped already.") - 600 : html.index("That row")]
    assert "govuk-notification-banner--success" not in banner


def test_when_more_match_than_a_plan_holds_only_a_plans_worth_is_offered(
    client, office, monkeypatch
):
    monkeypatch.setattr("epa.planning.views.MOST_APPRENTICES", 2)
    html = client.get(f"/plans/new?employer_id={office['employer']}").get_data(as_text=True)
    assert "More than 2 apprentices match. Only the first 2 are shown" in html
    assert html.count('name="apprentice_ids" type="checkbox"') == 2


def test_the_plan_page_reads_a_fixed_number_of_statements_however_many_rows(
    client, office, count_statements
):
    one = plan_id(propose(client, office, ids=office["cohort"][:1]))
    three = plan_id(propose(client, office))
    sent_for_one, page = count_statements(lambda: client.get(f"/plans/{one}"))
    assert page.status_code == 200
    sent_for_three, page = count_statements(lambda: client.get(f"/plans/{three}"))
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("Row ") >= 6
    assert sent_for_three == sent_for_one
