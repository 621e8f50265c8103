"""What an assessor declares about their diary: conflicts of interest, unavailability, and the
private address of their calendar feed."""

import hashlib
import secrets

from sqlalchemy import select

from epa import validation
from epa.audit.services import record
from epa.auth.models import User
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.persistence import flush_or_conflict
from epa.rules.local_time import london_iso
from epa.scheduling.instants import read_instant
from epa.scheduling.models import AssessorConflict, Unavailability


def assessor_for(user_id: int, actor: User, *, own_allowed: bool) -> User:
    """The assessor a diary change is about; assessors may change only their own."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    if actor.role == "assessor" and not (own_allowed and actor.id == user.id):
        raise ServiceError("forbidden", "Assessors may change only their own diary.", status=403)
    if user.role != "assessor":
        raise ServiceError(
            "not_an_assessor",
            f"{user.name} is not an assessor.",
            fields={"user_id": "Choose an assessor"},
        )
    return user


def conflict_public(conflict: AssessorConflict) -> dict:
    return {
        "id": conflict.id,
        "assessor_id": conflict.assessor_id,
        "employer_id": conflict.employer_id,
        "provider_id": conflict.provider_id,
        "organisation": (conflict.employer or conflict.provider).name,
    }


def add_conflict(assessor: User, data: dict) -> AssessorConflict:
    """Declare that the assessor may not assess an employer's or a provider's apprentices."""
    problems = validation.Problems()
    given = [f for f in ("employer_id", "provider_id") if data.get(f) not in (None, "")]
    if len(given) != 1:
        problems.add("employer_id", "Give either an employer or a training provider, not both")
        problems.raise_if_any()
    field = given[0]
    model, label = (Employer, "employer") if field == "employer_id" else (Provider, "provider")
    org_id = validation.record_id(data, field, label, problems)
    problems.raise_if_any()
    organisation = db.session.get(model, org_id)
    if organisation is None:
        raise ServiceError(
            "validation_failed",
            f"No {label} has the id {org_id}.",
            fields={field: f"No {label} has the id {org_id}"},
        )
    duplicate = ServiceError(
        "duplicate_conflict",
        f"{assessor.name}'s conflict with {organisation.name} is already recorded.",
        status=409,
        fields={field: "Already recorded"},
    )
    column = getattr(AssessorConflict, field)
    if db.session.scalar(
        select(AssessorConflict.id).where(
            AssessorConflict.assessor_id == assessor.id, column == org_id
        )
    ):
        raise duplicate
    conflict = AssessorConflict(assessor_id=assessor.id, **{field: org_id})
    db.session.add(conflict)
    flush_or_conflict(duplicate)
    record("assessor_conflict", conflict.id, "create", after=conflict_public(conflict))
    return conflict


def remove_conflict(assessor: User, conflict_id: int) -> None:
    conflict = db.session.get(AssessorConflict, conflict_id)
    if conflict is None or conflict.assessor_id != assessor.id:
        raise NotFound("conflict of interest")
    before = conflict_public(conflict)
    db.session.delete(conflict)
    db.session.flush()
    record("assessor_conflict", conflict_id, "delete", before=before)


def unavailability_public(period: Unavailability) -> dict:
    return {
        "id": period.id,
        "assessor_id": period.assessor_id,
        "starts_at": london_iso(period.starts_at),
        "ends_at": london_iso(period.ends_at),
        "reason": period.reason,
    }


def add_unavailability(assessor: User, data: dict) -> Unavailability:
    """Record a time the assessor cannot be booked."""
    problems = validation.Problems()
    starts_at = read_instant(data, "starts_at", "start", problems)
    ends_at = read_instant(data, "ends_at", "end", problems)
    reason = validation.text(data, "reason", "reason", problems, max_length=500)
    if starts_at and ends_at and ends_at <= starts_at:
        problems.add("ends_at", "The end must be after the start")
    problems.raise_if_any()
    period = Unavailability(
        assessor_id=assessor.id, starts_at=starts_at, ends_at=ends_at, reason=reason
    )
    db.session.add(period)
    db.session.flush()
    record("unavailability", period.id, "create", after=unavailability_public(period))
    return period


def remove_unavailability(assessor: User, period_id: int) -> None:
    period = db.session.get(Unavailability, period_id)
    if period is None or period.assessor_id != assessor.id:
        raise NotFound("unavailability")
    before = unavailability_public(period)
    db.session.delete(period)
    db.session.flush()
    record("unavailability", period_id, "delete", before=before)


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_calendar_token(assessor: User) -> str:
    """A new private feed address for the assessor; the previous one stops working."""
    token = secrets.token_urlsafe(32)
    assessor.calendar_token_hash = hash_feed_token(token)
    db.session.flush()
    record("user", assessor.id, "calendar_token", after={"calendar_feed": "issued"})
    return token


def assessor_for_feed(token: str) -> User:
    """The assessor whose live feed token this is, or NotFound (unknown or revoked)."""
    if not token or len(token) > 100:
        raise NotFound("calendar")
    user = db.session.scalar(select(User).where(User.calendar_token_hash == hash_feed_token(token)))
    if user is None or not user.is_enabled:
        raise NotFound("calendar")
    return user
