"""Pages where operations staff book, move and cancel assessments, and anyone booked can fetch
the calendar file. The assessors' and diaries' pages (`assessor_views`, `diary_views`) are on the
same blueprint (`blueprint`)."""

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from epa import clock
from epa.apprentices.services import get_apprentice
from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.kit import action_page, long_date
from epa.rules.local_time import LONDON, london_iso
from epa.rules.slots import GRID
from epa.rules.stages import STAGE_LABELS, Stage, assessment_stage
from epa.scheduling import (
    assessor_views,
    availability_views,
    checks,
    diary_views,
    list_views,
    services,
)
from epa.scheduling.blueprint import EVERYONE, OFFICE, bp, show_refusal, submit_timed
from epa.scheduling.eligibility import assessor_choices
from epa.scheduling.forms import BookingForm, ReasonForm, RescheduleForm, duration_words
from epa.scheduling.invites import invite_response
from epa.scheduling.models import Assessment, AssessmentStatus
from epa.scheduling.schemas import (
    MOST_SLOTS,
    Booking,
    BookingCancellation,
    BookingChange,
    SlotQuery,
    StartTime,
)
from epa.scheduling.slots import find_slots

#: the app registers `bp` from here; these modules' pages are on it too
DIARY_PAGES = (assessor_views, availability_views, diary_views, list_views)
STAGE_TAG_CLASSES = {
    Stage.BOOKED: "govuk-tag--blue",
    Stage.AWAITING_RESULT: "govuk-tag--yellow",
    Stage.GRADED: "govuk-tag--green",
    Stage.CANCELLED: "govuk-tag--grey",
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
def assessment_tag(assessment: Assessment, result) -> dict:
    """The GOV.UK tag for where an assessment stands: booked, awaiting its result, graded or
    cancelled. `result` is its Result or None (lists read theirs in one query)."""
    submitted = result is not None and result.is_submitted
    stage = assessment_stage(assessment.status, assessment.starts_at, clock.now(), submitted)
    return {"text": STAGE_LABELS[stage], "classes": STAGE_TAG_CLASSES[stage]}


def _start_time(form) -> tuple:
    """The start the form's boxes give, read as the service reads it, or None; and the
    refusal of the time as written, if any."""
    text = form.start_text()
    if text is None:
        return None, None
    try:
        return StartTime.read({"starts_at": text}).starts_at, None
    except ServiceError as error:
        return None, error


def check_time(form, apprentice, method, *, unchanged_from=None, exclude_id=None) -> int:
    """‘Show who is free then’: what the booking would refuse about the time itself, if anything;
    the status to answer with. A booking's own time, left as it was, is not re-judged."""
    form.validate()
    starts_at, error = _start_time(form)
    if method is not None and starts_at is not None and starts_at != unchanged_from:
        error = checks.time_problem(apprentice, method, starts_at, exclude_id=exclude_id)
    if method is not None and error is not None:
        show_refusal(form, error)
    return 422 if form.errors else 200


def offer_assessors(form, apprentice, method, *, exclude_id=None) -> None:
    """Fill the assessor radios for the method and time on the form, and say what was checked."""
    starts_at, _ = _start_time(form)
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


#: Slots shown at a time on the booking page.
SLOTS_SHOWN = 10


#: Digits in an id of a page's hidden field: as many as an id has.
_ID_DIGITS = 10


def _cursor(text: str | None) -> tuple[datetime | None, set[int]]:
    """Where a page of slots begins, as its hidden field gives it: the start, and the
    assessors already shown at that start. Anything else is the first page."""
    start, *seen = (text or "").split() or [""]
    try:
        begins = datetime.fromisoformat(start)
    except ValueError:
        return None, set()
    readable = all(i.isascii() and i.isdigit() and len(i) <= _ID_DIGITS for i in seen)
    if begins.tzinfo is None or not readable or len(seen) > MOST_SLOTS:
        return None, set()
    return begins, {int(id_) for id_ in seen}


def _next_cursor(found, start, seen: set[int]) -> str:
    """Later slots begin at the last start shown, without the assessors shown at it on this
    page and the pages before: going on from the next start instead would lose the others free
    at the same time."""
    last = found[-1].starts_at
    shown = {slot.assessor_id for slot in found if slot.starts_at == last}
    if last == start:
        shown |= seen
    return " ".join([london_iso(last), *map(str, sorted(shown))])


def offer_slots(form, apprentice, *, asked: bool) -> int | None:
    """Show the page of slots the hidden fields describe, if slots were asked for now or
    before: for the method chosen now (from the earliest, if it changed since), by the finder,
    which checks each slot by the booking's own rules. The finder's refusal for the apprentice
    is shown instead, and its status given."""
    method = form.method.data
    if not (asked or form.slots_for.data):
        return None
    if form.slots_for.data != method:
        form.slots_for.data, form.slots_from.data = method, ""
    start, seen = _cursor(form.slots_from.data)
    if SLOTS_SHOWN + len(seen) > MOST_SLOTS:
        # More assessors are free at that time than the finder gives at once: go on to the
        # next start (staff can still choose any assessor with a date and time below).
        start, seen = start + GRID, set()
    try:
        query = SlotQuery.read(
            {"method": method, "from": london_iso(start) or "", "limit": SLOTS_SHOWN + len(seen)}
        )
        found = find_slots(apprentice.id, query, current_user)
    except ServiceError as error:
        form.slots_for.data = ""
        show_refusal(form, error)
        return 409 if error.status == 409 else 422
    found = [s for s in found if s.starts_at != start or s.assessor_id not in seen]
    found = found[:SLOTS_SHOWN]
    form.show_slots(found)
    form.slots_next.data = _next_cursor(found, start, seen) if len(found) == SLOTS_SHOWN else ""
    return None


def book_slot(form, apprentice):
    """Book the slot chosen, exactly: its assessor and start, the method it was found for and
    the location on the form, through the booking's own rules. A refusal about the slot (taken
    since it was shown) goes beside the slots, which are then offered again."""
    chosen = form.chosen_slot()
    if form.slots_for.data != form.method.data:
        form.slot.errors = ["The slots shown were for another method: choose a slot again"]
        return None, 422
    if chosen is None:
        form.slot.errors = ["Choose a slot"]
        return None, 422
    assessor_id, starts_at = chosen
    data = {
        "apprentice_id": apprentice.id,
        "method": form.slots_for.data,
        "assessor_id": assessor_id,
        "starts_at": starts_at,
        "location": form.location.data,
    }
    try:
        return services.book_assessment(Booking.read(data), current_user), 200
    except ServiceError as error:
        db.session.rollback()
        status = 409 if error.status == 409 else 422
        if error.fields.keys() & {"assessor_id", "starts_at"}:
            form.slot.errors = [
                f"That slot can no longer be booked. {error.message} Choose another slot"
            ]
        else:
            show_refusal(form, error)
        return None, status


def _bookable(apprentice) -> bool:
    return apprentice.gateway_date is not None and apprentice.status in (
        "gateway_passed",
        "in_epa",
    )


def _back_to(apprentice_id: int, message: str | None = None, category: str = "message"):
    if message:
        flash(message, category)
    return redirect(url_for("apprentices.detail", apprentice_id=apprentice_id))


def _saved(apprentice_id: int, message: str):
    """Commit the change (its invitations go once it has), and say what it was."""
    db.session.commit()
    return _back_to(apprentice_id, message)


@bp.route("/apprentices/<id:apprentice_id>/assessments/new", methods=["GET", "POST"])
@roles_required(*OFFICE)
def book(apprentice_id: int):
    """Book a method of the apprentice's plan with an assessor who is free and independent: a
    slot the finder offers, or a date and time typed in."""
    apprentice = get_apprentice(apprentice_id, current_user)
    if request.method == "GET" and not _bookable(apprentice):
        why = f"{apprentice.full_name} cannot be booked: {_why_not(apprentice)}."
        return _back_to(apprentice_id, why, "info")
    form = BookingForm(apprentice)
    assessment, status = _act(form, apprentice) if form.is_submitted() else (None, 200)
    if assessment is not None:
        return _saved(
            apprentice_id,
            f"{assessment.method.name} booked with {assessment.assessor.name}: "
            f"{assessment_when(assessment)}.",
        )
    status = offer_slots(form, apprentice, asked=bool(form.find.data or form.later.data)) or status
    offer_assessors(form, apprentice, form.chosen_method())
    return (
        render_template(
            "scheduling/book.html",
            form=form,
            apprentice=apprentice,
            slots_end=long_date(apprentice.epa_deadline),
        ),
        status,
    )


def _act(form, apprentice):
    """Do what the button pressed asks: (the booking made or None, the status to answer)."""
    if form.find.data:
        form.slots_for.data, form.slots_from.data, form.slot.data = form.method.data, "", None
        return None, 200
    if form.later.data:
        form.slots_from.data, form.slot.data = form.slots_next.data, None
        return None, 200
    if form.book_slot.data:
        return book_slot(form, apprentice)
    if form.check.data:
        return None, check_time(form, apprentice, form.chosen_method())
    return submit_timed(
        form, lambda data: services.book_assessment(Booking.read(data), current_user)
    )


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


def _settled(assessment_id: int, cancelled: str):
    """The booking; and, when it can no longer change (cancelled, or of an EPA since
    restarted), the way back to its apprentice saying so, for a page about to offer a change."""
    assessment = services.get_assessment(assessment_id, current_user)
    why = None
    if assessment.status == AssessmentStatus.CANCELLED:
        why = cancelled
    elif not assessment.is_counted:
        why = "That assessment belongs to an earlier EPA, since restarted: it stays as it is."
    if why is None or request.method != "GET":
        return assessment, None
    return assessment, _back_to(assessment.apprentice_id, why, "info")


@bp.route("/assessments/<id:assessment_id>/reschedule", methods=["GET", "POST"])
@roles_required(*OFFICE)
def reschedule(assessment_id: int):
    """Move an assessment, give it to another assessor or change its location."""
    assessment, settled = _settled(
        assessment_id, "That assessment is cancelled, so it cannot be changed: book a new one."
    )
    if settled:
        return settled
    apprentice_id = assessment.apprentice_id
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
        sequence = assessment.sequence
        changed, status = submit_timed(
            form,
            lambda data: services.reschedule_assessment(
                assessment, BookingChange.read(data), current_user
            ),
        )
        if changed is not None and changed.sequence == sequence:
            return _back_to(apprentice_id, "Nothing was changed.", "info")
        if changed is not None:
            return _saved(
                apprentice_id,
                f"{changed.method.name} changed: {assessment_when(changed)} with "
                f"{changed.assessor.name}.",
            )
    offer_assessors(form, assessment.apprentice, assessment.method, exclude_id=assessment.id)
    return render_template("scheduling/reschedule.html", form=form, assessment=assessment), status


@bp.route("/assessments/<id:assessment_id>/cancel", methods=["GET", "POST"])
@roles_required(*OFFICE)
def cancel(assessment_id: int):
    """Cancel an assessment with a reason; the assessor's calendar drops it."""
    assessment, settled = _settled(assessment_id, "That assessment is already cancelled.")
    if settled:
        return settled
    return action_page(
        ReasonForm(),
        lambda data: services.cancel_assessment(assessment, BookingCancellation.read(data)),
        done=lambda cancelled: (
            f"{cancelled.method.name} on {assessment_when(cancelled)} is cancelled."
        ),
        back=url_for("apprentices.detail", apprentice_id=assessment.apprentice_id),
        template="scheduling/cancel.html",
        assessment=assessment,
    )


@bp.get("/assessments/<id:assessment_id>/invite.ics")
@roles_required(*EVERYONE)
def invite(assessment_id: int):
    """The booking's calendar file (assessors: their own): a request, or a cancellation."""
    return invite_response(services.get_assessment(assessment_id, current_user))
