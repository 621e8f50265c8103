"""The page where operations staff record a gateway attempt."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from epa import clock
from epa.apprentices.models import Apprentice, ApprenticeStatus
from epa.apprentices.services import get_apprentice
from epa.auth.decorators import roles_required
from epa.extensions import db
from epa.gateway.forms import GatewayForm
from epa.gateway.models import GatewayAttempt
from epa.gateway.services import read_attempt, record_gateway
from epa.pages.kit import long_date, submit
from epa.rules.dates import add_months, age_on
from epa.rules.gateway import (
    Learner,
    english_maths_required,
    latest_gateway_in_timeline,
    policy_on,
    reason_text,
)

bp = Blueprint("gateway", __name__)


def english_maths_note(apprentice: Apprentice, gateway_date: date) -> str:
    """Whether this apprentice needs English and maths for a gateway on that date, and why."""
    learner = Learner(apprentice.date_of_birth, apprentice.start_date, apprentice.ehc_plan)
    age = age_on(apprentice.date_of_birth, apprentice.start_date)
    policy = policy_on(gateway_date)
    on = f"for a gateway on {long_date(gateway_date)}"
    if not english_maths_required(learner, gateway_date):
        return (
            f"Not needed {on}: they were {age} on their start date. {policy.description} "
            "Record the levels they hold all the same."
        )
    if policy is None or policy.exempt_from_age is None:
        return f"Needed {on}: no age exemption applies to gateways on that date."
    return (
        f"Needed {on}: they were {age} on their start date, under {policy.exempt_from_age}. "
        f"{policy.description}"
    )


def long_time_note(apprentice: Apprentice, gateway_date: date) -> str | None:
    """A warning when that gateway date is past the published timeline, else None."""
    months = apprentice.version.max_months_before_gateway
    latest = latest_gateway_in_timeline(apprentice.start_date, months)
    if gateway_date <= latest:
        return None
    return (
        f"For a gateway on {long_date(gateway_date)}, {apprentice.full_name} has been on "
        f"programme for more than {months} months. The published timeline says no more than "
        f"{months} months before gateway (up to {long_date(latest)}). Gateway can still be "
        "passed, and the attempt will carry this warning."
    )


def _flash_outcome(attempt: GatewayAttempt) -> None:
    """A pass in the success banner; a failure in the neutral one, its reasons first."""
    on = long_date(attempt.gateway_date)
    if attempt.passed:
        message = (
            f"Gateway passed on {on}. The EPA period ends on {long_date(attempt.epa_deadline)}."
        )
        if attempt.warnings:
            message += " The attempt carries a warning: see it under Gateway attempts."
        flash(message)
        return
    count = len(attempt.reasons)
    notice = {
        "title": "Gateway not passed",
        "items": [reason_text(code) for code in attempt.reasons],
        "text": (
            f"{count} requirement{'s' if count != 1 else ''} not met for a gateway on {on}. "
            "The attempt is kept under Gateway attempts; record another once these are met."
        ),
    }
    flash(notice, "notice")


@bp.route("/apprentices/<id:apprentice_id>/gateway", methods=["GET", "POST"])
@roles_required("admin", "staff")
def record(apprentice_id: int):
    """Record a gateway attempt; the rules decide whether it passes, and every attempt is kept."""
    apprentice = get_apprentice(apprentice_id, current_user)
    if request.method == "GET" and apprentice.status != ApprenticeStatus.REGISTERED:
        withdrawn = apprentice.status == ApprenticeStatus.WITHDRAWN
        reason = "has been withdrawn" if withdrawn else "has passed gateway"
        flash(f"{apprentice.full_name} {reason}, so no gateway attempt can be recorded.", "info")
        return redirect(url_for("apprentices.detail", apprentice_id=apprentice_id))
    form = GatewayForm()
    status = 200
    if form.is_submitted():
        attempt, status = submit(
            form, lambda data: record_gateway(apprentice, read_attempt(apprentice, data))
        )
        if attempt is not None:
            db.session.commit()
            _flash_outcome(attempt)
            return redirect(url_for("apprentices.detail", apprentice_id=apprentice_id))
    gateway_date = form.gateway_date.data or clock.today()
    version = apprentice.version
    return render_template(
        "gateway/record.html",
        form=form,
        apprentice=apprentice,
        earliest_gateway=add_months(apprentice.start_date, version.min_months_before_gateway),
        latest_gateway=latest_gateway_in_timeline(
            apprentice.start_date, version.max_months_before_gateway
        ),
        english_maths=english_maths_note(apprentice, gateway_date),
        long_time=long_time_note(apprentice, gateway_date),
    ), status
