"""The slot finder: the earliest legal slots for one of an apprentice's methods, each with an
assessor, read a week at a time so a busy service still answers at once."""

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select

from epa import clock
from epa.apprentices.services import get_apprentice
from epa.auth.models import Role, User
from epa.extensions import db
from epa.rules.dates import add_months
from epa.rules.grading import RetryTerms, attempt_refusal, booking_refusal
from epa.rules.local_time import london_date
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import Interval, epa_window
from epa.rules.slots import AssessorWeek, Slot, days_between, requests_on, slots, week_of
from epa.scheduling.checks import RETRY_CODES, booking_request, latest_attempt
from epa.scheduling.instants import midnight
from epa.scheduling.models import (
    Assessment,
    AssessmentStatus,
    AssessorConflict,
    AssessorPattern,
    Unavailability,
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
    assessors = free_assessors(apprentice, query.assessor_id)
    now = clock.now()
    after = max(now, query.from_ or now)
    base = booking_request(apprentice, method, after, retry=query.retry is not None)
    first, last = _range(apprentice, method, query, latest, after)
    terms = RetryTerms(
        apprentice.version.resit_within_months, apprentice.version.retake_within_months
    )

    def retry_refusal(request):
        day = london_date(request.starts_at)
        return booking_refusal(latest, query.retry, day, request.starts_at, terms)

    found: list[Slot] = []
    for monday in _weeks(first, last):
        days = days_between(max(first, monday), min(last, monday + timedelta(days=6)))
        requests = [r for day in days for r in requests_on(base, day, after)]
        if not requests:
            continue
        week, own = read_diaries(monday, monday + timedelta(days=6), assessors, [apprentice.id])
        found += slots(requests, week, own[apprentice.id], retry_refusal if query.retry else None)
        if len(found) >= query.limit:
            break
    return found[: query.limit]


def free_assessors(apprentice, assessor_id: int | None = None) -> list[User]:
    """The active assessors without a declared conflict with the apprentice's organisations."""
    if assessor_id is not None:
        chosen = [active_assessor(assessor_id)]
    else:
        chosen = db.session.scalars(
            select(User).where(User.role == Role.ASSESSOR, User.is_enabled).order_by(User.id)
        ).all()
    conflicted = set(
        db.session.scalars(
            select(AssessorConflict.assessor_id).where(
                or_(
                    AssessorConflict.employer_id == apprentice.employer_id,
                    AssessorConflict.provider_id == apprentice.provider_id,
                )
            )
        )
    )
    return [a for a in chosen if a.id not in conflicted]


def _range(apprentice, method, query: SlotQuery, latest, after: datetime) -> tuple[date, date]:
    """The first and last London dates worth looking at; the rules check each slot anyway."""
    first = max(london_date(after), london_date(clock.now()) + timedelta(method.min_notice_days))
    last = query.to or london_date(after) + HORIZON
    if query.retry is None:
        window_first, deadline = epa_window(
            apprentice.epa_started_on, apprentice.epa_deadline, method.earliest_days_after_gateway
        )
        first, last = max(first, window_first), min(last, deadline)
    else:
        version = apprentice.version
        months = (
            version.resit_within_months if query.retry == "resit" else version.retake_within_months
        )
        last = min(last, add_months(latest.submitted_on, months))
    return first, min(last, first + HORIZON)


def _weeks(first: date, last: date):
    monday = week_of(first)
    while monday <= last:
        yield monday
        monday += timedelta(days=7)


def _patterns(assessor_ids: list[int]) -> dict[int, WorkingPattern]:
    rows = db.session.scalars(
        select(AssessorPattern).where(AssessorPattern.assessor_id.in_(assessor_ids))
    )
    return {row.assessor_id: row.pattern for row in rows}


def read_diaries(
    first: date, last: date, assessors: list[User], apprentice_ids: list[int]
) -> tuple[list[AssessorWeek], dict[int, tuple[Interval, ...]]]:
    """What the diaries hold from `first` to `last` (London dates): each assessor's bookings,
    unavailability and pattern (`week_count` counts the bookings in the whole span), and each
    apprentice's bookings. Four queries, whatever the size."""
    starts, ends = midnight(first), midnight(last + timedelta(days=1))
    ids = [a.id for a in assessors]
    booked = db.session.execute(
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
    by_day: dict[int, dict[date, list[Interval]]] = defaultdict(lambda: defaultdict(list))
    own: dict[int, list[Interval]] = defaultdict(list)
    for assessor_id, booked_apprentice, starts_at, ends_at in booked:
        interval = Interval(starts_at, ends_at)
        by_day[assessor_id][london_date(starts_at)].append(interval)
        own[booked_apprentice].append(interval)
    away: dict[int, list[Interval]] = defaultdict(list)
    for row in db.session.execute(
        select(Unavailability.assessor_id, Unavailability.starts_at, Unavailability.ends_at).where(
            Unavailability.assessor_id.in_(ids),
            Unavailability.starts_at < ends,
            Unavailability.ends_at > starts,
        )
    ):
        away[row.assessor_id].append(Interval(row.starts_at, row.ends_at))
    patterns = _patterns(ids)
    diaries = [
        AssessorWeek(
            id=a.id,
            name=a.name,
            pattern=patterns.get(a.id, WorkingPattern()),
            bookings={day: tuple(held) for day, held in by_day[a.id].items()},
            unavailability=tuple(away[a.id]),
            week_count=sum(len(held) for held in by_day[a.id].values()),
        )
        for a in assessors
    ]
    return diaries, {apprentice_id: tuple(own[apprentice_id]) for apprentice_id in apprentice_ids}
