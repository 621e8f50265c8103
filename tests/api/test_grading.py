"""Results, outcomes, sign-off and retries through the API."""

from datetime import UTC, datetime

import pytest

from tests.api.test_assessments import ApiAs, book
from tests.api.test_conventions import assert_error
from tests.conftest import fixture_data

PLAN = {m["code"]: m for m in fixture_data()["versions"][1]["plan"]["methods"]}


def all_met(method, **overrides):
    judgements = {c["id"]: True for c in PLAN[method]["criteria"]}
    judgements.update(overrides)
    return judgements


def only_pass(method):
    return {c["id"]: c["grade"] == "pass" for c in PLAN[method]["criteria"]}


@pytest.fixture
def world(app, api, booking_world, make_token, move_clock):
    staff = api("staff")
    discussion = book(staff, booking_world).get_json()  # Thu 10 Dec 2026 10:00-11:00
    project = book(
        staff,
        booking_world,
        method="project",
        starts_at="2027-02-01T10:00",
        assessor_id=booking_world["other_assessor"],
    ).get_json()

    return {
        **booking_world,
        "staff": staff,
        "admin": api("admin"),
        "grace": ApiAs(app, make_token(user_id=booking_world["assessor"])),
        "dan": ApiAs(app, make_token(user_id=booking_world["other_assessor"])),
        "discussion": discussion["id"],
        "project": project["id"],
        "at": move_clock,
    }


def put(client, assessment_id, criteria, **extra):
    return client.client.put(
        f"/api/v1/assessments/{assessment_id}/result",
        json={"criteria": criteria, **extra},
        headers=client.headers,
    )


def submit(client, assessment_id):
    return client.post(f"/api/v1/assessments/{assessment_id}/result/submit")


def grade(world, method, criteria, when):
    world["at"](when)
    who = world["grace"] if method == "discussion" else world["dan"]
    assessment_id = world[method]
    assert put(who, assessment_id, criteria).status_code == 200
    response = submit(who, assessment_id)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


AFTER_DISCUSSION = datetime(2026, 12, 10, 11, 30, tzinfo=UTC)
AFTER_PROJECT = datetime(2027, 2, 1, 14, 0, tzinfo=UTC)


def test_only_the_booked_assessor_grades_and_only_once_it_has_started(world):
    assessment_id = world["discussion"]
    world["at"](datetime(2026, 12, 10, 9, 59, tzinfo=UTC))
    assert_error(put(world["grace"], assessment_id, {"P1": True}), 422, "assessment_not_held")
    world["at"](datetime(2026, 12, 10, 10, 0, tzinfo=UTC))
    assert put(world["grace"], assessment_id, {"P1": True}).status_code == 200
    assert_error(put(world["dan"], assessment_id, {"P1": True}), 403, "forbidden")
    for role in ("staff", "admin"):
        response = world[role].put(
            f"/api/v1/assessments/{assessment_id}/result", json={"criteria": {}}
        )
        assert_error(response, 403, "forbidden")


def test_an_assessor_not_booked_is_refused_before_anything_is_said_of_the_body(world):
    world["at"](AFTER_DISCUSSION)
    assessment_id = world["discussion"]
    assert_error(put(world["dan"], assessment_id, "not a map"), 403, "forbidden")
    assert_error(put(world["grace"], assessment_id, "not a map"), 422, "validation_failed")


def test_drafts_merge_and_the_grade_follows_once_every_criterion_is_judged(world):
    world["at"](AFTER_DISCUSSION)
    assessment_id = world["discussion"]
    body = put(world["grace"], assessment_id, {"P1": True, "P2": False}).get_json()
    assert body["method_grade"] is None and body["submitted"] is False
    body = put(world["grace"], assessment_id, {"P2": None}).get_json()  # null clears
    assert body["criteria"] == {"P1": True}
    body = put(world["grace"], assessment_id, all_met("discussion"), comments="Strong").get_json()
    assert body["method_grade"] == "distinction" and body["comments"] == "Strong"
    body = put(world["grace"], assessment_id, {"D1": False}).get_json()
    assert body["method_grade"] == "pass"
    body = put(world["grace"], assessment_id, {"P3": False}).get_json()
    assert body["method_grade"] == "fail"


def test_unknown_criteria_and_bad_values_are_refused(world):
    world["at"](AFTER_DISCUSSION)
    error = assert_error(
        put(world["grace"], world["discussion"], {"Z9": True}), 422, "unknown_criterion"
    )
    assert "criteria.Z9" in error["fields"]
    assert_error(put(world["grace"], world["discussion"], {"P1": "yes"}), 422, "validation_failed")


def test_submit_needs_every_criterion_then_locks(world):
    world["at"](AFTER_DISCUSSION)
    assessment_id = world["discussion"]
    put(world["grace"], assessment_id, {"P1": True})
    error = assert_error(submit(world["grace"], assessment_id), 422, "criteria_incomplete")
    assert "criteria.P2" in error["fields"]
    put(world["grace"], assessment_id, only_pass("discussion"))
    body = submit(world["grace"], assessment_id).get_json()
    assert body["submitted"] is True and body["method_grade"] == "pass"
    assert body["submitted_at"]
    assert_error(put(world["grace"], assessment_id, {"P1": False}), 409, "result_locked")
    assert_error(submit(world["grace"], assessment_id), 409, "result_locked")


def test_a_cancelled_assessment_is_not_graded(world):
    world["staff"].post(f"/api/v1/assessments/{world['discussion']}/cancel", json={"reason": "x"})
    world["at"](AFTER_DISCUSSION)
    assert_error(
        put(world["grace"], world["discussion"], {"P1": True}), 422, "assessment_cancelled"
    )


def outcome(world):
    return world["staff"].get(f"/api/v1/apprentices/{world['apprentice']}/outcome").get_json()


def confirm(world, who="staff"):
    return world[who].post(f"/api/v1/apprentices/{world['apprentice']}/outcome/confirm")


def test_the_outcome_from_incomplete_to_confirmed_merit(world):
    assert outcome(world)["status"] == "incomplete"
    assert_error(confirm(world), 422, "outcome_incomplete")
    grade(world, "discussion", all_met("discussion"), AFTER_DISCUSSION)
    body = outcome(world)
    assert body["status"] == "incomplete" and body["overall_grade"] is None
    assert body["methods"]["discussion"] == {"grade": "distinction", "attempt": 1, "retry": None}
    grade(world, "project", only_pass("project"), AFTER_PROJECT)
    body = outcome(world)
    assert (body["status"], body["overall_grade"]) == ("provisional", "merit")
    confirmed = confirm(world).get_json()
    assert confirmed["status"] == "confirmed" and confirmed["overall_grade"] == "merit"
    assert confirmed["achievement_date"] == "2027-02-01"  # the last assessment's date
    assert confirmed["confirmed_by"]["name"]
    apprentice = world["staff"].get(f"/api/v1/apprentices/{world['apprentice']}").get_json()
    assert apprentice["status"] == "completed"
    assert_error(confirm(world), 409, "already_confirmed")
    assert_error(
        world["grace"].post(f"/api/v1/apprentices/{world['apprentice']}/outcome/confirm"),
        403,
        "forbidden",
    )


def test_a_confirmed_fail_leaves_the_apprentice_in_epa_and_a_resit_is_capped(world):
    grade(world, "discussion", all_met("discussion", P1=False), AFTER_DISCUSSION)  # fail
    grade(world, "project", all_met("project"), AFTER_PROJECT)  # distinction
    body = confirm(world).get_json()
    assert body["overall_grade"] == "fail" and body["achievement_date"] is None
    apprentice = world["staff"].get(f"/api/v1/apprentices/{world['apprentice']}").get_json()
    assert apprentice["status"] == "in_epa"
    # rebooking the failed method needs retry; a resit within 2 months of the fail's submission
    world["at"](datetime(2027, 2, 1, 15, 0, tzinfo=UTC))
    assert_error(book(world["staff"], world, starts_at="2027-02-22T10:00"), 422, "retry_required")
    assert_error(
        book(world["staff"], world, starts_at="2027-02-22T10:00", retry="resit"),
        422,
        "retry_window_passed",
    )  # fail submitted 10 Dec: resit by 10 Feb
    resit = book(world["staff"], world, starts_at="2027-02-22T10:00", retry="retake")
    assert resit.status_code == 201, resit.get_json()
    assert resit.get_json()["attempt"] == 2 and resit.get_json()["retry"] == "retake"
    assert outcome(world)["status"] == "incomplete"  # a new attempt reopens the outcome
    world["at"](datetime(2027, 2, 22, 12, 0, tzinfo=UTC))
    retake_id = resit.get_json()["id"]
    put(world["grace"], retake_id, all_met("discussion"))
    # recorded as judged: the retry cap applies to the EPA grade, not the method grade
    assert submit(world["grace"], retake_id).get_json()["method_grade"] == "distinction"
    body = outcome(world)
    assert body["methods"]["discussion"] == {
        "grade": "distinction",
        "attempt": 2,
        "retry": "retake",
    }
    assert (body["overall_grade"], body["uncapped_grade"], body["capped"]) == (
        "pass",
        "distinction",
        True,
    )


def test_a_resit_with_exceptional_circumstances_is_recorded_as_judged(world):
    grade(world, "discussion", all_met("discussion", P1=False), AFTER_DISCUSSION)
    world["at"](datetime(2026, 12, 11, 9, 0, tzinfo=UTC))
    body = book(
        world["admin"],
        world,
        starts_at="2027-01-11T10:00",
        retry="resit",
        exceptional_circumstances=True,
    ).get_json()
    world["at"](datetime(2027, 1, 11, 12, 0, tzinfo=UTC))
    put(world["grace"], body["id"], all_met("discussion"))
    assert submit(world["grace"], body["id"]).get_json()["method_grade"] == "distinction"


def test_a_retry_is_refused_before_a_fail_and_a_pass_blocks_rebooking(world):
    grade(world, "discussion", only_pass("discussion"), AFTER_DISCUSSION)
    world["at"](datetime(2026, 12, 11, 9, 0, tzinfo=UTC))
    assert_error(
        book(world["staff"], world, starts_at="2027-01-11T10:00", retry="resit"),
        422,
        "retry_not_allowed",
    )
    assert_error(
        book(world["staff"], world, starts_at="2027-01-11T10:00"), 409, "method_already_booked"
    )


def test_reopen_unlocks_and_unconfirms(world):
    grade(world, "discussion", only_pass("discussion"), AFTER_DISCUSSION)
    grade(world, "project", only_pass("project"), AFTER_PROJECT)
    assert confirm(world).status_code == 200
    path = f"/api/v1/assessments/{world['discussion']}/result/reopen"
    assert_error(world["staff"].post(path, json={"reason": "Typo"}), 403, "forbidden")
    assert_error(world["admin"].post(path, json={}), 422, "validation_failed")
    body = world["admin"].post(path, json={"reason": "Criterion P3 was misread"}).get_json()
    assert body["submitted"] is False
    assert outcome(world)["status"] == "incomplete"
    apprentice = world["staff"].get(f"/api/v1/apprentices/{world['apprentice']}").get_json()
    assert apprentice["status"] == "in_epa"
    assert_error(world["admin"].post(path, json={"reason": "again"}), 409, "result_not_submitted")
    assert put(world["grace"], world["discussion"], {"P3": False}).status_code == 200


def test_a_graded_assessment_cannot_be_cancelled_or_moved(world):
    grade(world, "discussion", only_pass("discussion"), AFTER_DISCUSSION)
    path = f"/api/v1/assessments/{world['discussion']}"
    assert_error(
        world["staff"].post(f"{path}/cancel", json={"reason": "x"}), 409, "result_submitted"
    )
    assert_error(world["staff"].patch(path, json={"location": "Room 9"}), 409, "result_submitted")


def test_a_withdrawn_apprentice_has_no_outcome_to_confirm(app, world):
    from epa.apprentices.models import Apprentice
    from epa.extensions import db

    grade(world, "discussion", only_pass("discussion"), AFTER_DISCUSSION)
    grade(world, "project", only_pass("project"), AFTER_PROJECT)
    with app.app_context():
        db.session.get(Apprentice, world["apprentice"]).status = "withdrawn"
        db.session.commit()
    assert_error(confirm(world), 422, "apprentice_withdrawn")


def test_the_submission_date_is_the_service_clock(world):
    body = grade(world, "discussion", only_pass("discussion"), AFTER_DISCUSSION)
    assert body["submitted_at"].startswith("2026-12-10")


def test_a_method_without_a_grade_has_the_same_shape(world):
    body = outcome(world)
    assert body["methods"]["project"] == {"grade": None, "attempt": None, "retry": None}


def test_confirmation_by_an_administrator_sets_the_epa_date(world):
    grade(world, "discussion", only_pass("discussion"), AFTER_DISCUSSION)
    grade(world, "project", only_pass("project"), AFTER_PROJECT)
    body = confirm(world, "admin").get_json()
    assert body["epa_date"] == "2027-02-01" and body["achievement_date"] == "2027-02-01"


def failed_discussion(world):
    grade(world, "discussion", all_met("discussion", P1=False), AFTER_DISCUSSION)
    world["at"](datetime(2026, 12, 11, 9, 0, tzinfo=UTC))


def test_a_retry_is_not_bound_by_the_first_epa_period(world):
    failed_discussion(world)
    # a retake on 6 April 2027: after the 2 March deadline, inside 4 months of 10 December
    response = book(world["staff"], world, starts_at="2027-04-06T10:00", retry="retake")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["starts_at"] == "2027-04-06T10:00:00+01:00"  # summer time


def test_a_retake_window_passes_after_four_months(world):
    failed_discussion(world)
    assert_error(
        book(world["staff"], world, starts_at="2027-04-12T10:00", retry="retake"),
        422,
        "retry_window_passed",
    )


def test_cancelled_attempts_are_ignored(world):
    failed_discussion(world)
    resit = book(world["staff"], world, starts_at="2027-01-11T10:00", retry="resit").get_json()
    assert_error(
        book(world["staff"], world, starts_at="2027-01-12T10:00", retry="resit"),
        422,
        "retry_not_allowed",
    )  # the latest attempt is booked, not a submitted fail
    world["staff"].post(f"/api/v1/assessments/{resit['id']}/cancel", json={"reason": "Ill"})
    again = book(world["staff"], world, starts_at="2027-01-12T10:00", retry="resit")
    assert again.status_code == 201 and again.get_json()["attempt"] == 2


def test_a_retry_cannot_start_before_the_failed_sitting_ended(world):
    world["at"](datetime(2026, 12, 10, 10, 30, tzinfo=UTC))  # during the discussion
    put(world["grace"], world["discussion"], all_met("discussion", P1=False))
    submit(world["grace"], world["discussion"])
    body = booking_body(world, starts_at="2026-12-10T10:30:00Z", retry="resit", backdated=True)
    assert_error(world["admin"].post("/api/v1/assessments", json=body), 422, "retry_not_allowed")


def booking_body(world, **changes):
    from tests.api.test_assessments import booking

    return booking(world, **changes)


def test_a_retry_cannot_be_moved_out_of_its_window(world):
    failed_discussion(world)
    resit = book(world["staff"], world, starts_at="2027-01-11T10:00", retry="resit").get_json()
    response = world["staff"].patch(
        f"/api/v1/assessments/{resit['id']}", json={"starts_at": "2027-05-10T10:00"}
    )
    assert_error(response, 422, "retry_window_passed")


def test_a_fail_with_a_later_attempt_cannot_be_reopened(world):
    failed_discussion(world)
    book(world["staff"], world, starts_at="2027-01-11T10:00", retry="resit")
    response = world["admin"].post(
        f"/api/v1/assessments/{world['discussion']}/result/reopen", json={"reason": "Typo"}
    )
    assert_error(response, 409, "later_attempt_exists")


def test_submitted_at_comes_back_with_the_london_offset(world, api, booking_world):
    project = world["project"]
    world["at"](datetime(2027, 4, 6, 12, 0, tzinfo=UTC))  # summer time
    put(world["dan"], project, only_pass("project"))
    body = submit(world["dan"], project).get_json()
    assert body["submitted_at"] == "2027-04-06T13:00:00+01:00"


def test_simultaneous_first_drafts_and_submits_never_fail_or_double(app, world):
    import threading

    world["at"](AFTER_DISCUSSION)
    path = f"/api/v1/assessments/{world['discussion']}/result"
    headers = world["grace"].headers

    def race(send):
        barrier = threading.Barrier(5)
        statuses = []

        def go():
            client = app.test_client()
            barrier.wait()
            statuses.append(send(client).status_code)

        threads = [threading.Thread(target=go) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(statuses)

    assert (
        race(lambda c: c.put(path, json={"criteria": only_pass("discussion")}, headers=headers))
        == [200] * 5
    )
    assert race(lambda c: c.post(f"{path}/submit", headers=headers)) == [200] + [409] * 4


def _sees(who, world) -> bool:
    """Whether the assessor reads the apprentice's record, by id and in their list."""
    one = who.get(f"/api/v1/apprentices/{world['apprentice']}").status_code
    listed = who.get("/api/v1/apprentices").get_json()["total"]
    assert (one == 200) == (listed == 1), (one, listed)
    return one == 200


def test_an_assessors_access_ends_with_a_cancelled_booking(world):
    assert _sees(world["grace"], world)
    world["staff"].post(f"/api/v1/assessments/{world['discussion']}/cancel", json={"reason": "x"})
    assert not _sees(world["grace"], world)
    assert_error(
        world["grace"].get(f"/api/v1/apprentices/{world['apprentice']}/gateway"), 403, "forbidden"
    )
    assert _sees(world["dan"], world)  # whose booking stands


def test_an_assessors_access_ends_when_the_booking_moves_to_another_assessor(world):
    moved = world["staff"].client.patch(
        f"/api/v1/assessments/{world['discussion']}",
        json={"assessor_id": world["other_assessor"]},
        headers=world["staff"].headers,
    )
    assert moved.status_code == 200, moved.get_json()
    assert not _sees(world["grace"], world)


def test_an_assessor_keeps_the_apprentice_they_graded(world):
    grade(world, "discussion", all_met("discussion"), AFTER_DISCUSSION)
    world["staff"].post(f"/api/v1/assessments/{world['project']}/cancel", json={"reason": "x"})
    assert _sees(world["grace"], world)  # graded: what they assessed stays theirs to read
    assert not _sees(world["dan"], world)  # cancelled: gone
