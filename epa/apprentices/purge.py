"""The end of the retention period: the personal data of apprentices completed or withdrawn
before a date is replaced, and what is needed for statistics (standard, dates, grades,
outcomes) stays.

What goes, for each: the record's name, ULN, date of birth, email and withdrawal reason; the
assessors' comments; bookings' locations and cancellation reasons; the emails sent about their
assessments; and the same values wherever the audit log kept them (the events about the
apprentice, their gateway attempts, assessments, results and outcomes). Each anonymisation is
itself audited, without the values it removed.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, delete, exists, or_, select, update

from epa import clock
from epa.apprentices.models import Apprentice, ApprenticeStatus
from epa.apprentices.services import search_name
from epa.apprentices.subject_access import records_about
from epa.audit.services import events_about, record
from epa.extensions import db
from epa.rules import retention
from epa.scheduling.instants import midnight

#: keys whose values the audit log may hold about an apprentice, their bookings and results
PERSONAL_KEYS = frozenset(
    {
        "given_names",
        "family_name",
        "search_name",
        "full_name",
        "name",
        "email",
        "date_of_birth",
        "uln",
        "withdrawn_reason",
        "comments",
        "location",
        "cancel_reason",
        "reason",
    }
)


@dataclass(frozen=True)
class Purge:
    before: date
    apprentice_ids: list[int]


def due(before: date) -> list[int]:
    """The apprentices not yet anonymised whose EPA was completed (outcome's EPA date) or who
    were withdrawn before `before` (a London date)."""
    from epa.grading.models import Outcome  # grading builds on apprentices

    start_of = midnight(before)
    completed_before = exists().where(
        Outcome.apprentice_id == Apprentice.id,
        Outcome.epa_round == Apprentice.epa_round,
        Outcome.confirmed_at.is_not(None),
        Outcome.epa_date < before,
    )
    query = (
        select(Apprentice.id)
        .where(
            Apprentice.anonymised_at.is_(None),
            or_(
                and_(Apprentice.status == ApprenticeStatus.COMPLETED, completed_before),
                and_(
                    Apprentice.status == ApprenticeStatus.WITHDRAWN,
                    Apprentice.withdrawn_at < start_of,
                ),
            ),
        )
        .order_by(Apprentice.id)
    )
    return list(db.session.scalars(query))


def purge(before: date, *, dry_run: bool) -> Purge:
    """Anonymise every apprentice `due` before the date (or, dry, only say which)."""
    ids = due(before)
    if not dry_run:
        for apprentice_id in ids:
            _anonymise(db.session.get(Apprentice, apprentice_id), before)
    return Purge(before, ids)


def _anonymise(apprentice: Apprentice, before: date) -> None:
    from epa.grading.models import Result
    from epa.mail.models import OutboxMessage
    from epa.scheduling.models import Assessment

    assessments = select(Assessment.id).where(Assessment.apprentice_id == apprentice.id)
    apprentice.given_names = retention.ANONYMISED_GIVEN_NAMES
    apprentice.family_name = retention.anonymised_family_name(apprentice.id)
    apprentice.search_name = search_name(apprentice.given_names, apprentice.family_name)
    apprentice.uln = retention.ANONYMISED_ULN
    apprentice.date_of_birth = retention.ANONYMISED_BIRTH_DATE
    apprentice.email = None
    if apprentice.withdrawn_reason is not None:
        apprentice.withdrawn_reason = retention.ANONYMISED_TEXT
    apprentice.anonymised_at = clock.now()
    db.session.execute(
        update(Result).where(Result.assessment_id.in_(assessments)).values(comments=None)
    )
    for column in (Assessment.location, Assessment.cancel_reason):
        db.session.execute(
            update(Assessment)
            .where(Assessment.apprentice_id == apprentice.id, column.is_not(None))
            .values({column.key: retention.ANONYMISED_TEXT})
        )
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.assessment_id.in_(assessments)))
    _scrub_audit(records_about(apprentice.id))
    db.session.flush()
    record(
        "apprentice",
        apprentice.id,
        "anonymise",
        after={"anonymised": True, "completed_or_withdrawn_before": before.isoformat()},
    )


def _scrub_audit(about: dict[str, list[int]]) -> None:
    """The audit events about these records keep what changed, without the personal values."""
    for event in db.session.scalars(events_about(about)):
        event.before = _scrubbed(event.before)
        event.after = _scrubbed(event.after)
        if event.reason is not None:
            event.reason = retention.ANONYMISED_TEXT


def _scrubbed(values):
    if isinstance(values, dict):
        return {
            key: retention.ANONYMISED_TEXT
            if key in PERSONAL_KEYS and value is not None
            else _scrubbed(value)
            for key, value in values.items()
        }
    if isinstance(values, list):
        return [_scrubbed(value) for value in values]
    return values
