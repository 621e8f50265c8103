"""What many assessors' diaries hold around one time, read in a fixed number of queries however
many assessors there are and however long their history: the booking form offers every
assessor at once, and a booking reads the same for its one assessor."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import literal, null, or_, select, union_all

from epa.extensions import db
from epa.rules.fixture_fields import WHOLE_NUMBER_RANGE
from epa.rules.local_time import london_date
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import Interval
from epa.scheduling.instants import midnight
from epa.scheduling.models import Assessment, AssessmentStatus, AssessorConflict, Unavailability
from epa.scheduling.readers import among, patterns_of

#: No sitting is longer than a method can last (a standard's methods are loaded within this), so
#: a booking that overlaps a time started less than this before it: the lower bound that keeps
#: the overlap query to the days around the time instead of the assessor's whole history.
LONGEST_SITTING = timedelta(minutes=WHOLE_NUMBER_RANGE["duration_minutes"][1])

_AWAY, _BOOKED, _CONFLICT = "away", "booked", "conflict"


@dataclass
class AssessorAround:
    """One assessor's diary around the time asked about."""

    pattern: WorkingPattern = WorkingPattern()
    #: booked sittings that overlap the time
    bookings: list[Interval] = field(default_factory=list)
    #: declared time away that overlaps the time, with its reason
    away: list[tuple[Interval, str]] = field(default_factory=list)
    #: booked sittings that start on the London date of the time
    day_count: int = 0
    #: a declared conflict of interest with the apprentice's employer or provider, when asked
    conflicted: bool = False


def diaries_around(
    assessor_ids: list[int],
    starts_at: datetime,
    ends_at: datetime,
    exclude_id: int | None = None,
    *,
    apprentice=None,
) -> dict[int, AssessorAround]:
    """Each assessor's pattern, bookings and time away around the time, and their bookings that
    day (and, given an apprentice, whether they declared a conflict of interest with its
    employer or provider): two queries."""
    found = {assessor_id: AssessorAround() for assessor_id in assessor_ids}
    if not assessor_ids:
        return found
    for assessor_id, pattern in patterns_of(assessor_ids).items():
        found[assessor_id].pattern = pattern
    # One read of the time away that overlaps the time and the bookings, which answer two
    # questions: those that overlap the time (none starts a longest sitting or more before
    # it) and those that start on its London day.
    day = london_date(starts_at)
    day_starts, day_ends = midnight(day), midnight(day + timedelta(days=1))
    earliest = starts_at - LONGEST_SITTING
    away = select(
        literal(_AWAY).label("kind"),
        Unavailability.assessor_id,
        Unavailability.starts_at,
        Unavailability.ends_at,
        Unavailability.reason,
    ).where(
        among(Unavailability.assessor_id, assessor_ids),
        Unavailability.starts_at < ends_at,
        Unavailability.ends_at > starts_at,
    )
    booked = select(
        literal(_BOOKED).label("kind"),
        Assessment.assessor_id,
        Assessment.starts_at,
        Assessment.ends_at,
        null().label("reason"),
    ).where(
        among(Assessment.assessor_id, assessor_ids),
        Assessment.status == AssessmentStatus.BOOKED,
        Assessment.starts_at >= min(earliest, day_starts),
        Assessment.starts_at < max(ends_at, day_ends),
    )
    if exclude_id is not None:
        booked = booked.where(Assessment.id != exclude_id)
    parts = [away, booked]
    if apprentice is not None:
        parts.append(
            select(literal(_CONFLICT), AssessorConflict.assessor_id, null(), null(), null()).where(
                among(AssessorConflict.assessor_id, assessor_ids),
                or_(
                    AssessorConflict.employer_id == apprentice.employer_id,
                    AssessorConflict.provider_id == apprentice.provider_id,
                ),
            )
        )
    both = union_all(*parts)
    # time away in order of its start: a page names the first
    rows = db.session.execute(both.order_by(both.selected_columns.starts_at)).all()
    for kind, assessor_id, starts, ends, reason in rows:
        around = found[assessor_id]
        if kind == _CONFLICT:
            around.conflicted = True
            continue
        if kind == _AWAY:
            around.away.append((Interval(starts, ends), reason))
            continue
        if earliest < starts < ends_at and ends > starts_at:
            around.bookings.append(Interval(starts, ends))
        if day_starts <= starts < day_ends:
            around.day_count += 1
    return found
