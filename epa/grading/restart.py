"""Restarting the whole EPA (administrators), as the plan requires when the methods were not all
held within its time limit: earlier attempts stay on record but no longer count, bookings not
yet held are cancelled, the outcome is incomplete again, and a new EPA period starts today."""

from sqlalchemy import func, select

from epa import clock
from epa.apprentices.models import Apprentice
from epa.audit.services import record
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db
from epa.grading import schemas
from epa.grading.outcomes import summarise
from epa.persistence import lock_diaries
from epa.rules.dates import epa_deadline
from epa.scheduling.services import cancel_future_bookings, future_bookings

#: what a restart changes of the apprentice, as the audit trail records it
RESTARTED = ("status", "epa_round", "epa_started_on", "epa_deadline")


def _audit_view(apprentice: Apprentice) -> dict:
    return {name: getattr(apprentice, name) for name in RESTARTED}


def may_restart(apprentice: Apprentice) -> bool:
    """Whether there is an EPA to restart: past gateway, not withdrawn, not completed."""
    return apprentice.gateway_date is not None and apprentice.status in ("gateway_passed", "in_epa")


def new_deadline(apprentice: Apprentice):
    """The deadline of the EPA period a restart today would begin."""
    return epa_deadline(clock.today(), apprentice.version.epa_period_months)


def _refuse_restart(apprentice: Apprentice) -> None:
    if apprentice.status == "completed":
        raise ServiceError(
            "apprentice_completed",
            "This apprentice has completed end-point assessment with a confirmed pass or "
            "better, so the EPA cannot be restarted.",
            status=409,
        )
    if apprentice.status == "withdrawn":
        raise ServiceError(
            "apprentice_withdrawn",
            "This apprentice has been withdrawn, so there is no EPA to restart.",
            fields={"apprentice_id": "The apprentice has been withdrawn"},
        )
    if apprentice.gateway_date is None:
        raise ServiceError(
            "gateway_not_passed",
            "There is no EPA to restart: the apprentice has not passed gateway.",
            fields={"apprentice_id": "The apprentice has not passed gateway yet"},
        )


def restart_epa(
    apprentice: Apprentice, restart: schemas.EpaRestart, actor: User
) -> schemas.Outcome:
    """Start the apprentice's EPA again from today, with a reason; the new (incomplete) outcome.

    The apprentice moves to the next EPA round: every method is booked again as a first attempt
    (numbered from 1), the EPA period and its deadline count from today's London date, and the
    six-month limit from the new EPA's first assessment.
    """
    if actor.role != "admin":
        raise ServiceError("forbidden", "Only an administrator can restart the EPA.", status=403)
    # Serialise with bookings and sign-off for this apprentice; decide on what is committed now.
    lock_diaries(apprentice.id, [])
    db.session.refresh(apprentice)
    _refuse_restart(apprentice)
    reason = restart.reason
    before = _audit_view(apprentice)
    why = f"The EPA was restarted: {reason}"
    # Cancelled the way a withdrawal cancels them: the assessors' calendars drop them.
    cancel_future_bookings(apprentice, why)
    # The earlier EPA's outcome (a confirmed fail, say) stays on record as it stands; the new
    # EPA has none until its own sign-off.
    apprentice.epa_round += 1
    apprentice.epa_restarted_on = clock.today()
    apprentice.epa_deadline = new_deadline(apprentice)
    # Past gateway with nothing booked in the current EPA, as after a first gateway.
    apprentice.status = "gateway_passed"
    db.session.flush()
    record(
        "apprentice",
        apprentice.id,
        "restart_epa",
        before=before,
        after=_audit_view(apprentice),
        reason=reason,
    )
    return summarise(apprentice).outcome


def bookings_to_cancel(apprentice: Apprentice) -> int:
    """How many of the apprentice's bookings a restart now would cancel (not yet started)."""
    query = future_bookings(apprentice).subquery()
    return db.session.scalar(select(func.count()).select_from(query))
