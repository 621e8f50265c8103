"""The cohort planner through the API: every row books, no two rows clash, the daily limits
hold, a dropped row stays dropped, a stale plan books nothing, and a booked plan stays booked."""

from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from epa.extensions import db
from epa.rules.local_time import LONDON
from epa.scheduling.models import Assessment
from tests.api.test_assessments import book
from tests.api.test_conventions import assert_error
from tests.api.test_patterns import pattern_path

ULNS = ["2000000001", "2000000028", "2000000036", "2000000044", "2000000052"]


@pytest.fixture
def staff(api, booking_world):
    return api("staff")


@pytest.fixture
def cohort(booking_world, make_gateway_passed):
    """The booking world's apprentice and three more from the same employer."""
    return [booking_world["apprentice"]] + [
        make_gateway_passed(start_date="2025-06-02", uln=uln) for uln in ULNS[:3]
    ]


def propose(staff, ids, **extra):
    response = staff.post("/api/v1/plans", json={"apprentice_ids": ids, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def local(text):
    return datetime.fromisoformat(text).astimezone(LONDON)


def assert_keeps_apart(items, per_day):
    """No two rows overlap for an assessor or an apprentice; no assessor over `per_day`."""
    for key in ("assessor_id", "apprentice_id"):
        by = {}
        for item in items:
            by.setdefault(item[key], []).append((local(item["starts_at"]), local(item["ends_at"])))
        for spans in by.values():
            spans.sort()
            assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), spans
    days = Counter((item["assessor_id"], local(item["starts_at"]).date()) for item in items)
    assert max(days.values()) <= per_day, days


def test_a_plan_places_every_method_and_books_every_row(app, staff, booking_world, cohort):
    plan = propose(staff, cohort)
    assert plan["status"] == "proposed" and plan["unplaced"] == []
    assert Counter(item["method"] for item in plan["items"]) == {"discussion": 4, "project": 4}
    assert [item["index"] for item in plan["items"]] == list(range(1, 9))
    assert_keeps_apart(plan["items"], per_day=2)
    # The earliest days the rules allow: discussions from 10 December, projects from 1 February.
    assert min(i["starts_at"] for i in plan["items"] if i["method"] == "discussion")[:10] == (
        "2026-12-10"
    )
    assert min(i["starts_at"] for i in plan["items"] if i["method"] == "project")[:10] == (
        "2027-02-01"
    )
    assert staff.get(f"/api/v1/plans/{plan['id']}").get_json() == plan
    booked = staff.post(f"/api/v1/plans/{plan['id']}/book", json={"location": "Online"})
    assert booked.status_code == 201, booked.get_json()
    ids = booked.get_json()["assessment_ids"]
    assert len(ids) == 8
    with app.app_context():
        rows = db.session.scalars(select(Assessment).where(Assessment.id.in_(ids))).all()
        assert {(r.assessor_id, r.starts_at.isoformat()) for r in rows} == {
            (i["assessor_id"], datetime.fromisoformat(i["starts_at"]).isoformat())
            for i in plan["items"]
        }
        assert {r.location for r in rows} == {"Online"}
    again = staff.get(f"/api/v1/plans/{plan['id']}").get_json()
    assert again["status"] == "booked" and sorted(i["assessment_id"] for i in again["items"]) == (
        sorted(ids)
    )
    assert_error(
        staff.post(f"/api/v1/plans/{plan['id']}/book", json={}), 409, "plan_already_booked"
    )
    assert_error(staff.delete(f"/api/v1/plans/{plan['id']}/items/1"), 409, "plan_already_booked")


def test_the_daily_limits_and_patterns_hold(staff, booking_world, cohort):
    for who in ("assessor", "other_assessor"):
        staff.put(
            pattern_path(booking_world, who),
            json={"weekdays": [0, 2], "starts": "09:00", "ends": "17:00", "max_per_day": 1},
        )
    plan = propose(staff, cohort)
    assert_keeps_apart(plan["items"], per_day=1)
    for item in plan["items"]:
        start, end = local(item["starts_at"]), local(item["ends_at"])
        assert start.weekday() in (0, 2) and start.hour >= 9 and (end.hour, end.minute) <= (17, 0)
    assert staff.post(f"/api/v1/plans/{plan['id']}/book", json={}).status_code == 201


def test_what_cannot_be_placed_is_listed_with_its_reason(
    staff, booking_world, cohort, make_apprentice
):
    not_ready = make_apprentice(uln=ULNS[4])
    book(staff, booking_world)  # the first apprentice's discussion is booked already
    plan = propose(staff, [*cohort, not_ready])
    assert {(u["apprentice_id"], u["method"], u["code"]) for u in plan["unplaced"]} == {
        (not_ready, "project", "gateway_not_passed"),
        (not_ready, "discussion", "gateway_not_passed"),
    }
    assert (booking_world["apprentice"], "discussion") not in {
        (i["apprentice_id"], i["method"]) for i in plan["items"]
    }


def test_no_slot_when_nothing_fits(staff, booking_world, cohort):
    # One day, one assessor free of conflicts, one assessment a day: one row only.
    staff.post(
        f"/api/v1/users/{booking_world['other_assessor']}/conflicts",
        json={"employer_id": booking_world["employer"]},
    )
    staff.put(
        pattern_path(booking_world),
        json={"weekdays": [0, 1, 2, 3, 4], "starts": "08:00", "ends": "18:00", "max_per_day": 1},
    )
    plan = propose(staff, cohort, **{"from": "2026-12-10", "to": "2026-12-10"})
    assert len(plan["items"]) == 1
    codes = Counter(u["code"] for u in plan["unplaced"])
    assert codes["no_slot"] == 3  # the other discussions
    assert codes["outside_epa_period"] == 4  # no project before 1 February


def test_a_dropped_row_stays_dropped(staff, booking_world, cohort):
    plan = propose(staff, cohort)
    path = f"/api/v1/plans/{plan['id']}/items/3"
    assert staff.delete(path).status_code == 204
    assert_error(staff.delete(path), 404, "not_found")
    left = staff.get(f"/api/v1/plans/{plan['id']}").get_json()["items"]
    assert [i["index"] for i in left] == [1, 2, 4, 5, 6, 7, 8]
    booked = staff.post(f"/api/v1/plans/{plan['id']}/book", json={})
    assert len(booked.get_json()["assessment_ids"]) == 7


def test_a_stale_plan_books_nothing_and_names_its_rows(app, staff, booking_world, cohort):
    plan = propose(staff, cohort)
    taken = plan["items"][0]
    # Another booking takes the first row's assessor and time after the plan was made.
    other = book(
        staff,
        {**booking_world, "apprentice": cohort[-1]},
        method="discussion" if taken["apprentice_id"] != cohort[-1] else "project",
        assessor_id=taken["assessor_id"],
        starts_at=taken["starts_at"],
    )
    if other.status_code != 201:  # the last apprentice's own row: use the world's apprentice
        other = book(
            staff,
            booking_world,
            method=taken["method"],
            assessor_id=taken["assessor_id"],
            starts_at=taken["starts_at"],
        )
    assert other.status_code == 201, other.get_json()
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Assessment))
    error = assert_error(
        staff.post(f"/api/v1/plans/{plan['id']}/book", json={}), 409, ("plan_stale")
    )
    assert taken["index"] in {row["index"] for row in error["rows"]}
    assert all(row["code"] and row["message"] for row in error["rows"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == before
    assert staff.get(f"/api/v1/plans/{plan['id']}").get_json()["status"] == "proposed"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"apprentice_ids": []}, "apprentice_ids"),
        ({"apprentice_ids": [1, 1]}, "apprentice_ids"),
        ({"apprentice_ids": [999999]}, "apprentice_ids"),
        ({"apprentice_ids": ["x"]}, "apprentice_ids"),
        ({"apprentice_ids": "ours", "from": "2027-01-10", "to": "2027-01-01"}, "to"),
        ({"apprentice_ids": "ours", "to": "2028-12-01"}, "to"),
        ({"apprentice_ids": "ours", "from": "soon"}, "from"),
    ],
)
def test_a_bad_request_says_what_to_fix(staff, booking_world, body, field):
    if body["apprentice_ids"] == "ours":
        body = {**body, "apprentice_ids": [booking_world["apprentice"]]}
    response = staff.post("/api/v1/plans", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_plans_are_for_the_office(api, booking_world):
    assert_error(
        api("assessor").post("/api/v1/plans", json={"apprentice_ids": [1]}), 403, "forbidden"
    )
    assert_error(api("staff").get("/api/v1/plans/999"), 404, "not_found")


def test_a_withdrawn_apprentice_is_listed_not_planned(staff, booking_world, cohort):
    withdrawn = cohort[-1]
    staff.post(f"/api/v1/apprentices/{withdrawn}/withdraw", json={"reason": "Left the employer"})
    plan = propose(staff, cohort)
    assert {(u["apprentice_id"], u["code"]) for u in plan["unplaced"]} == {
        (withdrawn, "apprentice_withdrawn")
    }
    assert withdrawn not in {item["apprentice_id"] for item in plan["items"]}


def test_apprentices_past_their_deadline_are_listed_with_the_reason(
    staff, booking_world, cohort, move_clock
):
    from datetime import UTC

    move_clock(datetime(2027, 3, 10, 9, 0, tzinfo=UTC))  # every deadline (2 March) has passed
    plan = propose(staff, cohort)
    assert plan["items"] == []
    assert {u["code"] for u in plan["unplaced"]} == {"outside_epa_period"}


def test_a_plan_booked_twice_at_once_is_booked_once(app, staff, booking_world, cohort, make_token):
    from tests.api.test_races import _race

    plan = propose(staff, cohort)
    results = _race(
        app, make_token("staff"), f"/api/v1/plans/{plan['id']}/book", [{"location": "Online"}] * 4
    )
    assert sorted(status for status, _ in results) == [201, 409, 409, 409], results
    assert {code for status, code in results if status == 409} == {"plan_already_booked"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Assessment)) == 8


def test_a_plan_and_single_bookings_at_once_never_deadlock(
    app, staff, booking_world, cohort, make_token
):
    """Each finishes: the plan books whole or is stale; each single booking books or is refused."""
    from tests.api.test_assessments import booking
    from tests.api.test_races import _race

    plan = propose(staff, cohort)
    rows = plan["items"][:3]
    singles = [
        booking(
            {**booking_world, "apprentice": row["apprentice_id"]},
            method=row["method"],
            assessor_id=row["assessor_id"],
            starts_at=row["starts_at"],
        )
        for row in rows
    ]
    token = make_token("staff")
    import threading

    outcome = {}

    def book_plan():
        outcome["plan"] = _race(app, token, f"/api/v1/plans/{plan['id']}/book", [{}])

    thread = threading.Thread(target=book_plan)
    thread.start()
    results = _race(app, token, "/api/v1/assessments", singles)
    thread.join(timeout=60)
    assert not thread.is_alive()
    ((plan_status, plan_code),) = outcome["plan"]
    assert all(status in (201, 409) for status, _ in results), results
    if plan_status == 201:
        assert all(status == 409 for status, _ in results), results
    else:
        assert (plan_status, plan_code) == (409, "plan_stale")


def test_legal_days_without_a_free_assessor_are_no_slot(staff, booking_world, cohort):
    for who in ("assessor", "other_assessor"):
        staff.post(
            f"/api/v1/users/{booking_world[who]}/conflicts",
            json={"employer_id": booking_world["employer"]},
        )
    plan = propose(staff, cohort[:1], to="2026-12-13")
    assert {(u["method"], u["code"]) for u in plan["unplaced"]} == {
        ("discussion", "no_slot"),
        ("project", "outside_epa_period"),
    }


def test_an_id_of_thousands_of_digits_is_refused_in_words(staff, booking_world):
    response = staff.post("/api/v1/plans", json={"apprentice_ids": ["9" * 5000]})
    assert response.status_code == 422
    message = response.get_json()["error"]["fields"]["apprentice_ids"]
    assert "id" in message and "digits" not in message
