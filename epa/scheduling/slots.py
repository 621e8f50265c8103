"""The slot finder: the earliest legal slots for one of an apprentice's methods, each with an
assessor. A busy service still answers at once: each week's bookings are counted in the database
(the assessor with fewest that week comes first), and the diaries are read a day at a time, only
until enough slots are found."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice

from sqlalchemy import func, or_, select

from epa import clock
from epa.apprentices.services import get_apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.rules.grading import RetryTerms, attempt_refusal, booking_refusal
from epa.rules.local_time import london_date
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import Interval, epa_window, is_working_day
from epa.rules.slots import AssessorWeek, Slot, days_between, requests_on, slots, week_of
from epa.scheduling.checks import RETRY_CODES, booking_request, latest_attempt
from epa.scheduling.instants import midnight
from epa.scheduling.models import (
    Assessment,
    AssessmentStatus,
)
from epa.scheduling.readers import (
    bookable_assessors,
    conflicted_assessors,
    patterns_of,
    time_away,
)
from epa.scheduling.refusals import refusal
from epa.scheduling.schemas import SlotQuery
from epa.scheduling.services import active_assessor, method_of

#: How far ahead the finder looks when nothing else bounds it (a retry's window does).
HORIZON = timedelta(days=400)


def find_slots(apprentice_id: int, query: SlotQuery, actor: User) -> list[Slot]:
    """The earliest `query.limit` slots for the method, or the booking's own refusal when the
    apprentice cannot have the method booked at any time."""
    apprentice = get_apprentice(apprentice_id, actor)
    method = method_of(apprentice, query.method)
    if apprentice.epa_started_on is None:
        raise refusal("gateway_not_passed")
    if apprentice.status == "withdrawn":
        raise refusal("apprentice_withdrawn")
    latest = latest_attempt(apprentice, method)
    code = attempt_refusal(latest, query.retry)
    if code in RETRY_CODES:
        raise RETRY_CODES[code](apprentice.version)
    if code:
        raise refusal(code, method=method, apprentice=apprentice)
    assessors = _assessors(apprentice, query.assessor_id)
    now = clock.now()
    after = max(now, query.from_ or now)
    base = booking_request(apprentice, method, after, retry=query.retry is not None)
    terms = RetryTerms(
        apprentice.version.resit_within_months, apprentice.version.retake_within_months
    )
    first, last = _range(
        apprentice,
        method,
        query,
        after,
        terms.last_day(query.retry, latest.submitted_on) if query.retry else None,
    )

    def retry_refusal(request):
        day = london_date(request.starts_at)
        return booking_refusal(latest, query.retry, day, request.starts_at, terms)

    found: list[Slot] = []
    patterns = patterns_of([a.id for a in assessors])
    for monday in _weeks(first, last):
        week = None
        for day in days_between(max(first, monday), min(last, monday + timedelta(days=6))):
            requests = requests_on(base, day, after)
            # Every request that day would be refused for the day itself: nothing to read.
            if not requests or not _someone_works(day, assessors, patterns):
                continue
            week = week or _week(monday, assessors)
            diaries, own = _day(day, assessors, patterns, week, apprentice.id)
            # The slots come in order, so the first few are the answer: checking the rest of a
            # busy day against every assessor would cost far more than finding them.
            wanted = query.limit - len(found)
            found += islice(
                slots(requests, diaries, own, retry_refusal if query.retry else None), wanted
            )
            if len(found) >= query.limit:
                return found
    return found


def _assessors(apprentice, assessor_id: int | None) -> list:
    """The active assessors without a declared conflict with the apprentice's organisations:
    each with its id and name, all the finder needs."""
    chosen = bookable_assessors() if assessor_id is None else [active_assessor(assessor_id)]
    conflicted = conflicted_assessors([apprentice])[apprentice.id]
    return [a for a in chosen if a.id not in conflicted]


def _range(
    apprentice, method, query: SlotQuery, after: datetime, retry_ends: date | None
) -> tuple[date, date]:
    """The first and last London dates worth looking at; the rules check each slot anyway. A
    retry is bound by its own window (`retry_ends`), not the first EPA period."""
    first = max(london_date(after), london_date(clock.now()) + timedelta(method.min_notice_days))
    last = query.to or london_date(after) + HORIZON
    if retry_ends is None:
        window_first, deadline = epa_window(
            apprentice.epa_started_on, apprentice.epa_deadline, method.earliest_days_after_gateway
        )
        first, last = max(first, window_first), min(last, deadline)
    else:
        last = min(last, retry_ends)
    return first, min(last, first + HORIZON)


def _weeks(first: date, last: date):
    monday = week_of(first)
    while monday <= last:
        yield monday
        monday += timedelta(days=7)


def _someone_works(day: date, assessors, patterns) -> bool:
    """Whether it is a working day that at least one of the assessors works."""
    default = WorkingPattern()
    return is_working_day(day) and any(
        patterns.get(a.id, default).works_on(day.weekday()) for a in assessors
    )


@dataclass(frozen=True)
class _Week:
    """What the finder reads once a week: how many bookings each assessor has that week, and
    when each is away."""

    counts: dict[int, int]
    away: dict[int, tuple[Interval, ...]]


def _week(monday: date, assessors) -> _Week:
    """Two queries, whatever the size of the service: the week's bookings counted by assessor,
    and the assessors' time away."""
    starts, ends = midnight(monday), midnight(monday + timedelta(days=7))
    ids = [a.id for a in assessors]
    counts = db.session.execute(
        select(Assessment.assessor_id, func.count())
        .where(
            Assessment.status == AssessmentStatus.BOOKED,
            Assessment.starts_at >= starts,
            Assessment.starts_at < ends,
            Assessment.assessor_id.in_(ids),
        )
        .group_by(Assessment.assessor_id)
    ).all()
    return _Week(counts=dict(counts), away=time_away(ids, starts, ends))


def _booked(
    ids: list[int], apprentice_ids: list[int], starts: datetime, ends: datetime
) -> tuple[dict[int, list[Interval]], dict[int, list[Interval]]]:
    """The bookings that start in the span, by assessor and by apprentice: one query."""
    rows = db.session.execute(
        select(
            Assessment.assessor_id,
            Assessment.apprentice_id,
            Assessment.starts_at,
            Assessment.ends_at,
        ).where(
            Assessment.status == AssessmentStatus.BOOKED,
            Assessment.starts_at >= starts,
            Assessment.starts_at < ends,
            or_(Assessment.assessor_id.in_(ids), Assessment.apprentice_id.in_(apprentice_ids)),
        )
    ).all()
    by_assessor: dict[int, list[Interval]] = defaultdict(list)
    by_apprentice: dict[int, list[Interval]] = defaultdict(list)
    for assessor_id, apprentice_id, starts_at, ends_at in rows:
        interval = Interval(starts_at, ends_at)
        by_assessor[assessor_id].append(interval)
        by_apprentice[apprentice_id].append(interval)
    return by_assessor, by_apprentice


def _day(
    day: date, assessors, patterns, week: _Week, apprentice_id: int
) -> tuple[list[AssessorWeek], tuple[Interval, ...]]:
    """The assessors' bookings on a London date, and the apprentice's own: one query."""
    held, own = _booked(
        [a.id for a in assessors], [apprentice_id], midnight(day), midnight(day + timedelta(1))
    )
    diaries = [
        AssessorWeek(
            id=a.id,
            name=a.name,
            pattern=patterns.get(a.id, WorkingPattern()),
            bookings={day: tuple(held[a.id])},
            unavailability=week.away.get(a.id, ()),
            week_count=week.counts.get(a.id, 0),
        )
        for a in assessors
    ]
    return diaries, tuple(own[apprentice_id])


def read_diaries(
    first: date, last: date, assessors: list[User], apprentice_ids: list[int]
) -> tuple[list[AssessorWeek], dict[int, tuple[Interval, ...]]]:
    """What the diaries hold from `first` to `last` (London dates), for the planner: each
    assessor's bookings by day, time away and pattern (`week_count` counts the whole span),
    and each apprentice's bookings. Three queries, whatever the size."""
    starts, ends = midnight(first), midnight(last + timedelta(days=1))
    ids = [a.id for a in assessors]
    held, own = _booked(ids, apprentice_ids, starts, ends)
    away = time_away(ids, starts, ends)
    patterns = patterns_of(ids)
    diaries = []
    for a in assessors:
        by_day: dict[date, list[Interval]] = defaultdict(list)
        for interval in held[a.id]:
            by_day[london_date(interval.starts_at)].append(interval)
        diaries.append(
            AssessorWeek(
                id=a.id,
                name=a.name,
                pattern=patterns.get(a.id, WorkingPattern()),
                bookings={day: tuple(intervals) for day, intervals in by_day.items()},
                unavailability=away.get(a.id, ()),
                week_count=len(held[a.id]),
            )
        )
    return diaries, {apprentice_id: tuple(own[apprentice_id]) for apprentice_id in apprentice_ids}
