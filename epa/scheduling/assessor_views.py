"""Each assessor's working pattern, conflicts of interest and unavailability: staff keep any
assessor's, and an assessor keeps their own unavailability and sees their pattern."""

from datetime import time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa import clock
from epa.auth.decorators import roles_required
from epa.auth.models import User
from epa.extensions import db
from epa.pagination import fetch_list_page, page_count, page_from_args
from epa.rules.local_time import LONDON
from epa.scheduling import diaries
from epa.scheduling.blueprint import EVERYONE, OFFICE, bp, submit_timed
from epa.scheduling.forms import ConflictForm, PatternForm, UnavailabilityForm
from epa.scheduling.instants import midnight
from epa.scheduling.models import AssessorConflict, Unavailability
from epa.scheduling.schemas import ConflictNew, PatternChange, UnavailabilityNew

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
    people, total = fetch_list_page(query, page, PER_PAGE)
    return render_template(
        "scheduling/assessors.html",
        assessors=people,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


def _assessor_page(assessor: User, *, own: bool, failed=None, status: int = 200):
    """The assessor's working pattern, conflicts and unavailability from today on, with the
    forms to change them."""
    conflicts = db.session.scalars(
        diaries.conflicts_of(assessor).options(
            selectinload(AssessorConflict.employer), selectinload(AssessorConflict.provider)
        )
    ).all()
    page = page_from_args(request.args)
    periods, total = fetch_list_page(
        diaries.unavailability_of(assessor).where(Unavailability.ends_at > midnight(clock.today())),
        page,
        PER_PAGE,
    )
    pattern = diaries.pattern_shape(assessor)
    forms = {
        "conflict_form": (ConflictForm, None),
        "unavailability_form": (UnavailabilityForm, None),
        "pattern_form": (PatternForm, PatternForm.data_of(pattern)),
    }
    made = {
        name: failed if isinstance(failed, kind) else kind(formdata=None, data=data)
        for name, (kind, data) in forms.items()
    }
    return render_template(
        "scheduling/assessor.html",
        assessor=assessor,
        own=own,
        pattern=pattern,
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
    return _assessor_page(diaries.assessor_for(user_id, current_user), own=False)


@bp.get("/my-unavailability")
@roles_required("assessor")
def my_unavailability():
    """The times I cannot be booked, and my declared conflicts of interest."""
    return _assessor_page(current_user, own=True)


def _done(person: User, message: str):
    """Commit the change to the diary, say so, and go back to it."""
    db.session.commit()
    flash(message)
    if current_user.id == person.id:
        return redirect(url_for("scheduling.my_unavailability"))
    return redirect(url_for("scheduling.assessor", user_id=person.id))


def _add(user_id: int, form, command, add, said):
    """Add to the assessor's diary what the form gives (read as `command`), then say what was
    added (`said(entry)`); or show the diary again with the form and what is wrong. A working
    pattern is kept the same way, replacing the one before."""
    person = diaries.assessor_for(user_id, current_user)
    entry, status = submit_timed(form, lambda data: add(person, command.read(data)))
    if entry is None:
        return _assessor_page(person, own=current_user.id == person.id, failed=form, status=status)
    return _done(person, said(entry))


def _remove(user_id: int, remove, entry_id: int, message: str):
    person = diaries.assessor_for(user_id, current_user)
    remove(person, entry_id)
    return _done(person, message)


@bp.post("/assessors/<id:user_id>/pattern")
@roles_required(*OFFICE)
def set_pattern(user_id: int):
    """Change when the assessor works: the days, the hours and the most assessments a day."""
    return _add(
        user_id,
        PatternForm(),
        PatternChange,
        diaries.set_pattern,
        lambda shape: f"Working pattern saved: {shape['description']}.",
    )


@bp.post("/assessors/<id:user_id>/conflicts")
@roles_required(*OFFICE)
def add_conflict(user_id: int):
    """Declare an employer or provider the assessor may not assess the apprentices of."""
    return _add(user_id, ConflictForm(), ConflictNew, diaries.add_conflict, _conflict_added)


def _conflict_added(conflict) -> str:
    return f"Conflict of interest with {conflict.organisation_name} added."


@bp.post("/assessors/<id:user_id>/conflicts/<id:conflict_id>/remove")
@roles_required(*OFFICE)
def remove_conflict(user_id: int, conflict_id: int):
    """Remove a declared conflict of interest."""
    return _remove(user_id, diaries.remove_conflict, conflict_id, "Conflict of interest removed.")


@bp.post("/assessors/<id:user_id>/unavailability")
@roles_required(*EVERYONE)
def add_unavailability(user_id: int):
    """Record a time the assessor cannot be booked (assessors: their own)."""
    return _add(
        user_id,
        UnavailabilityForm(),
        UnavailabilityNew,
        diaries.add_unavailability,
        lambda period: f"Unavailability added: {period.reason}.",
    )


@bp.post("/assessors/<id:user_id>/unavailability/<id:period_id>/remove")
@roles_required(*EVERYONE)
def remove_unavailability(user_id: int, period_id: int):
    """Remove a recorded time of unavailability."""
    return _remove(user_id, diaries.remove_unavailability, period_id, "Unavailability removed.")
