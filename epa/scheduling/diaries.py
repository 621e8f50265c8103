"""What an assessor declares about their diary: conflicts of interest, unavailability, and the
private address of their calendar feed."""

import hashlib
import secrets

from sqlalchemy import select

from epa.audit.services import record
from epa.auth.models import User
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.persistence import flush_or_conflict
from epa.rules.patterns import WorkingPattern, describe, pattern_problems
from epa.scheduling.checks import pattern_of
from epa.scheduling.models import AssessorConflict, AssessorPattern, Unavailability
from epa.scheduling.schemas import Conflict, ConflictNew, Pattern, PatternChange, UnavailabilityNew
from epa.scheduling.schemas import Unavailability as UnavailabilityShape
from epa.shapes import Problems


def assessor_for(user_id: int, actor: User) -> User:
    """The assessor a diary is about; assessors may keep only their own."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    if actor.role == "assessor" and actor.id != user.id:
        raise ServiceError("forbidden", "Assessors may change only their own diary.", status=403)
    if user.role != "assessor":
        raise ServiceError(
            "not_an_assessor",
            f"{user.name} is not an assessor.",
            fields={"user_id": "Choose an assessor"},
        )
    return user


def conflicts_of(assessor: User):
    """A query of the assessor's declared conflicts of interest, oldest first."""
    return (
        select(AssessorConflict)
        .where(AssessorConflict.assessor_id == assessor.id)
        .order_by(AssessorConflict.id)
    )


def unavailability_of(assessor: User):
    """A query of the assessor's recorded unavailability, soonest first."""
    return (
        select(Unavailability)
        .where(Unavailability.assessor_id == assessor.id)
        .order_by(Unavailability.starts_at, Unavailability.id)
    )


def add_conflict(assessor: User, declared: ConflictNew) -> AssessorConflict:
    """Declare that the assessor may not assess an employer's or a provider's apprentices."""
    given = [name for name, value in declared if value is not None]
    if len(given) != 1:
        problems = Problems()
        problems.add("employer_id", "Give either an employer or a training provider, not both")
        problems.raise_if_any()
    field = given[0]
    org_id = getattr(declared, field)
    model, label = (Employer, "employer") if field == "employer_id" else (Provider, "provider")
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
    record("assessor_conflict", conflict.id, "create", after=Conflict.of(conflict))
    return conflict


def add_unavailability(assessor: User, period: UnavailabilityNew) -> Unavailability:
    """Record a time the assessor cannot be booked."""
    if period.ends_at <= period.starts_at:
        problems = Problems()
        problems.add("ends_at", "The end must be after the start")
        problems.raise_if_any()
    row = Unavailability(assessor_id=assessor.id, **period.model_dump())
    db.session.add(row)
    db.session.flush()
    record("unavailability", row.id, "create", after=UnavailabilityShape.of(row))
    return row


def pattern_shape(assessor: User) -> dict:
    """The assessor's working pattern as the API gives it."""
    pattern = pattern_of(assessor.id)
    return Pattern(
        assessor_id=assessor.id,
        weekdays=sorted(pattern.weekdays),
        starts=pattern.starts,
        ends=pattern.ends,
        max_per_day=pattern.max_per_day,
        description=describe(pattern),
    ).model_dump(mode="json")


def set_pattern(assessor: User, change: PatternChange) -> dict:
    """Keep when the assessor works; bookings already made stay as they are."""
    problems = Problems()
    for field, message in pattern_problems(
        change.weekdays, change.starts, change.ends, change.max_per_day
    ).items():
        problems.add(field, message)
    problems.raise_if_any()
    before = pattern_shape(assessor)
    row = db.session.get(AssessorPattern, assessor.id)
    if row is None:
        row = AssessorPattern(assessor_id=assessor.id)
        db.session.add(row)
    row.keep(
        WorkingPattern(
            weekdays=frozenset(change.weekdays),
            starts=change.starts,
            ends=change.ends,
            max_per_day=change.max_per_day,
        )
    )
    db.session.flush()
    after = pattern_shape(assessor)
    if after != before:
        record("assessor_pattern", assessor.id, "update", before=before, after=after)
    return after


def remove_conflict(assessor: User, conflict_id: int) -> None:
    _remove(assessor, AssessorConflict, conflict_id, "conflict of interest")


def remove_unavailability(assessor: User, period_id: int) -> None:
    _remove(assessor, Unavailability, period_id, "unavailability")


#: How the audit trail names each kind of diary entry, and shows it.
_ENTRIES = {
    AssessorConflict: ("assessor_conflict", Conflict),
    Unavailability: ("unavailability", UnavailabilityShape),
}


def _remove(assessor: User, model, entry_id: int, what: str) -> None:
    entry = db.session.get(model, entry_id)
    if entry is None or entry.assessor_id != assessor.id:
        raise NotFound(what)
    entity, shape = _ENTRIES[model]
    before = shape.of(entry)
    db.session.delete(entry)
    db.session.flush()
    record(entity, entry_id, "delete", before=before)


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
