"""The periodic reminders, as plain functions a scheduler or the command line calls once a day
(or more often: a second run the same day sends nothing twice). Each queues its email in the
caller's transaction and flushes; the caller commits, and the outbox's sender delivers."""

import logging
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from epa import clock
from epa.apprentices.models import Apprentice
from epa.auth.models import Role, User
from epa.dashboard.queries import not_booked, unbooked_methods
from epa.extensions import db
from epa.mail.outbox import is_sendable_address, queue_message
from epa.reminders.letters import AtRisk, Letter, digest_letter, reminder_letter
from epa.reminders.notices import already_sent, claim
from epa.rules.local_time import LONDON, london_date
from epa.rules.reminders import at_risk_window, is_at_risk, reminder_due, reminder_horizon
from epa.scheduling.models import Assessment, AssessmentStatus, in_current_epa

log = logging.getLogger(__name__)

#: the digest lists this many apprentices and counts the rest; the dashboard lists them all
DIGEST_LIMIT = 100
# Keeps each "which keys were sent" query well inside SQLite's limit on bound parameters.
_KEYS_PER_QUERY = 500


def _midnight(day: date) -> datetime:
    """The start of a London day, as an instant."""
    return datetime.combine(day, time(0), LONDON)


def reminder_key(assessment: Assessment) -> str:
    """The reminder's identity: a move to another time or another assessor is a new reminder,
    so the assessor hears of the time that stands."""
    starts = assessment.starts_at.astimezone(UTC).isoformat()
    return f"reminder:assessment:{assessment.id}:{starts}:assessor:{assessment.assessor_id}"


def digest_key(today: date, user_id: int) -> str:
    return f"digest:{today.isoformat()}:user:{user_id}"


def due_reminders(today: date) -> list[Assessment]:
    """Booked assessments still to come whose reminder is due today (or was missed), with the
    assessor enabled (a disabled one can no longer open the assessment), soonest first."""
    query = (
        select(Assessment)
        .join(Assessment.apprentice)
        .join(Assessment.assessor)
        .where(
            Assessment.status == AssessmentStatus.BOOKED,
            in_current_epa(),
            Assessment.starts_at > max(clock.now(), _midnight(today)),
            Assessment.starts_at < _midnight(reminder_horizon(today) + timedelta(days=1)),
            User.is_enabled.is_(True),
        )
        .options(
            selectinload(Assessment.apprentice).selectinload(Apprentice.standard),
            selectinload(Assessment.apprentice).selectinload(Apprentice.version),
            selectinload(Assessment.method),
            selectinload(Assessment.assessor),
        )
        .order_by(Assessment.starts_at, Assessment.id)
    )
    found = db.session.scalars(query).all()
    return [a for a in found if reminder_due(london_date(a.starts_at), today)]


def _queue_once(key: str, today: date, to: User, letter: Letter, **about) -> bool:
    """Queue the letter unless its notice is taken; True when this run queued it."""
    if not is_sendable_address(to.email):
        log.warning("not sending %s: user %s has no address mail can go to", key, to.id)
        return False
    if not claim(key, today):
        return False
    queue_message(
        to_address=to.email, to_name=to.name, subject=letter.subject, body=letter.body, **about
    )
    return True


def _not_sent(keys: list[str]) -> set[str]:
    sent = set()
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        sent |= already_sent(keys[start : start + _KEYS_PER_QUERY])
    return set(keys) - sent


def send_assessor_reminders(today: date) -> int:
    """Queue each assessor's reminder of an assessment `REMINDER_WORKING_DAYS` working days
    ahead (or later, when a run was missed); returns how many were queued by this call."""
    due = due_reminders(today)
    keys = {a.id: reminder_key(a) for a in due}
    waiting = _not_sent(list(keys.values()))
    queued = sum(
        _queue_once(keys[a.id], today, a.assessor, reminder_letter(a), assessment_id=a.id)
        for a in due
        if keys[a.id] in waiting
    )
    db.session.flush()
    log.info("assessor reminders for %s: %d due, %d queued", today, len(due), queued)
    return queued


def at_risk(today: date) -> tuple[list[AtRisk], int]:
    """The first `DIGEST_LIMIT` apprentices with a method at risk, the nearest EPA deadline
    first, and how many more there are."""
    first, last = at_risk_window(today)
    query = not_booked().where(Apprentice.epa_deadline.between(first, last))
    apprentices = db.session.scalars(query.limit(DIGEST_LIMIT + 1)).all()
    # The query reads the rule's window so an index can serve it; the rule has the last word.
    shown = [
        a for a in apprentices[:DIGEST_LIMIT] if is_at_risk(a.epa_deadline, today, booked=False)
    ]
    methods = unbooked_methods([a.id for a in shown])
    listed = [AtRisk(a.id, a.full_name, a.uln, tuple(methods[a.id]), a.epa_deadline) for a in shown]
    more = 0
    if len(apprentices) > DIGEST_LIMIT:
        more = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        more -= DIGEST_LIMIT
    return listed, more


def digest_recipients() -> list[User]:
    """Enabled staff. Staff book the assessments, so the list is their work; administrators
    (quality assurance, users, returns) see the same list on the start page when they ask."""
    query = select(User).where(User.role == Role.STAFF, User.is_enabled.is_(True))
    return list(db.session.scalars(query.order_by(User.id)))


def send_deadline_digest(today: date) -> int:
    """Queue one digest of EPA deadlines at risk to each member of staff, once a day, and none
    when nothing is at risk; returns how many were queued by this call."""
    listed, more = at_risk(today)
    if not listed:
        log.info("deadline digest for %s: nothing at risk", today)
        return 0
    recipients = digest_recipients()
    keys = {u.id: digest_key(today, u.id) for u in recipients}
    waiting = _not_sent(list(keys.values()))
    queued = sum(
        _queue_once(keys[u.id], today, u, digest_letter(u.name, listed, today, more=more))
        for u in recipients
        if keys[u.id] in waiting
    )
    db.session.flush()
    log.info(
        "deadline digest for %s: %d apprentices at risk, %d digests queued",
        today,
        len(listed) + more,
        queued,
    )
    return queued
