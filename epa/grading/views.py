"""Pages to record an assessment's result criterion by criterion, submit and reopen it, and the
quality-assurance sign-off of provisional outcomes. They call the services the API calls."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload

from epa import clock
from epa.apprentices.models import Apprentice
from epa.auth.decorators import roles_required
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db

# restart_views and sign_off_views: the blueprint's other pages, added by importing them
from epa.grading import judged, restart_views, services, sign_off_views  # noqa: F401
from epa.grading.blueprint import bp
from epa.grading.forms import (
    ConfirmSubmitForm,
    ReopenForm,
    criterion_field,
    result_form,
)
from epa.grading.grades import OutcomeStatus, grade_label
from epa.grading.models import RESULT_STANDING, Result
from epa.grading.schemas import ResultDraft, ResultReopen
from epa.pages.kit import action_page, long_date
from epa.rules.local_time import LONDON
from epa.rules.stages import may_record_result, time_and_day
from epa.scheduling.models import Assessment
from epa.scheduling.services import get_assessment
from epa.standards.documents import by_theme
from epa.standards.models import Criterion

EVERYONE = ("admin", "staff", "assessor")
OUTCOME_TAG_CLASSES = {
    OutcomeStatus.INCOMPLETE: "govuk-tag--grey",
    OutcomeStatus.PROVISIONAL: "govuk-tag--yellow",
    OutcomeStatus.CONFIRMED: "govuk-tag--green",
}


bp.add_app_template_global(grade_label)


@bp.app_template_global()
def outcome_tag(status: str) -> dict:
    """The GOV.UK tag for an outcome's status."""
    return {"text": status.capitalize(), "classes": OUTCOME_TAG_CLASSES[status]}


@bp.app_template_global()
def results_for(assessments) -> dict[int, Result]:
    """Each listed assessment's result by assessment id, in one query for the whole list."""
    ids = [a.id for a in assessments]
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Result).where(Result.assessment_id.in_(ids)).options(load_only(*RESULT_STANDING))
    )
    return {r.assessment_id: r for r in rows}


def _assessor_of_open_result(assessment: Assessment, result: Result | None) -> bool:
    """Whether the current user is the booked assessor of a booking whose result is open."""
    is_open = result is None or not result.is_submitted
    return current_user.id == assessment.assessor_id and assessment.status == "booked" and is_open


@bp.app_template_global()
def result_link(assessment: Assessment, result: Result | None) -> dict | None:
    """A link for the booked assessor to record the result once the assessment has started
    (before then, no link: the words say from when); for anyone, to view it once there is one;
    None when there is nothing to show."""
    href = url_for("grading.result", assessment_id=assessment.id)
    if _assessor_of_open_result(assessment, result):
        if not may_record_result(assessment.starts_at, clock.now()):
            return {
                "href": None,
                "text": f"You can record the result from {recordable_from(assessment)}",
            }
        return {"href": href, "text": "Record result"}
    if result is not None:
        return {"href": href, "text": "View result"}
    return None


@bp.app_template_global()
def recordable_from(assessment: Assessment) -> str:
    """From when its result can be recorded: "10:00 on Tuesday 1 December 2026"."""
    return time_and_day(assessment.starts_at)


@bp.app_template_global()
def not_started(assessment: Assessment) -> bool:
    """A booking whose result cannot be recorded yet: it has not started."""
    return assessment.status == "booked" and not may_record_result(
        assessment.starts_at, clock.now()
    )


@bp.app_template_global()
def outcome_methods(apprentice: Apprentice, outcome: dict) -> list[tuple[str, dict | None]]:
    """(method name, {grade, attempt, retry} or None) for each method of the plan, in order."""
    entries = [(m.name, outcome["methods"].get(m.code)) for m in apprentice.version.methods]
    return [(name, entry if entry and entry["grade"] else None) for name, entry in entries]


def _london(instant) -> str:
    local = instant.astimezone(LONDON)
    return f"{long_date(local.date())} at {local:%H:%M}"


def _criteria(assessment: Assessment) -> list[Criterion]:
    """The method's criteria in the plan's order, each with its KSBs, in two queries."""
    return list(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.method_id == assessment.method_id)
            .options(selectinload(Criterion.ksbs))
            .order_by(Criterion.position)
        )
    )


def _themes(assessment: Assessment) -> list[tuple[dict, list]]:
    """The criteria grouped by the plan's themes, each theme with its sources: a submitted
    result's as judged, a draft's as the method has them today."""
    criteria = (
        judged.criteria_judged(assessment)
        if judged.is_judged(assessment.result)
        else _criteria(assessment)
    )
    items = [
        {"theme": c.theme, "criterion": c, "source": c.source, "reference": c.source_reference}
        for c in criteria
    ]
    return by_theme(items, assessment.method.themes)


def _in_page_order(assessment: Assessment) -> list[Criterion]:
    return [item["criterion"] for _, group in _themes(assessment) for item in group]


def _to_go(assessment: Assessment, judgements: dict) -> int:
    return sum(1 for c in assessment.method.criteria if judgements.get(c.code) is None)


def _grade_so_far(assessment: Assessment) -> str:
    """The grade the draft gives, or how many criteria are still to judge."""
    public = services.result_of(assessment)
    if public.method_grade is not None:
        return grade_label(public.method_grade)
    return f"Not every criterion is judged yet: {_to_go(assessment, public.criteria)} to go"


def _saved_words(assessment: Assessment) -> str:
    grade = services.result_of(assessment).method_grade
    if grade is not None:
        return f"Saved. The grade that follows: {grade_label(grade)}."
    return f"Saved. {_grade_so_far(assessment)}."


def _result_page(assessment: Assessment, form, status: int = 200):
    public = services.result_of(assessment)
    result = assessment.result
    editable = _assessor_of_open_result(assessment, result) and not not_started(assessment)
    submitted_by = (
        db.session.get(User, result.submitted_by_id)
        if public.submitted and result.submitted_by_id
        else None
    )
    page = render_template(
        "grading/result.html",
        form=form,
        assessment=assessment,
        apprentice=assessment.apprentice,
        themes=_themes(assessment),
        public=public,
        grade_so_far=_grade_so_far(assessment),
        editable=editable,
        submitted_by=submitted_by,
        submitted_when=_london(result.submitted_at) if public.submitted else None,
        criteria_changed=judged.changed_since(assessment),
        field_name=criterion_field,
    )
    return page, status


def _back_to_result(assessment_id: int):
    return redirect(url_for("grading.result", assessment_id=assessment_id))


def _refuse(form, error: ServiceError) -> int:
    """Show the service's refusal on the result form; the status to answer with. Refusals of
    the user (403) and of the record (404) are the error pages' job."""
    db.session.rollback()
    if error.status in (403, 404):
        raise error
    if not form.show_refusal(error.fields):
        form.form_errors.append(error.message)
    return 409 if error.status == 409 else 422


@bp.route("/assessments/<id:assessment_id>/result", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def result(assessment_id: int):
    """An assessment's result: the booked assessor records it; the office reads it."""
    assessment = get_assessment(assessment_id, current_user)
    shown = request.method == "GET"  # the stored draft; a POST is read from the request alone
    form = result_form(_in_page_order(assessment), assessment.result, from_draft=shown)
    if shown:
        return _result_page(assessment, form)
    form.validate()
    try:
        services.save_draft(assessment, ResultDraft.read(form.service_data()), current_user)
    except ServiceError as error:
        return _result_page(assessment, form, _refuse(form, error))
    if form.errors:  # a radio sent a value that is neither choice: nothing is kept
        db.session.rollback()
        return _result_page(assessment, form, 422)
    message = _saved_words(assessment)
    db.session.commit()
    if form.submit_result.data:
        return redirect(url_for("grading.confirm_submit", assessment_id=assessment_id))
    flash(message)
    return _back_to_result(assessment_id)


@bp.route("/assessments/<id:assessment_id>/result/submit", methods=["GET", "POST"])
@roles_required("assessor")
def confirm_submit(assessment_id: int):
    """Submit the result, once the assessor confirms it is final: it is locked afterwards."""
    assessment = get_assessment(assessment_id, current_user)
    public = services.result_of(assessment)
    if request.method == "GET" and public.submitted:
        flash("This result is already submitted.", "info")
        return _back_to_result(assessment_id)
    form = ConfirmSubmitForm()
    if form.is_submitted():
        try:
            submitted = services.submit_result(assessment, current_user)
        except ServiceError as error:
            db.session.rollback()
            page_form = result_form(_in_page_order(assessment), assessment.result, from_draft=True)
            return _result_page(assessment, page_form, _refuse(page_form, error))
        message = (
            f"Result submitted: {grade_label(submitted.method_grade)}. It is locked now; "
            "an administrator can reopen it."
        )
        db.session.commit()
        flash(message)
        return _back_to_result(assessment_id)
    return render_template(
        "grading/confirm_submit.html",
        form=form,
        assessment=assessment,
        apprentice=assessment.apprentice,
        public=public,
        to_go=_to_go(assessment, public.criteria),
    )


@bp.route("/assessments/<id:assessment_id>/result/reopen", methods=["GET", "POST"])
@roles_required("admin")
def reopen(assessment_id: int):
    """Unlock a submitted result, with a reason (administrators); a sign-off is taken back."""
    assessment = get_assessment(assessment_id, current_user)
    if request.method == "GET" and not services.result_of(assessment).submitted:
        flash("This result is not submitted, so it is open already.", "info")
        return _back_to_result(assessment_id)
    return action_page(
        ReopenForm(),
        lambda data: services.reopen_result(assessment, ResultReopen.read(data), current_user),
        done=lambda _: (
            f"The result is reopened: {assessment.assessor.name} can change it and submit it again."
        ),
        back=url_for("grading.result", assessment_id=assessment_id),
        template="grading/reopen.html",
        assessment=assessment,
        apprentice=assessment.apprentice,
        public=services.result_of(assessment),
        criteria_changed=judged.changed_since(assessment),
    )
