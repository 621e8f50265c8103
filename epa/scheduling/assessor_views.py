"""Each assessor's conflicts of interest and unavailability: staff keep any assessor's, and
an assessor keeps their own unavailability."""

from datetime import time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa import clock
from epa.auth.decorators import roles_required
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.kit import submit
from epa.pagination import fetch_page, page_count, page_from_args
from epa.rules.local_time import LONDON
from epa.scheduling import diaries
from epa.scheduling.diary_views import midnight
from epa.scheduling.forms import ConflictForm, UnavailabilityForm
from epa.scheduling.models import AssessorConflict, Unavailability
from epa.scheduling.views import EVERYONE, OFFICE, bp, show_refusal

PER_PAGE = 50


@bp.app_template_global()
def unavailable_when(period: Unavailability) -> str:
    """A time away in words; whole days without their midnights: "10 December 2026 to 18
    December 2026", "Thursday 10 December 2026, 09:00 to 13:00"."""
    start = period.starts_at.astimezone(LONDON)
    end = period.ends_at.astimezone(LONDON)
    if start.time() == end.time() == time(0):
        last = end.date() - timedelta(days=1)
        if last == start.date():
            return f"{start:%A} {_day(start)}"
        return f"{_day(start)} to {_day(last)}"
    if start.date() == end.date():
        return f"{start:%A} {_day(start)}, {start:%H:%M} to {end:%H:%M}"
    return f"{_day(start)}, {start:%H:%M} to {_day(end)}, {end:%H:%M}"


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"


@bp.get("/assessors")
@roles_required(*OFFICE)
def assessors():
    """Every assessor, by name, a page at a time."""
    page = page_from_args(request.args)
    query = select(User).where(User.role == "assessor").order_by(User.name, User.id)
    people, total = fetch_page(query, page, PER_PAGE)
    return render_template(
        "scheduling/assessors.html",
        assessors=people,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


def _assessor_page(assessor: User, *, own: bool, failed=None, status: int = 200):
    """The assessor's conflicts and unavailability from today on, with the forms to add more."""
    conflicts = db.session.scalars(
        select(AssessorConflict)
        .where(AssessorConflict.assessor_id == assessor.id)
        .options(selectinload(AssessorConflict.employer), selectinload(AssessorConflict.provider))
        .order_by(AssessorConflict.id)
    ).all()
    page = page_from_args(request.args)
    periods, total = fetch_page(
        select(Unavailability)
        .where(
            Unavailability.assessor_id == assessor.id,
            Unavailability.ends_at > midnight(clock.today()),
        )
        .order_by(Unavailability.starts_at, Unavailability.id),
        page,
        PER_PAGE,
    )
    forms = {"conflict_form": ConflictForm, "unavailability_form": UnavailabilityForm}
    made = {
        name: failed if isinstance(failed, kind) else kind(formdata=None)
        for name, kind in forms.items()
    }
    return render_template(
        "scheduling/assessor.html",
        assessor=assessor,
        own=own,
        conflicts=conflicts,
        periods=periods,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
        form=failed,
        **made,
    ), status


@bp.get("/assessors/<id:user_id>")
@roles_required(*OFFICE)
def assessor(user_id: int):
    """One assessor: conflicts of interest, unavailability and calendar address."""
    person = diaries.assessor_for(user_id, current_user, own_allowed=False)
    return _assessor_page(person, own=False)


@bp.get("/my-unavailability")
@roles_required("assessor")
def my_unavailability():
    """The times I cannot be booked, and my declared conflicts of interest."""
    return _assessor_page(current_user, own=True)


def _back_to_assessor(person: User):
    if current_user.id == person.id:
        return redirect(url_for("scheduling.my_unavailability"))
    return redirect(url_for("scheduling.assessor", user_id=person.id))


@bp.post("/assessors/<id:user_id>/conflicts")
@roles_required(*OFFICE)
def add_conflict(user_id: int):
    """Declare an employer or provider the assessor may not assess the apprentices of."""
    person = diaries.assessor_for(user_id, current_user, own_allowed=False)
    form = ConflictForm()
    conflict, status = submit(form, lambda data: diaries.add_conflict(person, data))
    if conflict is None:
        return _assessor_page(person, own=False, failed=form, status=status)
    organisation = diaries.conflict_public(conflict)["organisation"]
    message = f"Conflict of interest with {organisation} added."
    db.session.commit()
    flash(message)
    return _back_to_assessor(person)


@bp.post("/assessors/<id:user_id>/conflicts/<id:conflict_id>/remove")
@roles_required(*OFFICE)
def remove_conflict(user_id: int, conflict_id: int):
    """Remove a declared conflict of interest."""
    person = diaries.assessor_for(user_id, current_user, own_allowed=False)
    diaries.remove_conflict(person, conflict_id)
    db.session.commit()
    flash("Conflict of interest removed.")
    return _back_to_assessor(person)


@bp.post("/assessors/<id:user_id>/unavailability")
@roles_required(*EVERYONE)
def add_unavailability(user_id: int):
    """Record a time the assessor cannot be booked (assessors: their own)."""
    person = diaries.assessor_for(user_id, current_user, own_allowed=True)
    form = UnavailabilityForm()
    period, status = _submit_period(form, person)
    if period is None:
        return _assessor_page(person, own=current_user.id == person.id, failed=form, status=status)
    db.session.commit()
    flash(f"Unavailability added: {period.reason}.")
    return _back_to_assessor(person)


def _submit_period(form, person):
    """As `submit`, with the service's starts_at and ends_at shown beside the date boxes."""
    form.validate()
    form.mark_missing()
    try:
        period = diaries.add_unavailability(person, form.service_data())
    except ServiceError as error:
        db.session.rollback()
        said = {
            instant
            for instant, boxes in (
                ("starts_at", (form.starts_on, form.start_time)),
                ("ends_at", (form.ends_on, form.end_time)),
            )
            if any(box.errors for box in boxes)
        }
        show_refusal(form, error, already_said=said)
        return None, 422
    if form.errors:
        db.session.rollback()
        return None, 422
    return period, 200


@bp.post("/assessors/<id:user_id>/unavailability/<id:period_id>/remove")
@roles_required(*EVERYONE)
def remove_unavailability(user_id: int, period_id: int):
    """Remove a recorded time of unavailability."""
    person = diaries.assessor_for(user_id, current_user, own_allowed=True)
    diaries.remove_unavailability(person, period_id)
    db.session.commit()
    flash("Unavailability removed.")
    return _back_to_assessor(person)
