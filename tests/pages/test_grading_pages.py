"""Recording results through the pages (the grading services the API calls), submitting behind a
confirmation, reopening, the quality-assurance sign-off queue, and the apprentice's outcome."""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.grading import services
from epa.grading.models import Outcome, Result
from epa.grading.schemas import ResultDraft
from epa.scheduling.models import Assessment
from tests.api.test_grading import PLAN, all_met, only_pass
from tests.conftest import csrf_token
from tests.pages.test_apprentice_pages import error_beside
from tests.pages.test_scheduling_pages import book_directly

GRACE = "grace@epao.example"
DAN = "dan@epao.example"
DISCUSSION = "Professional discussion"
PROJECT = "Project and Practical Assessment"
AFTER_DISCUSSION = datetime(2026, 12, 10, 11, 30, tzinfo=UTC)
AFTER_PROJECT = datetime(2027, 2, 1, 14, 0, tzinfo=UTC)
DISCUSSION_CRITERIA = [c["id"] for c in PLAN["discussion"]["criteria"]]
WARNING = "You cannot change the result after submitting. An administrator would have to reopen it."


@pytest.fixture
def world(app, booking_world, move_clock):
    """The booking world with a discussion (Grace, Thu 10 December 2026 10:00) and a project
    (Dan, Mon 1 February 2027 10:00) booked; `at(instant)` moves the services' clock."""
    discussion = book_directly(app, booking_world)
    project = book_directly(
        app,
        booking_world,
        method="project",
        starts_at="2027-02-01T10:00",
        assessor_id=booking_world["other_assessor"],
    )

    return {**booking_world, "discussion": discussion, "project": project, "at": move_clock}


def page_of(assessment_id: int, step: str = "") -> str:
    return f"/assessments/{assessment_id}/result{step}"


def sign_in_as(client, auth, email: str) -> None:
    if "csrf_token" in client.get("/").get_data(as_text=True):
        client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").data)})
    assert auth.sign_in(email).status_code == 302


def radios(judgements: dict[str, bool | None]) -> dict[str, str]:
    """Form data for the radios: True is met, False not met, None left unchosen."""
    values = {True: "met", False: "not_met"}
    return {f"criterion-{code}": values[met] for code, met in judgements.items() if met is not None}


def post_result(client, assessment_id, judgements, *, button="save", comments=""):
    page = client.get(page_of(assessment_id))
    data = {"csrf_token": csrf_token(page.data), "comments": comments, **radios(judgements)}
    data[button] = "Submit result" if button == "submit_result" else "Save draft"
    return client.post(page_of(assessment_id), data=data)


def confirm_submission(client, assessment_id):
    page = client.get(page_of(assessment_id, "/submit"))
    return client.post(
        page_of(assessment_id, "/submit"), data={"csrf_token": csrf_token(page.data)}
    )


def stored(app, assessment_id) -> Result | None:
    with app.app_context():
        result = db.session.scalar(select(Result).where(Result.assessment_id == assessment_id))
        if result is not None:
            db.session.expunge(result)
        return result


def grade_directly(app, assessment_id, judgements, *, submit=True) -> None:
    """A result recorded through the grading services, as its booked assessor."""
    with app.app_context():
        assessment = db.session.get(Assessment, assessment_id)
        services.save_draft(assessment, ResultDraft(criteria=judgements), assessment.assessor)
        if submit:
            services.submit_result(assessment, assessment.assessor)
        db.session.commit()


def both_graded(app, world) -> None:
    """Discussion distinction, project pass: a provisional merit, the last held 1 Feb 2027."""
    world["at"](AFTER_DISCUSSION)
    grade_directly(app, world["discussion"], all_met("discussion"))
    world["at"](AFTER_PROJECT)
    grade_directly(app, world["project"], only_pass("project"))


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# Recording a result


def test_the_grading_page_groups_the_criteria_by_theme_with_their_ksbs(client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    html = client.get(page_of(world["discussion"])).get_data(as_text=True)
    assert html.count("<h1") == 1 and "<title>Record the result of the professional" in html
    words = text_of(html)
    for expected in [
        "Sam Taylor, ULN 1234567899",
        DISCUSSION,
        "Thursday 10 December 2026, 10:00 to 11:00",
        "Not every criterion is judged yet: 22 to go",
        "P3: Identifies relevant data protection legislation",
        "Pass criterion. KSBs: K3",
        "How to use data ethically and the implications for wider society",
    ]:
        assert expected in words, expected
    themes = re.findall(r'<h2 class="govuk-heading-m">([^<]+)</h2>', html)
    assert themes[:2] == ["Organisational Culture", "Data Ethics"]
    for code in DISCUSSION_CRITERIA:
        for value in ("met", "not_met"):
            assert f'name="criterion-{code}" type="radio" value="{value}"' in html
    # Distinction criteria sit with their theme: D1 comes before P3 (Data Ethics).
    assert html.index('name="criterion-D1"') < html.index('name="criterion-P3"')
    assert html.count("Show KSB texts") == len(DISCUSSION_CRITERIA)
    assert re.search(r'name="save"[^>]*>\s*Save draft\s*<', html)
    assert re.search(r'name="submit_result"[^>]*>\s*Submit result\s*<', html)


def test_saving_a_draft_shows_the_grade_that_follows(app, client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    response = post_result(client, world["discussion"], all_met("discussion"), comments="Clear")
    assert response.status_code == 302 and response.headers["Location"] == page_of(
        world["discussion"]
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved. The grade that follows: Distinction." in html
    result = stored(app, world["discussion"])
    assert result.judgements == all_met("discussion") and result.comments == "Clear"
    assert not result.is_submitted
    assert 'name="criterion-P1" type="radio" value="met" checked' in html
    response = post_result(client, world["discussion"], all_met("discussion", D1=False))
    assert "Saved. The grade that follows: Pass." in client.get(page_of(world["discussion"])).text
    post_result(client, world["discussion"], all_met("discussion", P3=False))
    assert "The grade that follows: Fail" in client.get(page_of(world["discussion"])).text


def test_a_partial_draft_is_kept_and_an_unchosen_radio_clears_its_judgement(
    app, client, auth, world
):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    post_result(client, world["discussion"], {"P1": True, "P2": False})
    html = client.get(page_of(world["discussion"])).get_data(as_text=True)
    assert "Saved. Not every criterion is judged yet: 20 to go." in html
    assert stored(app, world["discussion"]).judgements == {"P1": True, "P2": False}
    assert 'name="criterion-P2" type="radio" value="not_met" checked' in html
    post_result(client, world["discussion"], {"P1": True})  # P2 left unchosen
    assert stored(app, world["discussion"]).judgements == {"P1": True}


def test_a_radio_with_neither_choice_is_refused_beside_it(app, client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    page = client.get(page_of(world["discussion"]))
    response = client.post(
        page_of(world["discussion"]),
        data={"csrf_token": csrf_token(page.data), "criterion-P1": "maybe", "save": "Save draft"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert error_beside(html, "criterion-P1") == "Choose met or not met"
    assert "<title>Error: " in html and 'href="#criterion-P1"' in html
    assert stored(app, world["discussion"]) is None


def test_submitting_goes_through_a_confirmation_then_locks_the_result(app, client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    response = post_result(
        client, world["discussion"], only_pass("discussion"), button="submit_result"
    )
    assert response.headers["Location"] == page_of(world["discussion"], "/submit")
    assert stored(app, world["discussion"]).judgements == only_pass("discussion")  # saved first
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert WARNING in html and html.count("<h1") == 1
    assert "Grade Pass" in text_of(html) and "<title>Submit the result of the" in html
    assert not stored(app, world["discussion"]).is_submitted  # nothing final yet
    response = confirm_submission(client, world["discussion"])
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Result submitted: Pass. It is locked now; an administrator can reopen it." in html
    result = stored(app, world["discussion"])
    assert result.is_submitted and result.method_grade == "pass"
    words = text_of(html)
    assert "Grade Pass" in words and "Submitted by Grace Okafor on" in words
    assert 'type="radio"' not in html and "Save draft" not in html  # read-only now
    assert "<title>Result of the professional discussion" in html


def test_submitting_with_criteria_unjudged_lists_them_beside_the_radios(app, client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    judged = {code: True for code in DISCUSSION_CRITERIA if code not in ("P2", "D4")}
    post_result(client, world["discussion"], judged, button="submit_result")
    html = client.get(page_of(world["discussion"], "/submit")).get_data(as_text=True)
    assert "Not every criterion is judged yet: 2 to go" in html
    response = confirm_submission(client, world["discussion"])
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert error_beside(html, "criterion-P2") == "Choose met or not met for P2"
    assert error_beside(html, "criterion-D4") == "Choose met or not met for D4"
    assert 'href="#criterion-P2"' in html and 'href="#criterion-D4"' in html
    assert 'name="criterion-P1" type="radio" value="met" checked' in html  # the draft kept
    assert not stored(app, world["discussion"]).is_submitted


def test_a_submitted_result_refuses_changes(app, client, auth, world):
    world["at"](AFTER_DISCUSSION)
    grade_directly(app, world["discussion"], only_pass("discussion"))
    sign_in_as(client, auth, GRACE)
    page = client.get(page_of(world["discussion"]))
    response = client.post(
        page_of(world["discussion"]),
        data={"csrf_token": csrf_token(page.data), "criterion-P1": "not_met", "save": "x"},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The result has been submitted and is locked" in html and "<title>Error: " in html
    assert stored(app, world["discussion"]).judgements["P1"] is True
    response = client.post(
        page_of(world["discussion"], "/submit"), data={"csrf_token": csrf_token(page.data)}
    )
    assert response.status_code == 409
    again = client.get(page_of(world["discussion"], "/submit"), follow_redirects=True)
    assert "This result is already submitted." in again.get_data(as_text=True)


def test_a_result_cannot_be_recorded_before_the_assessment(app, client, auth, world):
    sign_in_as(client, auth, GRACE)  # now: 26 November 2026, before 10 December
    response = post_result(client, world["discussion"], {"P1": True})
    assert response.status_code == 422
    assert "The assessment has not started yet" in response.get_data(as_text=True)
    assert stored(app, world["discussion"]) is None


def test_another_assessor_is_refused(client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, DAN)
    assert client.get(page_of(world["discussion"])).status_code == 403
    token = csrf_token(client.get("/").data)
    data = {"csrf_token": token, "criterion-P1": "met", "save": "x"}
    assert client.post(page_of(world["discussion"]), data=data).status_code == 403
    assert client.get(page_of(world["discussion"], "/submit")).status_code == 403


def test_staff_read_a_result_but_cannot_record_one(app, client, signed_in, world):
    world["at"](AFTER_DISCUSSION)
    grade_directly(app, world["discussion"], {"P1": True, "P2": False}, submit=False)
    signed_in("staff")
    html = client.get(page_of(world["discussion"])).get_data(as_text=True)
    assert html.count("<h1") == 1 and "Result of the professional discussion" in html
    assert 'type="radio"' not in html and "Draft, not submitted" in html
    assert re.search(r'govuk-tag--green">\s*Met', html)
    assert re.search(r'govuk-tag--red">\s*Not met', html)
    assert "Reopen result" not in html
    token = csrf_token(html.encode())
    data = {"csrf_token": token, "criterion-P1": "not_met", "save": "x"}
    assert client.post(page_of(world["discussion"]), data=data).status_code == 403
    assert client.get(page_of(world["discussion"], "/submit")).status_code == 403
    assert stored(app, world["discussion"]).judgements == {"P1": True, "P2": False}


@pytest.mark.parametrize("step", ["", "/submit", "/reopen"])
def test_result_forms_without_csrf_change_nothing(app, client, auth, signed_in, world, step):
    world["at"](AFTER_DISCUSSION)
    if step == "/reopen":
        grade_directly(app, world["discussion"], only_pass("discussion"))
        signed_in("admin")
        data = {"reason": "Wrong evidence"}
    else:
        grade_directly(app, world["discussion"], only_pass("discussion"), submit=False)
        sign_in_as(client, auth, GRACE)
        data = {"criterion-P1": "not_met", "save": "x"}
    assert client.post(page_of(world["discussion"], step), data=data).status_code == 400
    result = stored(app, world["discussion"])
    assert result.judgements["P1"] is True and result.is_submitted == (step == "/reopen")


def test_the_assessor_s_list_links_each_assessment_to_its_result(app, client, auth, world):
    world["at"](AFTER_DISCUSSION)
    sign_in_as(client, auth, GRACE)
    link = f'<a class="govuk-link" href="{page_of(world["discussion"])}">'
    html = client.get("/my-assessments").get_data(as_text=True)
    assert link + "Record result" in html
    grade_directly(app, world["discussion"], only_pass("discussion"))
    html = client.get("/my-assessments").get_data(as_text=True)
    assert link + "View result" in html and "Record result" not in html
    assert "Sign-off" not in html  # the navigation: the queue is the office's


# Reopening


def reopen(client, assessment_id, reason):
    page = client.get(page_of(assessment_id, "/reopen"))
    assert page.status_code == 200
    return client.post(
        page_of(assessment_id, "/reopen"),
        data={"csrf_token": csrf_token(page.data), "reason": reason},
    )


def test_an_administrator_reopens_a_result_with_a_reason(app, client, auth, signed_in, world):
    both_graded(app, world)
    signed_in("admin")
    html = client.get(page_of(world["discussion"])).get_data(as_text=True)
    assert f'href="{page_of(world["discussion"], "/reopen")}"' in html
    page = client.get(page_of(world["discussion"], "/reopen")).get_data(as_text=True)
    assert page.count("<h1") == 1 and "Reopening unlocks the result" in page
    response = reopen(client, world["discussion"], "  ")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert error_beside(html, "reason") == "Enter the reason for reopening"
    assert "<title>Error: " in html and 'href="#reason"' in html
    assert stored(app, world["discussion"]).is_submitted
    response = reopen(client, world["discussion"], "P3 was judged on the wrong evidence")
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The result is reopened: Grace Okafor can change it and submit it again." in html
    result = stored(app, world["discussion"])
    assert not result.is_submitted and result.method_grade is None
    again = client.get(page_of(world["discussion"], "/reopen"), follow_redirects=True)
    assert "This result is not submitted, so it is open already." in again.get_data(as_text=True)
    sign_in_as(client, auth, GRACE)
    assert 'name="criterion-P1" type="radio"' in client.get(page_of(world["discussion"])).text


def test_only_administrators_reopen(app, client, signed_in, world):
    world["at"](AFTER_DISCUSSION)
    grade_directly(app, world["discussion"], only_pass("discussion"))
    signed_in("staff")
    assert client.get(page_of(world["discussion"], "/reopen")).status_code == 403
    token = csrf_token(client.get("/").data)
    response = client.post(
        page_of(world["discussion"], "/reopen"), data={"csrf_token": token, "reason": "x"}
    )
    assert response.status_code == 403
    assert stored(app, world["discussion"]).is_submitted


# Quality-assurance sign-off


def confirm_outcome(client, apprentice_id):
    page = client.get("/sign-off")
    return client.post(
        f"/sign-off/{apprentice_id}/confirm", data={"csrf_token": csrf_token(page.data)}
    )


def test_the_queue_lists_a_provisional_outcome_and_confirming_it_completes_the_epa(
    app, client, signed_in, world
):
    both_graded(app, world)
    staff_id = signed_in("staff")
    html = client.get("/sign-off").get_data(as_text=True)
    assert html.count("<h1") == 1 and "<title>Quality-assurance sign-off" in html
    assert re.search(r'href="/sign-off"\s+aria-current="true">\s*(<strong[^>]*>)?\s*Sign-off', html)
    words = text_of(html)
    for expected in [
        "Sam Taylor",
        "ULN 1234567899",
        f"{PROJECT} Pass.",
        f"{DISCUSSION} Distinction.",
        "Overall grade Merit",
        "Confirm outcome for Sam Taylor",
    ]:
        assert expected in words, expected
    response = confirm_outcome(client, world["apprentice"])
    assert response.status_code == 302 and response.headers["Location"] == "/sign-off"
    html = client.get("/sign-off").get_data(as_text=True)
    assert (
        "Sam Taylor (ULN 1234567899): outcome confirmed, Merit. Achievement date: 1 February 2027."
        in html
    )
    assert "No outcome is waiting for sign-off." in html
    with app.app_context():
        outcome = db.session.scalar(select(Outcome))
        assert outcome.confirmed_by_id == staff_id and outcome.overall_grade == "merit"
        assert db.session.get(Apprentice, world["apprentice"]).status == "completed"
        staff_name = db.session.get(User, staff_id).name
    words = text_of(client.get(f"/apprentices/{world['apprentice']}").get_data(as_text=True))
    for expected in [
        "Status Confirmed",
        "Overall grade Merit",
        "EPA date 1 February 2027",
        "Achievement date 1 February 2027",
        f"Confirmed by {staff_name}",
    ]:
        assert expected in words, expected
    response = confirm_outcome(client, world["apprentice"])
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert "Sam Taylor (ULN 1234567899): This outcome is already confirmed." in html


def test_an_incomplete_outcome_is_not_in_the_queue_and_cannot_be_confirmed(
    app, client, signed_in, world
):
    world["at"](AFTER_DISCUSSION)
    grade_directly(app, world["discussion"], all_met("discussion"))
    signed_in("admin")
    html = client.get("/sign-off").get_data(as_text=True)
    assert "Sam Taylor" not in html
    assert "No outcome is waiting for sign-off." in html
    response = confirm_outcome(client, world["apprentice"])
    assert response.status_code == 422
    assert "Every method needs a submitted result" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Outcome)) is None


def test_reopening_takes_back_the_sign_off(app, client, signed_in, world):
    both_graded(app, world)
    signed_in("admin")
    assert confirm_outcome(client, world["apprentice"]).status_code == 302
    reopen(client, world["project"], "The practical evidence was incomplete")
    words = text_of(client.get(f"/apprentices/{world['apprentice']}").get_data(as_text=True))
    assert "Status Incomplete" in words and "In EPA" in words
    assert f"{PROJECT} No submitted result yet" in words


def test_assessors_cannot_reach_the_queue(client, auth, world, app):
    both_graded(app, world)
    sign_in_as(client, auth, GRACE)
    assert client.get("/sign-off").status_code == 403
    token = csrf_token(client.get("/").data)
    response = client.post(f"/sign-off/{world['apprentice']}/confirm", data={"csrf_token": token})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Outcome)) is None


def test_confirming_without_csrf_changes_nothing(app, client, signed_in, world):
    both_graded(app, world)
    signed_in("staff")
    assert client.post(f"/sign-off/{world['apprentice']}/confirm").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Outcome)) is None


# The apprentice page


def test_the_apprentice_page_shows_every_attempt_its_grade_and_the_outcome(
    app, client, signed_in, world
):
    world["at"](AFTER_DISCUSSION)
    grade_directly(app, world["discussion"], all_met("discussion"))
    signed_in("staff")
    html = client.get(f"/apprentices/{world['apprentice']}").get_data(as_text=True)
    words = text_of(html)
    assert "Result Distinction (submitted)" in words
    # the project, still to come
    assert "Result Not held yet: the result can be recorded from 10:00 on Monday 1" in words
    assert f'href="{page_of(world["discussion"])}"' in html  # View result
    assert f'href="{page_of(world["project"])}"' not in html  # nothing to view yet
    assert "Status Incomplete" in words
    assert f"{DISCUSSION} Distinction, attempt 1" in words
    assert f"{PROJECT} No submitted result yet" in words
    assert "Overall grade Not yet" in words
    world["at"](AFTER_PROJECT)
    grade_directly(app, world["project"], only_pass("project"))
    signed_in("staff")  # weeks later: a session ends after 8 idle hours
    html = client.get(f"/apprentices/{world['apprentice']}").get_data(as_text=True)
    words = text_of(html)
    assert "Result Pass (submitted)" in words and "Status Provisional" in words
    assert "Overall grade Merit" in words
    assert 'href="/sign-off"' in html


def test_a_cancelled_booking_no_longer_opens_the_apprentices_record(app, client, auth, world):
    from epa.scheduling.models import Assessment
    from epa.scheduling.schemas import BookingCancellation
    from epa.scheduling.services import cancel_assessment

    apprentice = f"/apprentices/{world['apprentice']}"
    sign_in_as(client, auth, GRACE)
    assert f'href="{apprentice}"' in client.get("/my-assessments").get_data(as_text=True)
    assert client.get(apprentice).status_code == 200
    with app.test_request_context():
        cancel_assessment(
            db.session.get(Assessment, world["discussion"]),
            BookingCancellation.read({"reason": "Apprentice ill"}),
        )
        db.session.commit()
    html = client.get("/my-assessments").get_data(as_text=True)
    assert f'href="{apprentice}"' not in html and "Cancelled" in html
    assert client.get(apprentice).status_code == 403
