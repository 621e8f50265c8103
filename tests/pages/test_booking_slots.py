"""The booking page's slot choice: find the next slots, show later ones, choose one and book
exactly it; and what the page says when a slot is gone, none is chosen or none is free."""

import re
from datetime import UTC, datetime

from epa.apprentices.models import Apprentice
from epa.extensions import db
from tests.conftest import csrf_token
from tests.pages.test_apprentice_pages import error_beside
from tests.pages.test_scheduling_pages import (  # noqa: F401  (fixtures)
    add_conflict,
    book_directly,
    booked,
    new_page,
    office,
    second_apprentice,
)

_SLOT = re.compile(
    r'<input class="govuk-radios__input" id="slot[^"]*" name="slot" type="radio" '
    r'value="([^"]+)"[^>]*>\s*<label[^>]*>\s*(.*?)\s*</label>',
    re.S,
)


def slots(html: str) -> list[tuple[str, str]]:
    """Each slot radio's value and label, in the page's order."""
    return [(value, " ".join(words.split())) for value, words in _SLOT.findall(html)]


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html)[1]


def press(client, world, button, page=None, apprentice_id=None, **fields):
    """Press a button of the booking page as it was last shown (`page`, or a fresh one): its
    hidden fields go back with it, as a browser sends them."""
    path = new_page({"apprentice": apprentice_id or world["apprentice"]})
    html = page if page is not None else client.get(path).get_data(as_text=True)
    data = {"csrf_token": csrf_token(html.encode()), "method": "discussion", "location": "Room 4"}
    for name in ("slots_for", "slots_from", "slots_next"):
        if f'name="{name}"' in html:
            data[name] = hidden(html, name)
    data[button] = "y"
    data.update(fields)
    return client.post(path, data={k: v for k, v in data.items() if v is not None})


def find(client, world, **fields):
    response = press(client, world, "find", **fields)
    return response, response.get_data(as_text=True)


def test_finding_shows_the_ten_earliest_slots_in_uk_time_and_books_nothing(app, client, office):
    response, html = find(client, office)
    assert response.status_code == 200
    shown = slots(html)
    assert len(shown) == 10
    # Now is Thursday 26 November 2026; 14 days' notice makes Thursday 10 December the first.
    # With no bookings yet, assessors free at the same time come in name order.
    assert [words for _, words in shown[:3]] == [
        "Thursday 10 December 2026, 08:00 to 09:00 — Dan Morgan",
        "Thursday 10 December 2026, 08:00 to 09:00 — Grace Okafor",
        "Thursday 10 December 2026, 08:30 to 09:30 — Dan Morgan",
    ]
    assert shown[-1][1] == "Thursday 10 December 2026, 10:00 to 11:00 — Grace Okafor"
    assert 'name="book_slot"' in html and 'name="later"' in html
    assert "Available slots" in html and "fewest bookings that week" in html
    assert 'id="starts_on-day"' in html and 'name="check"' in html  # the manual way stays
    assert booked(app) == []


def test_later_slots_go_on_from_the_last_shown_without_skipping_or_repeating(
    client, office, make_user, api
):
    # Three assessors: the tenth slot is the first of three at 09:30.
    make_user("assessor", email="ali@epao.example", name="Ali Brown")
    expected = api("staff").get(
        f"/api/v1/apprentices/{office['apprentice']}/slots",
        query_string={"method": "discussion", "limit": 30},
    )
    expected = [
        (item["assessor"]["name"], item["starts_at"]) for item in expected.get_json()["items"]
    ]
    _, html = find(client, office)
    pages = [slots(html)]
    for _ in range(2):
        response = press(client, office, "later", page=html)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        pages.append(slots(html))
    assert [len(page) for page in pages] == [10, 10, 10]
    assert pages[0][-1][1].endswith("09:30 to 10:30 — Ali Brown")
    assert pages[1][0][1].endswith("09:30 to 10:30 — Dan Morgan")
    shown = [
        (words.rsplit(" — ", 1)[1], value.split("@", 1)[1])
        for page in pages
        for value, words in page
    ]
    assert shown == expected


def test_a_chosen_slot_is_booked_exactly_with_the_location_given(app, client, office):
    _, html = find(client, office)
    value, words = slots(html)[3]
    assert words == "Thursday 10 December 2026, 08:30 to 09:30 — Grace Okafor"
    response = press(client, office, "book_slot", page=html, slot=value, location="Room 4")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/apprentices/{office['apprentice']}"
    [assessment] = booked(app)
    assert (assessment.assessor_id, assessment.starts_at, assessment.ends_at) == (
        office["assessor"],
        datetime(2026, 12, 10, 8, 30, tzinfo=UTC),
        datetime(2026, 12, 10, 9, 30, tzinfo=UTC),
    )
    assert (assessment.status, assessment.location) == ("booked", "Room 4")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "Professional discussion booked with Grace Okafor: Thursday 10 December 2026, "
        "08:30 to 09:30." in page
    )


def test_a_slot_on_a_later_page_in_summer_time_is_shown_and_booked_in_uk_time(
    app, client, office, make_gateway_passed, move_clock, signed_in
):
    # 14 days after Saturday 20 March 2027 is Saturday 3 April, so the first slots are on
    # Monday 5 April, after the clocks went forward: 08:00 is 07:00 UTC.
    move_clock(datetime(2027, 3, 20, 9, 0, tzinfo=UTC))
    later = make_gateway_passed(
        gateway_date="2027-03-19", start_date="2025-11-02", uln="2000000001"
    )
    signed_in("staff")  # the session from November has long expired
    response = press(client, office, "find", apprentice_id=later)
    html = response.get_data(as_text=True)
    assert slots(html)[0][1] == "Monday 5 April 2027, 08:00 to 09:00 — Dan Morgan"
    html = press(client, office, "later", page=html, apprentice_id=later).get_data(as_text=True)
    value, words = slots(html)[0]
    assert words == "Monday 5 April 2027, 10:30 to 11:30 — Dan Morgan"
    response = press(
        client, office, "book_slot", page=html, apprentice_id=later, slot=value, location=""
    )
    assert response.status_code == 302
    [assessment] = booked(app)
    assert assessment.starts_at == datetime(2027, 4, 5, 9, 30, tzinfo=UTC)
    assert (assessment.assessor_id, assessment.location) == (office["other_assessor"], None)


def test_booking_without_choosing_a_slot_is_refused_and_the_slots_stay(app, client, office):
    _, html = find(client, office)
    response = press(client, office, "book_slot", page=html)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Error: Book an assessment" in html and "There is a problem" in html
    assert 'href="#slot"' in html
    assert error_beside(html, "slot") == "Choose a slot"
    assert len(slots(html)) == 10
    assert booked(app) == []


def test_a_slot_taken_meanwhile_is_refused_by_the_booking_and_offered_no_more(
    app, client, office, second_apprentice
):
    _, html = find(client, office)
    value, words = slots(html)[0]
    assert words.endswith("08:00 to 09:00 — Dan Morgan")
    # Someone else books Dan at that time while the page is open.
    book_directly(
        app,
        office,
        apprentice_id=second_apprentice,
        assessor_id=office["other_assessor"],
        starts_at="2026-12-10T08:00",
    )
    response = press(client, office, "book_slot", page=html, slot=value)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and 'href="#slot"' in html
    assert error_beside(html, "slot") == (
        "That slot can no longer be booked. The assessor has another assessment at that time. "
        "Choose another slot"
    )
    assert len(booked(app)) == 1  # only the other apprentice's
    offered = [words for _, words in slots(html)]
    assert len(offered) == 10 and offered[0].endswith("08:00 to 09:00 — Grace Okafor")
    assert not any(words.endswith("Dan Morgan") and "to 09:" in words for words in offered)
    assert "checked" not in re.search(r'id="slot".*?</fieldset>', html, re.S)[0]


def test_a_location_refused_keeps_the_slot_chosen(app, client, office):
    _, html = find(client, office)
    value, _ = slots(html)[1]
    response = press(client, office, "book_slot", page=html, slot=value, location="x" * 501)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "500 characters or fewer" in error_beside(html, "location")
    assert f'value="{value}" checked' in html
    assert booked(app) == []


def test_a_slot_of_another_method_is_not_booked(app, client, office):
    _, html = find(client, office)
    value, _ = slots(html)[0]
    response = press(client, office, "book_slot", page=html, slot=value, method="project")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The slots shown were for another method" in error_beside(html, "slot")
    assert slots(html)[0][1] == "Monday 1 February 2027, 08:00 to 11:00 — Dan Morgan"
    assert booked(app) == []


def test_no_free_slot_before_the_deadline_is_said_plainly(app, client, office):
    for assessor in ("assessor", "other_assessor"):
        add_conflict(app, office[assessor], employer_id=office["employer"])
    response, html = find(client, office)
    assert response.status_code == 200
    assert slots(html) == [] and 'name="book_slot"' not in html
    assert (
        "No slot is free for the professional discussion before the end of the EPA period on "
        "2 March 2027." in " ".join(html.split())
    )


def test_the_last_slots_before_the_deadline_say_there_are_no_later_ones(client, office):
    # The page as it was when its last slots before the deadline were about to be shown.
    _, html = find(client, office, method="project")
    html = html.replace(
        f'name="slots_next" type="hidden" value="{hidden(html, "slots_next")}"',
        f'name="slots_next" type="hidden" value="2027-03-02T15:00:00+00:00 '
        f'{office["other_assessor"]}"',
    )
    response = press(client, office, "later", page=html, method="project")
    html = response.get_data(as_text=True)
    assert [words for _, words in slots(html)] == [
        "Tuesday 2 March 2027, 15:00 to 18:00 — Grace Okafor"
    ]
    assert 'name="later"' not in html
    assert "There are no later slots before the end of the EPA period on 2 March 2027." in html


def test_the_finder_s_refusal_for_the_apprentice_is_shown(app, client, office):
    book_directly(app, office)
    response, html = find(client, office)
    assert response.status_code == 409
    assert "already booked for the apprentice" in error_beside(html, "method")
    assert slots(html) == []
    with app.app_context():
        db.session.get(Apprentice, office["apprentice"]).status = "withdrawn"
        db.session.commit()
    response = press(client, office, "find", page=html, method="project")  # the page left open
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The apprentice has been withdrawn." in html and slots(html) == []


def test_finding_needs_a_method(client, office):
    response, html = find(client, office, method=None)
    assert response.status_code == 422
    assert "Enter the assessment method" in error_beside(html, "method")
    assert 'href="#method"' in html


def test_checking_a_time_by_hand_keeps_the_slots_shown(app, client, office):
    _, html = find(client, office)
    response = press(
        client, office, "check", page=html, starts_on=["11", "12", "2026"], start_time="14:00"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "on Friday 11 December 2026 from 14:00" in html and len(slots(html)) == 10
    assert booked(app) == []


def test_booking_a_slot_without_csrf_books_nothing(app, client, office):
    _, html = find(client, office)
    value, _ = slots(html)[0]
    response = client.post(
        new_page(office), data={"method": "discussion", "slot": value, "book_slot": "y"}
    )
    assert response.status_code == 400
    assert booked(app) == []


def test_a_slot_refused_when_no_other_is_left_says_both(app, client, office):
    _, html = find(client, office)
    value, _ = slots(html)[0]
    for assessor in ("assessor", "other_assessor"):
        add_conflict(app, office[assessor], employer_id=office["employer"])
    response = press(client, office, "book_slot", page=html, slot=value)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'href="#slot"' in html and 'id="slot"' in html
    assert "declared conflict of interest" in error_beside(html, "slot")
    assert slots(html) == [] and "No slot is free for the professional discussion" in html
    assert booked(app) == []


def test_the_page_works_where_csrf_protection_is_switched_off(app, client, office):
    # The form puts its fields in the page's order; with CSRF off there is no token to place.
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        response = client.post(
            new_page(office), data={"method": "discussion", "find": "Find the next available slots"}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert response.status_code == 200
    assert slots(response.get_data(as_text=True))


def test_later_slots_page_through_many_assessors_free_at_one_time(client, office, make_user):
    # 25 assessors, so 27 are free at 08:00: three pages at 08:00, then 08:30, never a loop.
    for n in range(25):
        make_user("assessor", email=f"a{n:02d}@epao.example", name=f"Assessor {n:02d}")
    response, html = find(client, office)
    seen = []
    for _ in range(4):
        seen += [words for _, words in slots(html)]
        html = press(client, office, "later", page=html).get_data(as_text=True)
    at_eight = [w for w in seen if "08:00 to 09:00" in w]
    assert len(at_eight) == len(set(at_eight)) == 27
    assert "08:30 to 09:30" in seen[-1]


def test_a_page_whose_hidden_cursor_was_tampered_with_starts_again(client, office):
    response = press(
        client,
        office,
        "later",
        slots_for="discussion",
        slots_next="2026-12-10T08:00+00:00 " + "9" * 5000,
    )
    assert response.status_code == 200
    assert slots(response.get_data(as_text=True))[0][1].startswith(
        "Thursday 10 December 2026, 08:00"
    )
