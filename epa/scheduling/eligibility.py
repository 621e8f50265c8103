"""Which assessors a booking form may offer, and why the others are left out.

The decision is the booking checks' (`checks.assessor_refusals`, the booking's own diary rules);
this module only words it. The booking is checked again, under locks, when it is made.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.rules.patterns import describe
from epa.scheduling.checks import assessor_refusals
from epa.scheduling.models import AssessorConflict
from epa.scheduling.readers import among
from epa.standards.models import AssessmentMethod

DOUBLE_BOOKED = "Has another assessment at that time"
DISABLED = "Account disabled"


@dataclass(frozen=True)
class AssessorChoice:
    """An assessor as the form offers them: a reason when they cannot be chosen."""

    id: int
    name: str
    reason: str | None = None


def assessor_choices(
    apprentice: Apprentice,
    method: AssessmentMethod | None = None,
    starts_at: datetime | None = None,
    *,
    exclude_id: int | None = None,
) -> list[AssessorChoice]:
    """Every assessor by name (disabled accounts last); without a method and a time, only
    conflicts of interest and disabled accounts rule anyone out."""
    assessors = db.session.execute(
        select(User.id, User.name, User.is_enabled)
        .where(User.role == "assessor")
        .order_by(User.name, User.id)
    ).all()
    conflicts = _conflicts(apprentice, [a.id for a in assessors])
    refusals, around = {}, {}
    if method is not None and starts_at is not None:
        refusals, around = assessor_refusals(
            apprentice,
            [a.id for a in assessors if a.is_enabled],
            method,
            starts_at,
            set(conflicts),
            exclude_id=exclude_id,
        )
    choices = []
    for assessor in assessors:
        if not assessor.is_enabled:
            reason = DISABLED
        elif assessor.id in around:
            reason = _reason(refusals[assessor.id], conflicts.get(assessor.id), around[assessor.id])
        else:
            reason = _conflict_reason(conflicts.get(assessor.id))
        choices.append(AssessorChoice(assessor.id, assessor.name, reason))
    return sorted(choices, key=lambda c: c.reason == DISABLED)


def _conflicts(apprentice: Apprentice, assessor_ids: list[int]) -> dict[int, list[str]]:
    """The names of the apprentice's employer and provider each assessor declared a conflict
    with (one query)."""
    rows = db.session.execute(
        select(AssessorConflict.assessor_id, func.coalesce(Employer.name, Provider.name))
        .outerjoin(Employer, Employer.id == AssessorConflict.employer_id)
        .outerjoin(Provider, Provider.id == AssessorConflict.provider_id)
        .where(
            among(AssessorConflict.assessor_id, assessor_ids),
            or_(
                AssessorConflict.employer_id == apprentice.employer_id,
                AssessorConflict.provider_id == apprentice.provider_id,
            ),
        )
        .order_by(AssessorConflict.id)
    ).all()
    names: dict[int, list[str]] = {}
    for assessor_id, name in rows:
        names.setdefault(assessor_id, []).append(name)
    return names


def _conflict_reason(names: list[str] | None) -> str | None:
    return f"Conflict of interest with {' and '.join(names)}" if names else None


def _reason(code, conflicts, around) -> str | None:
    if code is None:
        return None
    if code == "assessor_conflict_of_interest":
        return _conflict_reason(conflicts) or "Conflict of interest"
    if code == "assessor_unavailable":
        why = around.away[0][1] if around.away else None
        return f"Unavailable: {why}" if why else "Unavailable at that time"
    if code == "assessor_not_working":
        return f"Does not work then: {describe(around.pattern)}"
    if code == "assessor_day_full":
        return f"Has their most assessments that day ({around.pattern.max_per_day})"
    return DOUBLE_BOOKED
