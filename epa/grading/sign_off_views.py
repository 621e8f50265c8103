"""The quality-assurance sign-off of provisional outcomes: a second person, not one of the
assessors, confirms each. On the grading blueprint; the services are the API's."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa.apprentices.models import Apprentice
from epa.apprentices.services import get_apprentice
from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.extensions import db
from epa.grading import outcomes, schemas
from epa.grading.blueprint import bp
from epa.grading.forms import ConfirmOutcomeForm
from epa.grading.grades import OutcomeStatus, grade_label
from epa.pages.escaping import escaped
from epa.pages.kit import long_date
from epa.pagination import fetch_list_page, page_count, page_from_args
from epa.standards.documents import criterion_document
from epa.standards.models import AssessmentMethod, Criterion, StandardVersion

OFFICE = ("admin", "staff")
#: apprentices whose outcome may be provisional, looked at 20 at a time: each card lists every
#: criterion as judged, and a second person checks them one by one
SIGN_OFF_PER_PAGE = 20


def _sign_off_candidates():
    """Apprentices whose outcome is provisional (as epa.dashboard.standing keeps it); the
    grading services say so again for each."""
    return (
        select(Apprentice)
        .where(Apprentice.outcome_provisional)
        .options(
            # a result kept without its criteria shows the method's: read them all at once
            selectinload(Apprentice.version)
            .selectinload(StandardVersion.methods)
            .selectinload(AssessmentMethod.criteria)
            .selectinload(Criterion.ksbs),
            selectinload(Apprentice.version).selectinload(StandardVersion.grading_rows),
        )
        .order_by(Apprentice.id)
    )


def _judged_methods(apprentice: Apprentice, summary: outcomes.Summary) -> list[dict]:
    """Each method with the submitted result its grade comes from: the grade, the criteria
    judged (as judged) met or not, and the assessor's comments, for a second person to check."""
    methods = []
    for method in apprentice.version.methods:
        result = summary.counted.get(method.code)
        if result is None:
            continue
        criteria = result.criteria_judged or [criterion_document(c) for c in method.criteria]
        judged = [result.judgements.get(c["id"]) for c in criteria]
        methods.append(
            {
                "name": method.name,
                "outcome": summary.outcome.methods[method.code],
                "assessment_id": result.assessment_id,
                "criteria": len(judged),
                "judged": _judged_items(criteria, judged),
                "met": sum(1 for met in judged if met),
                "comments": result.comments,
            }
        )
    return methods


#: GOV.UK's tag for a criterion as judged
_JUDGED_TAGS = {
    True: '<strong class="govuk-tag govuk-tag--green">Met</strong>',
    False: '<strong class="govuk-tag govuk-tag--red">Not met</strong>',
    None: '<strong class="govuk-tag govuk-tag--grey">Not judged</strong>',
}


def _judged_items(criteria: list[dict], judged: list) -> Markup:
    """Each criterion as a list item with its tag: written here, as a page of outcomes holds
    a thousand of them and a template loop took most of its time."""
    return Markup(  # noqa: S704  # nosec B704  (the tags are ours; the texts are escaped)
        "\n".join(
            f"<li>{_JUDGED_TAGS[met]} {escaped(c['id'])}: {escaped(c['text'])}</li>"
            for c, met in zip(criteria, judged, strict=True)
        )
    )


def _sign_off_page(form, page: int, status: int = 200):
    candidates, total = fetch_list_page(_sign_off_candidates(), page, SIGN_OFF_PER_PAGE)
    rows = []
    summaries = outcomes.summarise_many(candidates)
    for apprentice in candidates:
        summary = summaries[apprentice.id]
        if summary.outcome.status == OutcomeStatus.PROVISIONAL:
            outcome = schemas.Outcome.of(summary.outcome)
            rows.append((apprentice, outcome, _judged_methods(apprentice, summary)))
    return render_template(
        "grading/sign_off.html",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=page_count(total, SIGN_OFF_PER_PAGE),
    ), status


@bp.get("/sign-off")
@roles_required(*OFFICE)
def sign_off():
    """Quality assurance: provisional outcomes waiting for a second person to confirm them."""
    return _sign_off_page(ConfirmOutcomeForm(), page_from_args(request.args))


@bp.post("/sign-off/<id:apprentice_id>/confirm")
@roles_required(*OFFICE)
def confirm_outcome(apprentice_id: int):
    """Confirm one provisional outcome; a pass or better completes the apprentice's EPA."""
    apprentice = get_apprentice(apprentice_id, current_user)
    who = f"{apprentice.full_name} (ULN {apprentice.uln})"
    page = page_from_args(request.form)
    form = ConfirmOutcomeForm()
    try:
        outcome = outcomes.confirm_outcome(apprentice, current_user)
    except ServiceError as error:
        db.session.rollback()
        if error.status in (403, 404):
            raise
        form.form_errors.append(f"{who}: {error.message}")
        return _sign_off_page(form, page, 409 if error.status == 409 else 422)
    grade = grade_label(outcome.overall_grade) + (" (capped)" if outcome.capped else "")
    if outcome.achievement_date:
        achieved = long_date(outcome.achievement_date)
        message = f"{who}: outcome confirmed, {grade}. Achievement date: {achieved}."
    else:
        message = f"{who}: outcome confirmed, {grade}. They stay in EPA to resit or retake."
    db.session.commit()
    flash(message)
    return redirect(url_for("grading.sign_off", page=page if page > 1 else None))
