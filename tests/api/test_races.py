"""Simultaneous requests for the same unique thing: one wins, the rest get the usual 409."""

import threading

import pytest

from tests.conftest import EVERY_REQUIREMENT_MET


def _race(app, token, path, bodies):
    barrier = threading.Barrier(len(bodies))
    results = []

    def go(body):
        client = app.test_client()
        barrier.wait()
        response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        results.append(
            (
                response.status_code,
                response.get_json()["error"]["code"] if response.status_code >= 400 else None,
            )
        )

    threads = [threading.Thread(target=go, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize(
    "path, bodies, code",
    [
        (
            "/api/v1/users",
            [
                {
                    "email": "same@epao.example",
                    "name": f"N{n}",
                    "role": "staff",
                    "password": "plum radiator otter",
                }
                for n in range(6)
            ],
            "duplicate_email",
        ),
        (
            "/api/v1/employers",
            [{"name": "Same Ltd" if n % 2 else "SAME LTD"} for n in range(6)],
            "duplicate_employer",
        ),
        (
            "/api/v1/providers",
            [{"name": f"P{n}", "ukprn": "10012345"} for n in range(6)],
            "duplicate_ukprn",
        ),
    ],
)
def test_one_of_many_simultaneous_creates_wins(app, make_token, path, bodies, code):
    results = _race(app, make_token("admin"), path, bodies)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * (len(bodies) - 1), results
    assert {c for s, c in results if s == 409} == {code}


def test_one_of_many_simultaneous_registrations_of_a_uln_wins(app, make_token, apprentice_data):
    results = _race(
        app,
        make_token("staff"),
        "/api/v1/apprentices",
        [apprentice_data(given_names=f"N{n}") for n in range(6)],
    )
    assert sorted(s for s, _ in results) == [201] + [409] * 5, results
    assert {c for s, c in results if s == 409} == {"duplicate_apprentice"}


def test_gateway_passes_once_however_many_ask_at_the_same_moment(
    app, make_token, make_apprentice, today
):
    from datetime import date

    from sqlalchemy import func, select

    from epa.extensions import db
    from epa.gateway.models import GatewayAttempt

    today(date(2026, 11, 26))
    apprentice_id = make_apprentice()
    body = {**EVERY_REQUIREMENT_MET, "gateway_date": "2025-03-03"}
    results = _race(
        app, make_token("staff"), f"/api/v1/apprentices/{apprentice_id}/gateway", [body] * 6
    )
    assert sorted(s for s, _ in results) == [201] + [409] * 5, results
    with app.app_context():
        passed = db.session.scalar(
            select(func.count()).select_from(GatewayAttempt).filter_by(passed=True)
        )
    assert passed == 1


def test_many_simultaneous_bookings_of_one_assessors_slot_one_wins(
    app, make_token, make_gateway_passed, booking_world
):
    """Different apprentices, one assessor, the same hour: the database serialises them."""
    from tests.api.test_assessments import booking

    ulns = ["1000000000"] + ["9999999999"] * 7  # the temporary ULN may be shared
    apprentices = [
        make_gateway_passed(
            uln=uln, given_names=f"Racer{n}", start_date="2025-06-02", date_of_birth="1998-05-05"
        )
        for n, uln in enumerate(ulns)
    ]
    bodies = [booking(booking_world, apprentice_id=a) for a in apprentices]
    results = _race(app, make_token("staff"), "/api/v1/assessments", bodies)
    assert sorted(s for s, _ in results) == [201] + [409] * (len(bodies) - 1), results
    assert {c for s, c in results if s == 409} == {"assessor_double_booked"}


def test_one_apprentice_two_assessors_one_slot_one_wins(app, make_token, booking_world):
    from tests.api.test_assessments import booking

    bodies = [
        booking(booking_world, method="project", starts_at="2027-02-01T10:00"),
        booking(
            booking_world,
            method="discussion",
            starts_at="2027-02-01T10:00",
            assessor_id=booking_world["other_assessor"],
        ),
    ]
    results = _race(app, make_token("staff"), "/api/v1/assessments", bodies)
    assert sorted(s for s, _ in results) == [201, 409], results
    assert {c for s, c in results if s == 409} == {"apprentice_double_booked"}


def test_a_reschedule_and_a_cancel_at_once_happen_one_after_the_other(
    app, make_token, booking_world
):
    from tests.api.test_assessments import booking

    token = make_token("staff")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/assessments", json=booking(booking_world), headers=headers
    ).get_json()
    barrier = threading.Barrier(2)
    results = {}

    def move():
        barrier.wait()
        results["move"] = app.test_client().patch(
            f"/api/v1/assessments/{created['id']}",
            json={"starts_at": "2026-12-11T10:00"},
            headers=headers,
        )

    def cancel():
        barrier.wait()
        results["cancel"] = app.test_client().post(
            f"/api/v1/assessments/{created['id']}/cancel", json={"reason": "Ill"}, headers=headers
        )

    threads = [threading.Thread(target=move), threading.Thread(target=cancel)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = client.get(f"/api/v1/assessments/{created['id']}", headers=headers).get_json()
    assert final["status"] == "cancelled"
    # whichever came first, the other saw it: the sequence counts both changes, or the move
    # was refused because the booking was already cancelled
    if results["move"].status_code == 200:
        assert final["sequence"] == 2
    else:
        assert results["move"].get_json()["error"]["code"] == "assessment_cancelled"
        assert final["sequence"] == 1
