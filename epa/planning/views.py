"""The cohort planner's pages: choose apprentices, review the proposed plan by day and assessor,
drop rows, and book the rest with one button."""

from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa.apprentices.models import Apprentice
from epa.apprentices.schemas import ApprenticeSearch
from epa.apprentices.services import search
from epa.auth.decorators import roles_required
from epa.errors import ServiceError
from epa.extensions import db
from epa.organisations.models import Employer
from epa.pages.forms import as_record_id, show_service_error
from epa.planning import services
from epa.planning.forms import BookPlanForm, CohortFilter, PlanForm
from epa.planning.models import PlanItem
from epa.planning.schemas import MOST_APPRENTICES, PlanBooking, PlanRequest
from epa.rules.local_time import LONDON

bp = Blueprint("planning", __name__, url_prefix="/plans")
OFFICE = ("admin", "staff")
#: Apprentices a plan can place anything for: gateway passed, and perhaps some methods booked.
PLANNABLE = ("gateway_passed", "in_epa")

#: Why a method was left out of a plan, in words (booking refusal codes, and no_slot).
UNPLACED = {
    "no_slot": "No time fits the assessors' diaries in the dates planned",
    "gateway_not_passed": "Gateway not passed yet",
    "apprentice_withdrawn": "Withdrawn",
    "retry_required": "Failed: book a resit or retake from the apprentice's page",
    "outside_epa_period": "Outside the EPA period in the dates planned",
    "insufficient_notice": "Not enough notice in the dates planned",
    "epa_time_limit_passed": "Past the time limit for all methods",
    "non_working_day": "No working day in the dates planned",
    "outside_working_hours": "No time within working hours in the dates planned",
    "in_the_past": "The dates planned have passed",
}


@bp.app_template_filter()
def london_when(instant) -> str:
    """An instant on the London clock: "1 December 2026 at 09:00"."""
    local = instant.astimezone(LONDON)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


@bp.app_template_filter()
def unplaced_reason(code: str) -> str:
    return UNPLACED.get(code, code.replace("_", " ").capitalize())


def _cohort(filters: CohortFilter) -> list[Apprentice]:
    """The plannable apprentices the filters find, by name (at most a plan's worth)."""
    employers = db.session.scalars(select(Employer).order_by(Employer.name)).all()
    filters.employer_id.choices = [("", "Any employer")] + [(str(e.id), e.name) for e in employers]
    try:
        query = search(current_user, ApprenticeSearch.read({"q": filters.q.data or ""}))
    except ServiceError as error:
        show_service_error(filters, error)
        return []
    query = query.where(Apprentice.status.in_(PLANNABLE))
    employer_id = as_record_id(filters.employer_id.data)
    if employer_id is not None:
        if employer_id not in {e.id for e in employers}:
            filters.employer_id.errors = ["Choose an employer from the list"]
            return []
        query = query.where(Apprentice.employer_id == employer_id)
    # Each choice names the employer: read with the cohort (the list above may be gone by then).
    found = db.session.scalars(
        query.options(selectinload(Apprentice.employer)).limit(MOST_APPRENTICES + 1)
    ).all()
    return list(found)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*OFFICE)
def new():
    """Choose the apprentices (filtered as on the apprentice list, or by employer) to plan for."""
    filters = CohortFilter(request.args)
    found = _cohort(filters)
    # One more than a plan holds is read only to say that more match: it is not offered.
    cohort = found[:MOST_APPRENTICES]
    form = PlanForm()
    form.apprentice_ids.choices = [
        (str(a.id), f"{a.full_name}, ULN {a.uln} ({a.employer.name})") for a in cohort
    ]
    status = 200
    if form.is_submitted():
        form.validate()
        try:
            plan = services.propose_plan(PlanRequest.read(form.service_data()), current_user)
        except ServiceError as error:
            db.session.rollback()
            _show(form, error)
            status = 422
        else:
            if not form.errors:
                db.session.commit()
                flash(_proposed(plan))
                return redirect(url_for("planning.show", plan_id=plan.id))
            db.session.rollback()
            status = 422
    else:
        form.apprentice_ids.data = [value for value, _ in form.apprentice_ids.choices]
    return render_template(
        "planning/new.html",
        filters=filters,
        form=form,
        cohort=cohort,
        too_many=len(found) > MOST_APPRENTICES,
        most=MOST_APPRENTICES,
    ), status


def _proposed(plan) -> str:
    """What the new plan holds, in a sentence."""
    placed, left = len(plan.items), len(plan.unplaced)
    if not placed and not left:
        return "Nothing to plan: every method of these apprentices is booked or passed."
    if not placed:
        return f"Plan proposed, but none of the {left} methods could be placed: see why below."
    said = f"Plan proposed: {placed} assessment{'s' if placed != 1 else ''} placed"
    if left:
        said += f", {left} could not be"
    return said + ". Check it, drop any rows you do not want, then book it."


def _show(form, error: ServiceError) -> None:
    """The service names `apprentice_ids`, `from` and `to`; the form's boxes are named for them."""
    names = {"from": "starts_on", "to": "ends_on"}
    fields = {names.get(name, name): message for name, message in error.fields.items()}
    show_service_error(form, ServiceError(error.code, error.message, fields=fields))


def _plan_page(plan, form=None, *, stale=(), status=200):
    def london_day(item):
        return item.starts_at.astimezone(LONDON).date()

    items = sorted(plan.items, key=lambda i: (london_day(i), i.assessor.name, i.starts_at))
    days = [
        (day, [(name, list(rows)) for name, rows in groupby(group, key=lambda i: i.assessor.name)])
        for day, group in groupby(items, key=london_day)
    ]
    return render_template(
        "planning/show.html",
        plan=plan,
        days=days,
        form=form or BookPlanForm(formdata=None),
        stale={row["index"]: row for row in stale},
    ), status


@bp.get("/<id:plan_id>")
@roles_required(*OFFICE)
def show(plan_id: int):
    """The plan by day and assessor, what it could not place, and the button that books it."""
    return _plan_page(_plan(plan_id))


def _plan(plan_id: int):
    try:
        return services.get_plan(plan_id)
    except ServiceError:
        abort(404)


@bp.post("/<id:plan_id>/rows/<id:index>/drop")
@roles_required(*OFFICE)
def drop(plan_id: int, index: int):
    plan = _plan(plan_id)
    item = db.session.scalar(
        select(PlanItem)
        .where(PlanItem.plan_id == plan.id, PlanItem.position == index)
        .options(selectinload(PlanItem.apprentice), selectinload(PlanItem.method))
    )
    try:
        services.drop_row(plan, index)
    except ServiceError as error:
        db.session.rollback()
        # Not a success: said as something to know, not in the green banner.
        flash(error.message if error.status != 404 else "That row was dropped already.", "info")
        return redirect(url_for("planning.show", plan_id=plan_id))
    said = f"Row {index} dropped"
    if item is not None:
        said += f": {item.apprentice.full_name}'s {item.method.name.lower()}"
    db.session.commit()
    flash(said + ".")
    return redirect(url_for("planning.show", plan_id=plan_id))


@bp.post("/<id:plan_id>/book")
@roles_required(*OFFICE)
def book(plan_id: int):
    plan = _plan(plan_id)
    form = BookPlanForm()
    form.validate()
    try:
        ids = services.book_plan(plan, PlanBooking.read(form.service_data()), current_user)
    except ServiceError as error:
        db.session.rollback()
        plan = _plan(plan_id)
        if error.code == "plan_stale":
            form.form_errors.append(error.message)
            return _plan_page(plan, form, stale=error.extra["rows"], status=409)
        show_service_error(form, error)
        return _plan_page(plan, form, status=409 if error.status == 409 else 422)
    db.session.commit()
    flash(
        f"{len(ids)} assessment{'s' if len(ids) != 1 else ''} booked. The assessors and the "
        "apprentices are sent their invitations."
    )
    return redirect(url_for("planning.show", plan_id=plan_id))
