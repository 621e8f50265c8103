"""Pages where operations staff book, move and cancel assessments, and anyone booked can fetch
the calendar file. The diaries' pages are in `diary_views`, on the same blueprint."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from epa import validation
from epa.apprentices.services import get_apprentice
from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.forms import show_service_error
from epa.pages.kit import action_page
from epa.rules.local_time import LONDON
from epa.scheduling import checks, services
from epa.scheduling.eligibility import assessor_choices
from epa.scheduling.forms import BookingForm, ReasonForm, RescheduleForm, duration_words
from epa.scheduling.instants import read_instant
from epa.scheduling.invites import invite_file, queue_invitations
from epa.scheduling.models import Assessment

bp = Blueprint("scheduling", __name__)
OFFICE = ("admin", "staff")
EVERYONE = ("admin", "staff", "assessor")
#: the service's field names that the forms show under another name
FORM_FIELDS = {"starts_at": "starts_on", "ends_at": "ends_on"}
ASSESSMENT_TAGS = {
    "booked": {"text": "Booked", "classes": "govuk-tag--blue"},
    "cancelled": {"text": "Cancelled", "classes": "govuk-tag--grey"},
}


@bp.app_template_global()
def assessment_when(assessment: Assessment) -> str:
    """When an assessment is, in London: "Thursday 10 December 2026, 10:00 to 11:00"."""
    start = assessment.starts_at.astimezone(LONDON)
    return f"{start:%A} {start.day} {start:%B %Y}, {assessment_times(assessment)}"


@bp.app_template_global()
def assessment_times(assessment: Assessment) -> str:
    """Its start and end on the London clock: "10:00 to 11:00"."""
    start = assessment.starts_at.astimezone(LONDON)
    end = assessment.ends_at.astimezone(LONDON)
    return f"{start:%H:%M} to {end:%H:%M}"


@bp.app_template_global()
def assessment_tag(status: str) -> dict:
    """The GOV.UK tag for a booking's status."""
    return ASSESSMENT_TAGS[status]


def show_refusal(form, error: ServiceError, *, already_said=()) -> None:
    """Put the service's refusal beside the form's own fields (an instant beside its date),
    leaving out the fields whose boxes already say what is wrong."""
    fields = {
        FORM_FIELDS.get(name, name): message
        for name, message in error.fields.items()
        if name not in already_said
    }
    if error.fields and not fields:
        return  # the boxes themselves already say what is wrong
    show_service_error(
        form, ServiceError(error.code, error.message, status=error.status, fields=fields)
    )


def submit_booking(form, action):
    """Give the service the form's data; (result, status) as `apprentices.views.submit`."""
    form.validate()
    incomplete = form.mark_missing()
    try:
        result = action(form.service_data())
    except ServiceError as error:
        db.session.rollback()
        show_refusal(form, error, already_said={"starts_at"} if incomplete else ())
        return None, 409 if error.status == 409 else 422
    if form.errors:
        db.session.rollback()
        return None, 422
    return result, 200


def check_time(form, apprentice, method, *, unchanged_from=None, exclude_id=None) -> int:
    """‘Show who is free then’: what the booking would refuse about the time itself, if anything;
    the status to answer with. A booking's own time, left as it was, is not re-judged."""
    form.validate()
    text = form.start_text()
    if text is not None and method is not None:
        problems = validation.Problems()
        starts_at = read_instant({"starts_at": text}, "starts_at", "start time", problems)
        try:
            problems.raise_if_any()
            error = (
                None
                if unchanged_from is not None and starts_at == unchanged_from
                else checks.time_problem(apprentice, method, starts_at, exclude_id=exclude_id)
            )
        except ServiceError as refused:
            error = refused
        if error is not None:
            show_refusal(form, error)
    return 422 if form.errors else 200


def commit_and_send(assessment: Assessment, **kwargs) -> None:
    """Queue the invitations with the change and commit; they are sent after the request."""
    queue_invitations(assessment, **kwargs)
    db.session.commit()


def offer_assessors(form, apprentice, method, *, exclude_id=None) -> None:
    """Fill the assessor radios for the method and time on the form, and say what was checked."""
    starts_at = None
    text = form.start_text()
    if text is not None:
        starts_at = read_instant({"starts_at": text}, "starts_at", "", validation.Problems())
    choices = assessor_choices(apprentice, method, starts_at, exclude_id=exclude_id)
    form.offer(choices)
    if method is not None and starts_at is not None:
        start = starts_at.astimezone(LONDON)
        form.assessor_id.description = (
            f"Showing who is free for the {method.name.lower()} "
            f"({duration_words(method.duration_minutes)}) on {start:%A} {start.day} "
            f"{start:%B %Y} from {start:%H:%M}, and independent of the apprentice’s employer "
            "and training provider."
        )
    else:
        form.assessor_id.description = (
            "Only conflicts of interest and disabled accounts are checked until you choose the "
            "method, date and start time and select ‘Show who is free then’."
        )


def _bookable(apprentice) -> bool:
    return apprentice.gateway_date is not None and apprentice.status in (
        "gateway_passed",
        "in_epa",
    )


def _back_to(apprentice_id: int):
    return redirect(url_for("apprentices.detail", apprentice_id=apprentice_id))


@bp.route("/apprentices/<id:apprentice_id>/assessments/new", methods=["GET", "POST"])
@roles_required(*OFFICE)
def book(apprentice_id: int):
    """Book a method of the apprentice's plan with an assessor who is free and independent."""
    apprentice = get_apprentice(apprentice_id, current_user)
    if request.method == "GET" and not _bookable(apprentice):
        flash(f"{apprentice.full_name} cannot be booked: {_why_not(apprentice)}.", "info")
        return _back_to(apprentice_id)
    form = BookingForm(apprentice)
    status = 200
    if form.is_submitted() and form.check.data:
        status = check_time(form, apprentice, form.chosen_method())
    elif form.is_submitted():
        assessment, status = submit_booking(
            form, lambda data: services.book_assessment(data, current_user)
        )
        if assessment is not None:
            message = (
                f"{assessment.method.name} booked with {assessment.assessor.name}: "
                f"{assessment_when(assessment)}."
            )
            commit_and_send(assessment)
            flash(message)
            return _back_to(apprentice_id)
    offer_assessors(form, apprentice, form.chosen_method())
    return render_template("scheduling/book.html", form=form, apprentice=apprentice), status


def _why_not(apprentice) -> str:
    if apprentice.status == "withdrawn":
        return "they have been withdrawn"
    if apprentice.status == "completed":
        return "their end-point assessment is complete"
    return "they have not passed gateway"


def _current(assessment: Assessment) -> dict:
    start = assessment.starts_at.astimezone(LONDON)
    return {
        "starts_on": start.date(),
        "start_time": f"{start:%H:%M}",
        "assessor_id": str(assessment.assessor_id),
        "location": assessment.location,
    }


@bp.route("/assessments/<id:assessment_id>/reschedule", methods=["GET", "POST"])
@roles_required(*OFFICE)
def reschedule(assessment_id: int):
    """Move an assessment, give it to another assessor or change its location."""
    assessment = services.get_assessment(assessment_id, current_user)
    apprentice_id = assessment.apprentice_id
    if request.method == "GET" and assessment.status == "cancelled":
        flash("That assessment is cancelled, so it cannot be changed: book a new one.", "info")
        return _back_to(apprentice_id)
    if request.method == "GET" and not assessment.is_counted:
        flash(
            "That assessment belongs to an earlier EPA, since restarted: it stays as it is.", "info"
        )
        return _back_to(apprentice_id)
    form = RescheduleForm(data=_current(assessment))
    status = 200
    if form.is_submitted() and form.check.data:
        # A resit or retake is not bound by the first EPA period: leave its time to the booking.
        first = assessment.retry is None
        status = check_time(
            form,
            assessment.apprentice,
            assessment.method if first else None,
            unchanged_from=assessment.starts_at,
            exclude_id=assessment.id,
        )
    elif form.is_submitted():
        previous, sequence = assessment.assessor, assessment.sequence
        changed, status = submit_booking(
            form, lambda data: services.reschedule_assessment(assessment, data, current_user)
        )
        if changed is not None:
            if changed.sequence == sequence:
                flash("Nothing was changed.", "info")
                return _back_to(apprentice_id)
            message = (
                f"{changed.method.name} changed: {assessment_when(changed)} with "
                f"{changed.assessor.name}."
            )
            commit_and_send(changed, previous_assessor=previous)
            flash(message)
            return _back_to(apprentice_id)
    offer_assessors(form, assessment.apprentice, assessment.method, exclude_id=assessment.id)
    return render_template("scheduling/reschedule.html", form=form, assessment=assessment), status


@bp.route("/assessments/<id:assessment_id>/cancel", methods=["GET", "POST"])
@roles_required(*OFFICE)
def cancel(assessment_id: int):
    """Cancel an assessment with a reason; the assessor's calendar drops it."""
    assessment = services.get_assessment(assessment_id, current_user)
    apprentice_id = assessment.apprentice_id
    if request.method == "GET" and assessment.status == "cancelled":
        flash("That assessment is already cancelled.", "info")
        return _back_to(apprentice_id)
    return action_page(
        ReasonForm(),
        lambda data: services.cancel_assessment(assessment, data),
        done=lambda cancelled: (
            f"{cancelled.method.name} on {assessment_when(cancelled)} is cancelled."
        ),
        back=url_for("apprentices.detail", apprentice_id=apprentice_id),
        template="scheduling/cancel.html",
        commit=commit_and_send,
        assessment=assessment,
    )


@bp.get("/assessments/<id:assessment_id>/invite.ics")
@roles_required(*EVERYONE)
def invite(assessment_id: int):
    """The booking's calendar file (assessors: their own): a request, or a cancellation."""
    assessment = services.get_assessment(assessment_id, current_user)
    method = "CANCEL" if assessment.status == "cancelled" else "REQUEST"
    return Response(
        invite_file(assessment),
        mimetype="text/calendar",
        headers={
            "Content-Type": f"text/calendar; charset=utf-8; method={method}",
            "Content-Disposition": f'attachment; filename="assessment-{assessment.id}.ics"',
        },
    )


from epa.scheduling import assessor_views, diary_views  # noqa: E402, F401  (pages on this blueprint)
