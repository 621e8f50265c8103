"""The booking rules applied to rows: what the diaries hold, the earlier attempts of a method,
and every check a booking or a move goes through, in the contract's order, under locks."""

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from epa import clock, persistence
from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db
from epa.grading.models import Result
from epa.rules.grading import Attempt, RetryTerms, booking_refusal
from epa.rules.local_time import london_date
from epa.rules.patterns import WorkingPattern
from epa.rules.scheduling import (
    BookingRequest,
    Diary,
    diary_refusal,
    time_limit_of,
    time_refusal,
)
from epa.scheduling.around import diaries_around
from epa.scheduling.models import (
    Assessment,
    AssessmentStatus,
    AssessorPattern,
    in_current_epa,
)
from epa.scheduling.refusals import refusal
from epa.scheduling.sittings import Sittings
from epa.standards.models import StandardVersion

#: What a booking reads of its apprentice, besides the row: its plan's methods, and what the
#: calendar invitations name (the standard and the employer).
BOOKING_READS = (
    joinedload(Apprentice.version).joinedload(StandardVersion.methods),
    joinedload(Apprentice.standard),
    joinedload(Apprentice.employer),
)


def read_for_booking(apprentice_id: int, assessor_id, *, lock: bool = False) -> tuple | None:
    """The apprentice with what a booking reads of it, and the user to book, in one query:
    (apprentice, user), or None without the apprentice. The caller holds them, so that its own
    reads of them find them in the session.

    With `lock` (PostgreSQL) the read takes the apprentice's lock (`persistence.lock_diaries`
    takes it first too), so everything read of the apprentice from here on stands until the
    commit and `check_booking(apprentice_locked=True)` need not read it again."""
    query = (
        select(Apprentice, User)
        .outerjoin(User, User.id == assessor_id)
        .where(Apprentice.id == apprentice_id)
        .options(*BOOKING_READS)
    )
    if lock:
        query = query.with_for_update(of=Apprentice)
    return db.session.execute(query).unique().first()


def locks_rows() -> bool:
    """Whether the database locks rows (PostgreSQL); SQLite has one writer at a time, taken
    at the first write."""
    return db.session.get_bind().dialect.name == "postgresql"


def lock_diaries(apprentice_id: int, assessor_ids: list[int]) -> None:
    """`persistence.lock_diaries`, and the apprentice (with what a booking reads of it) read
    afresh under its lock: on PostgreSQL the read is the lock."""
    options = {"populate_existing": True, "options": BOOKING_READS}
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.get(Apprentice, apprentice_id, with_for_update={"of": Apprentice}, **options)
        persistence.lock_many_diaries([], assessor_ids)  # then the assessors, in their order
    else:
        persistence.lock_diaries(apprentice_id, assessor_ids)
        db.session.get(Apprentice, apprentice_id, **options)


def _diary(assessor, method, starts_at, ends_at, sittings, exclude_id=None) -> Diary:
    """What is already booked or declared around this time, read after the locks are held."""
    around = diaries_around(
        [assessor.id], starts_at, ends_at, exclude_id, apprentice=sittings.apprentice
    )[assessor.id]
    return Diary(
        pattern=around.pattern,
        assessor_day_count=around.day_count,
        assessor_bookings=around.bookings,
        apprentice_bookings=sittings.booked_overlapping(starts_at, ends_at, exclude_id),
        unavailability=[interval for interval, _ in around.away],
        conflict_of_interest=around.conflicted,
        # A sitting of the method in the current EPA blocks another unless its result was a
        # submitted fail.
        method_already_booked=sittings.method_booked(method.id, exclude_id),
    )


def pattern_of(assessor_id: int) -> WorkingPattern:
    """The assessor's working pattern, or the default when none was set."""
    row = db.session.get(AssessorPattern, assessor_id)
    return WorkingPattern() if row is None else row.pattern


def latest_attempt(apprentice, method, exclude_id=None, sittings=None):
    """The latest sitting of a method in the current EPA that was not cancelled, with its
    submitted result (from `sittings`, when they were read)."""
    if sittings is not None:
        latest = sittings.latest(method.id, exclude_id)
        if latest is None:
            return None
        submitted = bool(latest.is_submitted)
        return Attempt(
            ends_at_date=london_date(latest.ends_at),
            submitted_grade=latest.method_grade if submitted else None,
            submitted_on=latest.submitted_on if submitted else None,
            ends_at=latest.ends_at,
        )
    query = select(Assessment, Result).outerjoin(Result, Result.assessment_id == Assessment.id)
    if exclude_id is not None:
        query = query.where(Assessment.id != exclude_id)
    row = db.session.execute(
        query.where(
            Assessment.apprentice_id == apprentice.id,
            in_current_epa(apprentice),
            Assessment.method_id == method.id,
            Assessment.status != AssessmentStatus.CANCELLED,
        )
        .order_by(Assessment.starts_at.desc(), Assessment.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    assessment, result = row
    submitted = result is not None and result.is_submitted
    return Attempt(
        ends_at_date=london_date(assessment.ends_at),
        submitted_grade=result.method_grade if submitted else None,
        submitted_on=result.submitted_on if submitted else None,
        ends_at=assessment.ends_at,
    )


def refuse_by_earlier_attempts(
    apprentice, method, retry, starts_at, exclude_id=None, sittings=None
) -> None:
    """Retries follow a submitted fail, inside their window; a failed method needs one."""
    version = apprentice.version
    code = booking_refusal(
        latest_attempt(apprentice, method, exclude_id, sittings),
        retry,
        london_date(starts_at),
        starts_at,
        RetryTerms(version.resit_within_months, version.retake_within_months),
    )
    if code in RETRY_CODES:
        raise RETRY_CODES[code](version)
    # method_already_booked is a clash with the diary: checked again under the locks.


RETRY_CODES = {
    "retry_required": lambda v: ServiceError(
        "retry_required",
        "This method was failed: book it as a resit (no further learning) or a retake.",
        fields={"retry": "Choose resit or retake"},
    ),
    "retry_not_allowed": lambda v: ServiceError(
        "retry_not_allowed",
        "A resit or retake can be booked only after a submitted fail of this method, and "
        "not before that sitting ended.",
        fields={"retry": "Only after a submitted fail of this method"},
    ),
    "retry_window_passed": lambda v: ServiceError(
        "retry_window_passed",
        f"Too late: a resit must be held within {v.resit_within_months} months and a retake "
        f"within {v.retake_within_months} months of the day the fail was submitted.",
        fields={"starts_at": "After the retry window closed"},
    ),
}


def _epa_days(apprentice, exclude_id=None, sittings=None) -> tuple[date, ...]:
    """The London dates of the current EPA's first and last assessments that are not cancelled,
    held or still booked, the one being moved left out: all the time limit needs to know."""
    if sittings is not None:
        starts = [s.starts_at for s in sittings.counted(exclude_id)]
        return (london_date(min(starts)), london_date(max(starts))) if starts else ()
    query = select(func.min(Assessment.starts_at), func.max(Assessment.starts_at)).where(
        Assessment.apprentice_id == apprentice.id,
        in_current_epa(apprentice),
        Assessment.status != AssessmentStatus.CANCELLED,
    )
    if exclude_id is not None:
        query = query.where(Assessment.id != exclude_id)
    first, last = db.session.execute(query).one()
    return () if first is None else (london_date(first), london_date(last))


def booking_request(
    apprentice, method, starts_at, *, exclude_id=None, time_limit=True, sittings=None, **options
) -> BookingRequest:
    """The rules' view of a booking of the method at that time. `options` are BookingRequest's
    (backdated, retry, notice_applies, exceptional); `time_limit=False` leaves the limit on the
    EPA's span unchecked (and unread), for questions about the diary alone."""
    return BookingRequest(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=method.duration_minutes),
        now=clock.now(),
        gateway_date=apprentice.epa_started_on,
        epa_deadline=apprentice.epa_deadline,
        earliest_days_after_gateway=method.earliest_days_after_gateway,
        min_notice_days=method.min_notice_days,
        apprentice_withdrawn=apprentice.status == "withdrawn",
        other_epa_days=_epa_days(apprentice, exclude_id, sittings) if time_limit else (),
        all_methods_within_months=(
            apprentice.version.all_methods_within_months if time_limit else None
        ),
        **options,
    )


def _refused(code: str, request: BookingRequest, method, apprentice, diary=None) -> ServiceError:
    return refusal(
        code,
        method=method,
        apprentice=apprentice,
        day=london_date(request.starts_at),
        limit=time_limit_of(request),
        pattern=diary.pattern if diary else None,
    )


def check_booking(
    apprentice,
    assessor,
    method,
    starts_at,
    *,
    backdated,
    retry,
    exceptional=False,
    exclude_id=None,
    notice=True,
    sittings=None,
    apprentice_locked=False,
):
    """Every rule, in the contract's order: first the time, then (under locks) the diaries.

    `notice=False` waives the notice rule, for a booking whose time stays put. `sittings`, the
    apprentice's as read before, are read again under the locks (for the caller too), unless
    `apprentice_locked`: the apprentice and its sittings were read under its lock already
    (`read_for_booking`), and only the assessor's lock is still to take.
    """
    request = booking_request(
        apprentice,
        method,
        starts_at,
        exclude_id=exclude_id,
        sittings=sittings,
        backdated=backdated,
        retry=retry,
        notice_applies=notice,
        exceptional=exceptional,
    )
    code = time_refusal(request)
    if code:
        raise _refused(code, request, method, apprentice)
    epa_round = apprentice.epa_round
    # Read again under the lock: a withdrawal, a restart, or another booking that moves the
    # EPA's first or last day may have committed since the first read.
    if apprentice_locked:
        persistence.lock_many_diaries([], [assessor.id])
    else:
        lock_diaries(apprentice.id, [assessor.id])
    if apprentice.status == "withdrawn":
        raise _refused("apprentice_withdrawn", request, method, apprentice)
    if apprentice.epa_round != epa_round:
        raise ServiceError(
            "earlier_epa",
            "The EPA was restarted while this was being booked, so the earlier attempts it "
            "was checked against no longer count; book it again in the new EPA.",
            status=409,
        )
    if method.version_id != apprentice.version_id:
        raise ServiceError(
            "version_changed",
            f"The apprentice was moved to version {apprentice.version.version} while this was "
            "being booked, so the method was checked against the wrong plan; book it again.",
            status=409,
        )
    if sittings is None:
        sittings = Sittings(apprentice)
    elif not apprentice_locked:
        sittings.read()
    request = replace(request, other_epa_days=_epa_days(apprentice, exclude_id, sittings))
    if time_limit_of(request) is not None:
        raise _refused("epa_time_limit_passed", request, method, apprentice)
    diary = _diary(assessor, method, starts_at, request.ends_at, sittings, exclude_id)
    code = diary_refusal(request, diary)
    if code:
        raise _refused(code, request, method, apprentice, diary)
    return request.ends_at


ASSESSOR_REFUSALS = (
    "assessor_double_booked",
    "assessor_unavailable",
    "assessor_not_working",
    "assessor_day_full",
    "assessor_conflict_of_interest",
)


def time_problem(apprentice, method, starts_at, *, exclude_id=None) -> ServiceError | None:
    """The refusal a first booking of the method at that time (or the move of booking
    `exclude_id` to it) would get for the time itself (window, time limit, notice, working day
    and hours), or None; read-only, for checking on a page."""
    request = booking_request(apprentice, method, starts_at, exclude_id=exclude_id)
    code = time_refusal(request)
    return None if code is None else _refused(code, request, method, apprentice)


def assessor_refusals(
    apprentice, assessor_ids, method, starts_at, conflicted, *, exclude_id=None
) -> tuple[dict[int, str | None], dict]:
    """The diary rule that rules each assessor out of the booking, if any, and what their
    diaries hold around the time; read-only, no locks, a fixed number of queries for any number
    of assessors. `conflicted` holds the assessors with a conflict of interest with the
    apprentice's employer or provider.

    Only refusals about the assessor (see ASSESSOR_REFUSALS), for offering assessors on a page;
    the booking itself is checked again, under locks, when it is made.
    """
    request = booking_request(apprentice, method, starts_at, time_limit=False)
    around = diaries_around(assessor_ids, starts_at, request.ends_at, exclude_id)
    refusals = {}
    for assessor_id, diary in around.items():
        own = Diary(
            pattern=diary.pattern,
            assessor_day_count=diary.day_count,
            assessor_bookings=diary.bookings,
            unavailability=[interval for interval, _ in diary.away],
            conflict_of_interest=assessor_id in conflicted,
        )
        refusals[assessor_id] = diary_refusal(request, own)
    return refusals, around
