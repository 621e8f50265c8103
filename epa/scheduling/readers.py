"""What the diaries hold, read for many assessors or apprentices at once in one query each: the
slot finder, the cohort planner and the week's availability grid read them alike."""

from collections import defaultdict

from sqlalchemy import any_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from epa.auth.models import Role, User
from epa.extensions import db
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import Interval
from epa.scheduling.models import AssessorConflict, AssessorPattern, Unavailability


def among(column, ids):
    """`column IN ids`; on PostgreSQL as `column = ANY(an array)`, one parameter however many
    ids: an IN of two hundred is written out, and parsed by the driver, at every execution."""
    if db.session.get_bind().dialect.name != "postgresql":
        return column.in_(ids)
    return column == any_(bindparam(None, list(ids), type_=ARRAY(column.type)))


def bookable_assessors():
    """Every assessor who can be booked, by name: rows of (id, name)."""
    return db.session.execute(
        select(User.id, User.name)
        .where(User.role == Role.ASSESSOR, User.is_enabled)
        .order_by(User.name, User.id)
    ).all()


def patterns_of(assessor_ids: list[int]) -> dict[int, WorkingPattern]:
    """The working patterns set for these assessors, in one query (the others work the
    default)."""
    rows = db.session.scalars(
        select(AssessorPattern).where(among(AssessorPattern.assessor_id, assessor_ids))
    )
    return {row.assessor_id: row.pattern for row in rows}


def time_away(assessor_ids: list[int], starts, ends) -> dict[int, tuple[Interval, ...]]:
    """Each assessor's unavailability that touches the span, in one query."""
    away: dict[int, list[Interval]] = defaultdict(list)
    for row in db.session.execute(
        select(Unavailability.assessor_id, Unavailability.starts_at, Unavailability.ends_at).where(
            Unavailability.assessor_id.in_(assessor_ids),
            Unavailability.starts_at < ends,
            Unavailability.ends_at > starts,
        )
    ):
        away[row.assessor_id].append(Interval(row.starts_at, row.ends_at))
    return {assessor: tuple(held) for assessor, held in away.items()}


def conflicted_assessors(apprentices) -> dict[int, set[int]]:
    """The assessors each apprentice's employer or provider rules out."""
    employers = {a.employer_id for a in apprentices}
    providers = {a.provider_id for a in apprentices}
    rows = db.session.execute(
        select(
            AssessorConflict.assessor_id,
            AssessorConflict.employer_id,
            AssessorConflict.provider_id,
        ).where(
            or_(
                AssessorConflict.employer_id.in_(employers),
                AssessorConflict.provider_id.in_(providers),
            )
        )
    ).all()
    ruled_out: dict[int, set[int]] = defaultdict(set)
    for apprentice in apprentices:
        for assessor_id, employer_id, provider_id in rows:
            if employer_id == apprentice.employer_id or provider_id == apprentice.provider_id:
                ruled_out[apprentice.id].add(assessor_id)
    return ruled_out
