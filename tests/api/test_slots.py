"""The slot finder through the API: every slot it offers books as it is, in the right order,
around bank holidays, the clock change, conflicts, full days and the apprentice's own diary."""

from datetime import UTC, datetime

import pytest

from tests.api.test_assessments import book
from tests.api.test_conventions import assert_error
from tests.api.test_grading import world  # noqa: F401  (fixture)
from tests.api.test_patterns import PART_TIME, pattern_path


@pytest.fixture
def staff(api, booking_world):
    return api("staff")


def slots(staff, world, **query):
    query.setdefault("method", "discussion")
    response = staff.get(f"/api/v1/apprentices/{world['apprentice']}/slots", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def starts(items):
    return [(item["starts_at"], item["assessor"]["name"]) for item in items]


def test_the_earliest_slots_spread_across_assessors(staff, booking_world):
    # Now is Thursday 26 November 2026; 14 days' notice makes Thursday 10 December the first.
    items = slots(staff, booking_world, limit=4)
    assert starts(items) == [
        ("2026-12-10T08:00:00+00:00", "Dan Morgan"),
        ("2026-12-10T08:00:00+00:00", "Grace Okafor"),
        ("2026-12-10T08:30:00+00:00", "Dan Morgan"),
        ("2026-12-10T08:30:00+00:00", "Grace Okafor"),
    ]
    assert items[0]["ends_at"] == "2026-12-10T09:00:00+00:00"
    assert items[0]["assessor"]["id"] == booking_world["other_assessor"]


def test_the_assessor_with_fewer_bookings_that_week_comes_first(
    staff, booking_world, make_gateway_passed
):
    other = make_gateway_passed(start_date="2025-06-02", uln="2000000001")
    booked = book(
        staff,
        {**booking_world, "apprentice": other},
        assessor_id=booking_world["other_assessor"],
        starts_at="2026-12-11T16:00",
    )
    assert booked.status_code == 201
    assert starts(slots(staff, booking_world, limit=2)) == [
        ("2026-12-10T08:00:00+00:00", "Grace Okafor"),
        ("2026-12-10T08:00:00+00:00", "Dan Morgan"),
    ]


def test_every_slot_offered_books_as_it_is(staff, booking_world):
    for method in ("discussion", "project"):
        item = slots(staff, booking_world, method=method, limit=50)[-1]
        response = book(
            staff,
            booking_world,
            method=method,
            assessor_id=item["assessor"]["id"],
            starts_at=item["starts_at"],
        )
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["ends_at"] == item["ends_at"]


def test_the_project_waits_for_its_window(staff, booking_world):
    # Gateway on 2 November 2026; the project may be held from 91 days on: 1 February 2027.
    first = slots(staff, booking_world, method="project", limit=1)[0]
    assert first["starts_at"] == "2027-02-01T08:00:00+00:00"
    # ... and the last slot ends by 18:00 on the deadline, 2 March 2027.
    last = slots(staff, booking_world, method="project", **{"from": "2027-03-02"}, limit=50)
    assert last[-1]["starts_at"] == "2027-03-02T15:00:00+00:00"
    assert slots(staff, booking_world, method="project", **{"from": "2027-03-03"}) == []


def test_bank_holidays_and_weekends_are_skipped(staff, booking_world):
    # From Thursday 24 December: Christmas Day, the weekend, and Boxing Day's Monday are not.
    items = slots(staff, booking_world, **{"from": "2026-12-24T17:00"}, limit=4)
    assert [item["starts_at"][:16] for item in items] == [
        "2026-12-24T17:00",
        "2026-12-24T17:00",
        "2026-12-29T08:00",
        "2026-12-29T08:00",
    ]


def test_slots_across_easter_and_the_clocks_going_forward_are_in_uk_time(
    staff, booking_world, make_gateway_passed, move_clock
):
    # Good Friday is 26 March 2027 and Easter Monday 29 March; the clocks go forward between
    # them, so 08:00 on Tuesday 30 March is 07:00 UTC.
    move_clock(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    later = make_gateway_passed(
        gateway_date="2027-02-26", start_date="2025-11-02", uln="2000000001"
    )
    items = slots(
        staff, {**booking_world, "apprentice": later}, limit=4, **{"from": "2027-03-25T17:00"}
    )
    assert [item["starts_at"] for item in items] == [
        "2027-03-25T17:00:00+00:00",
        "2027-03-25T17:00:00+00:00",
        "2027-03-30T08:00:00+01:00",
        "2027-03-30T08:00:00+01:00",
    ]
    assert items[2]["ends_at"] == "2027-03-30T09:00:00+01:00"


def test_conflicts_unavailability_and_full_days_leave_an_assessor_out(
    staff, booking_world, make_gateway_passed
):
    staff.post(
        f"/api/v1/users/{booking_world['other_assessor']}/conflicts",
        json={"employer_id": booking_world["employer"]},
    )
    staff.post(
        f"/api/v1/users/{booking_world['assessor']}/unavailability",
        json={"starts_at": "2026-12-10T00:00", "ends_at": "2026-12-10T12:00", "reason": "Leave"},
    )
    assert slots(staff, booking_world, limit=1)[0]["starts_at"] == "2026-12-10T12:00:00+00:00"
    staff.put(pattern_path(booking_world), json={**PART_TIME, "weekdays": [3, 4]})
    other = make_gateway_passed(start_date="2025-06-02", uln="2000000001")
    assert (
        book(
            staff, {**booking_world, "apprentice": other}, starts_at="2026-12-10T13:00"
        ).status_code
        == 201
    )
    # Thursday is now full for the only assessor free of conflicts: Friday 09:30 is next.
    items = slots(staff, booking_world, limit=2)
    assert starts(items) == [
        ("2026-12-11T09:30:00+00:00", "Grace Okafor"),
        ("2026-12-11T10:00:00+00:00", "Grace Okafor"),
    ]


def test_the_apprentices_own_bookings_are_avoided(staff, booking_world):
    book(staff, booking_world, method="project", starts_at="2027-02-01T08:00")
    first = slots(staff, booking_world, **{"from": "2027-02-01"}, limit=1)[0]
    assert first["starts_at"] == "2027-02-01T11:00:00+00:00"


def test_one_assessors_slots(staff, booking_world):
    items = slots(staff, booking_world, assessor_id=booking_world["assessor"], limit=3)
    assert {item["assessor"]["name"] for item in items} == {"Grace Okafor"}


def test_refusals_that_belong_to_the_apprentice(staff, booking_world, make_apprentice):
    path = f"/api/v1/apprentices/{booking_world['apprentice']}/slots"
    assert_error(staff.get(path, query_string={"method": "essay"}), 422, "unknown_method")
    assert_error(
        staff.get(path, query_string={"method": "discussion", "retry": "resit"}),
        422,
        "retry_not_allowed",
    )
    book(staff, booking_world)
    assert_error(
        staff.get(path, query_string={"method": "discussion"}), 409, "method_already_booked"
    )
    fresh = make_apprentice(uln="2000000001")
    assert_error(
        staff.get(f"/api/v1/apprentices/{fresh}/slots", query_string={"method": "discussion"}),
        422,
        "gateway_not_passed",
    )


@pytest.mark.parametrize(
    "query, field",
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "51"}, "limit"),
        ({"from": "2026-02-30"}, "from"),
        ({"to": "soon"}, "to"),
        ({"retry": "again"}, "retry"),
    ],
)
def test_a_bad_query_says_what_to_fix(staff, booking_world, query, field):
    response = staff.get(
        f"/api/v1/apprentices/{booking_world['apprentice']}/slots",
        query_string={"method": "discussion", **query},
    )
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_assessors_cannot_look_for_slots(api, booking_world):
    assert_error(
        api("assessor").get(
            f"/api/v1/apprentices/{booking_world['apprentice']}/slots?method=discussion"
        ),
        403,
        "forbidden",
    )


def test_a_resit_finds_slots_inside_its_window_only(world):
    from tests.api.test_grading import failed_discussion

    failed_discussion(world)  # submitted on 10 December 2026; now is 11 December
    path = f"/api/v1/apprentices/{world['apprentice']}/slots"
    assert_error(
        world["staff"].get(path, query_string={"method": "discussion"}), 422, ("retry_required")
    )
    first = slots(world["staff"], world, retry="resit", limit=1)[0]
    assert first["starts_at"] == "2026-12-29T08:00:00+00:00"  # 14 days on, then Christmas
    # A resit within 2 months of the fail: the last day is 10 February 2027.
    last = slots(world["staff"], world, retry="resit", limit=50, **{"from": "2027-02-10"})
    assert last[-1]["starts_at"] == "2027-02-10T17:00:00+00:00"
    assert slots(world["staff"], world, retry="resit", **{"from": "2027-02-11"}) == []
    booked = book(
        world["staff"],
        world,
        retry="resit",
        starts_at=first["starts_at"],
        assessor_id=first["assessor"]["id"],
    )
    assert booked.status_code == 201, booked.get_json()


def test_a_withdrawn_apprentice_has_no_slots(staff, booking_world):
    path = f"/api/v1/apprentices/{booking_world['apprentice']}"
    assert staff.post(f"{path}/withdraw", json={"reason": "Left the employer"}).status_code == 200
    assert_error(
        staff.get(f"{path}/slots", query_string={"method": "discussion"}),
        422,
        "apprentice_withdrawn",
    )
