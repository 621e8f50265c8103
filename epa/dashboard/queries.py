"""The start pages' counts and the lists behind them. Each count is one aggregate query over an
index, and each list a fixed number of queries, however many apprentices there are: where an
apprentice's EPA stands is kept on its row (epa.dashboard.standing), not judged on every visit."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from epa.apprentices.models import STATUSES, Apprentice
from epa.auth.models import User
from epa.dashboard.chart import last_twelve_months
from epa.dashboard.standing import booked_method
from epa.extensions import db
from epa.grading.models import Outcome, Result
from epa.pagination import Total, list_total
from epa.rules.local_time import LONDON
from epa.scheduling.models import Assessment
from epa.standards.models import AssessmentMethod

#: past gateway and not finished: the apprentices whose methods still need booking
ACTIVE = ("gateway_passed", "in_epa")
DEADLINE_WINDOW_DAYS = 30


def _count(query) -> Total:
    """Only for display: exact up to epa.pagination.EXACT_UP_TO, "about" beyond."""
    return list_total(query)


def _midnight(day: date) -> datetime:
    """The start of a London day, as an instant."""
    return datetime.combine(day, time(0), LONDON)


def status_counts() -> dict[str, Total]:
    """How many apprentices have each status (every status, zero included)."""
    return {
        status: _count(select(Apprentice.id).where(Apprentice.status == status))
        for status in STATUSES
    }


def _in_order(query):
    return query.options(
        selectinload(Apprentice.standard), selectinload(Apprentice.version)
    ).order_by(
        Apprentice.epa_deadline, Apprentice.family_name, Apprentice.given_names, Apprentice.id
    )


def not_booked():
    """Apprentices past gateway (and not finished) with a method not yet booked, the nearest
    EPA deadline first."""
    return _in_order(
        select(Apprentice).where(Apprentice.status.in_(ACTIVE), Apprentice.method_unbooked)
    )


def not_booked_count() -> Total:
    """How many apprentices past gateway have a method not yet booked."""
    return _count(not_booked())


def deadline_window(today: date) -> tuple[date, date]:
    """Today and the last day of the window the start page looks ahead over."""
    return today, today + timedelta(days=DEADLINE_WINDOW_DAYS)


def deadline_soon(today: date):
    """Apprentices whose EPA deadline falls in the next 30 days (today included) and who do
    not have every method booked, the nearest deadline first."""
    first, last = deadline_window(today)
    return _in_order(
        select(Apprentice).where(
            Apprentice.status.in_(ACTIVE),
            Apprentice.epa_deadline.between(first, last),
            Apprentice.method_unbooked,
        )
    )


def deadline_soon_count(today: date) -> Total:
    """How many apprentices have an EPA deadline in the next 30 days and a method unbooked."""
    return _count(deadline_soon(today))


def unbooked_methods(apprentice_ids: list[int]) -> dict[int, list[str]]:
    """The names of each listed apprentice's methods not yet booked, in the plan's order, in one
    query for the whole list."""
    if not apprentice_ids:
        return {}
    rows = db.session.execute(
        select(Apprentice.id, AssessmentMethod.name)
        .join(AssessmentMethod, AssessmentMethod.version_id == Apprentice.version_id)
        .where(Apprentice.id.in_(apprentice_ids), ~booked_method())
        .order_by(Apprentice.id, AssessmentMethod.position)
    ).all()
    methods: dict[int, list[str]] = {}
    for apprentice_id, name in rows:
        methods.setdefault(apprentice_id, []).append(name)
    return methods


def week_of(today: date) -> tuple[date, date]:
    """Monday and Sunday of the London week `today` is in."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def this_week_count(today: date) -> int:
    """How many assessments are booked (not cancelled) to start this week, Monday to Sunday."""
    monday, sunday = week_of(today)
    return db.session.scalar(
        select(func.count())
        .select_from(Assessment)
        .where(
            Assessment.status == "booked",
            Assessment.starts_at >= _midnight(monday),
            Assessment.starts_at < _midnight(sunday + timedelta(days=1)),
        )
    )


def provisional_count() -> Total:
    """How many outcomes are provisional: complete, and waiting for quality-assurance sign-off."""
    return _count(select(Apprentice.id).where(Apprentice.outcome_provisional))


def confirmed_outcomes(today: date) -> list[tuple[date, str, int]]:
    """(EPA date, overall grade, how many) for outcomes confirmed in the last twelve months.

    The EPA date is the achievement date for a pass or better; a fail has no achievement date,
    so every outcome is counted in the month of its last assessment.
    """
    first = last_twelve_months(today)[0]
    day, grade = Outcome.epa_date, Outcome.overall_grade
    rows = db.session.execute(
        select(day, grade, func.count())
        .where(
            Outcome.confirmed_at.is_not(None),
            grade.is_not(None),
            day >= first,
            day <= today,
        )
        .group_by(day, grade)
    ).all()
    return [(d, g, n) for d, g, n in rows]


def _with_people(query):
    # Joined in the same statement: a list with rows costs no more statements than one without.
    return query.options(joinedload(Assessment.apprentice), joinedload(Assessment.method))


def upcoming_for(assessor: User, now: datetime, limit: int) -> tuple[list[Assessment], Total]:
    """The assessor's next booked assessments that have not started, soonest first, and how
    many there are in all."""
    query = select(Assessment).where(
        Assessment.assessor_id == assessor.id,
        Assessment.status == "booked",
        Assessment.starts_at > now,
    )
    rows = db.session.scalars(
        _with_people(query).order_by(Assessment.starts_at, Assessment.id).limit(limit)
    ).all()
    return list(rows), _count(query)


def to_submit_for(assessor: User, now: datetime, limit: int) -> tuple[list[Assessment], Total]:
    """The assessor's assessments that have started, are not cancelled and have no submitted
    result (a draft or nothing yet), the earliest first, and how many there are in all."""
    query = (
        select(Assessment)
        .outerjoin(Result, Result.assessment_id == Assessment.id)
        .where(
            Assessment.assessor_id == assessor.id,
            Assessment.status == "booked",
            Assessment.starts_at <= now,
            or_(Result.id.is_(None), Result.is_submitted.is_(False)),
        )
    )
    rows = db.session.scalars(
        _with_people(query).order_by(Assessment.starts_at, Assessment.id).limit(limit)
    ).all()
    return list(rows), _count(query)
