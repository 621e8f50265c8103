"""Where each apprentice's current EPA stands, kept on the apprentice's row so the start pages
count it from an index instead of judging every apprentice on every visit.

Two facts are kept: a method of the plan has no booking (`method_unbooked`), and the outcome
is provisional (`outcome_provisional`). They are the same SQL the lists always used, run for
the apprentices a transaction touched, just before it commits: any change to an apprentice, an
assessment, a result or an outcome, by any page, API call or import, refreshes them. Rows written
past the ORM (a bulk seed) are refreshed with `refresh_all`.
"""

from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.orm import Session

from epa.apprentices.models import Apprentice
from epa.grading.models import Outcome, Result
from epa.grading.queries import attempt_where, signed_off
from epa.scheduling.models import Assessment, in_current_epa
from epa.standards.models import AssessmentMethod

_TOUCHED = "epa_standing_touched"


def booked_method():
    """An assessment that is not cancelled for the apprentice and method in the outer query."""
    return (
        select(Assessment.id)
        .where(
            Assessment.apprentice_id == Apprentice.id,
            in_current_epa(),
            Assessment.method_id == AssessmentMethod.id,
            Assessment.status != "cancelled",
        )
        .correlate(Apprentice, AssessmentMethod)  # two levels down: say so, or no correlation
        .exists()
    )


def method_not_booked():
    """Some method of the apprentice's version has no assessment that is not cancelled."""
    return (
        select(AssessmentMethod.id)
        .where(AssessmentMethod.version_id == Apprentice.version_id, ~booked_method())
        .exists()
    )


def provisional():
    """The grading services' "provisional", as SQL: in EPA, every method of the version has a
    submitted result on an attempt that is not cancelled, no such attempt is without a
    submitted result (so each method's latest attempt is graded), and no sign-off stands."""
    ungraded = attempt_where(or_(Result.id.is_(None), Result.is_submitted.is_(False)))
    graded = attempt_where(
        Assessment.method_id == AssessmentMethod.id,
        Result.is_submitted.is_(True),
        correlate=(Apprentice, AssessmentMethod),
    )
    method_without_grade = (
        select(AssessmentMethod.id)
        .where(AssessmentMethod.version_id == Apprentice.version_id, ~graded)
        .exists()
    )
    return and_(Apprentice.status == "in_epa", ~ungraded, ~method_without_grade, ~signed_off())


#: Apprentices judged a statement: a large import's ids stay within any driver's limit.
CHUNK = 1000


def refresh(session, apprentice_ids) -> None:
    """Judge the listed apprentices again (a statement a thousand)."""
    ids = sorted(apprentice_ids)
    for start in range(0, len(ids), CHUNK):
        _refresh(session, Apprentice.id.in_(ids[start : start + CHUNK]))


def refresh_all(session) -> None:
    """Judge every apprentice again: after rows were written past the ORM."""
    _refresh(session, True)


def _refresh(session, which) -> None:
    unbooked, provisional_now = method_not_booked(), provisional()
    session.execute(
        update(Apprentice)
        # Only rows whose standing changed: an unchanged row written again still costs a new
        # row version and an entry in every index (most bookings change neither fact).
        .where(
            which,
            or_(
                Apprentice.method_unbooked.is_distinct_from(unbooked),
                Apprentice.outcome_provisional.is_distinct_from(provisional_now),
            ),
        )
        # updated_at says when the record was changed, which this is not
        .values(
            method_unbooked=unbooked,
            outcome_provisional=provisional_now,
            updated_at=Apprentice.updated_at,
        )
        .execution_options(synchronize_session=False)
    )


def _touched(session) -> set:
    return session.info.setdefault(_TOUCHED, set())


@event.listens_for(Session, "after_flush")
def _note(session, _context) -> None:
    """Remember which apprentices this flush changed anything of."""
    touched = _touched(session)
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Apprentice):
            touched.add(("apprentice", row.id))
        elif isinstance(row, (Assessment, Outcome)):
            touched.add(("apprentice", row.apprentice_id))
        elif isinstance(row, Result):
            touched.add(("assessment", row.assessment_id))


@event.listens_for(Session, "before_commit")
def _refresh_touched(session) -> None:
    session.flush()
    touched = session.info.pop(_TOUCHED, set())
    apprentice_ids = {key for kind, key in touched if kind == "apprentice" and key is not None}
    assessment_ids = {key for kind, key in touched if kind == "assessment" and key is not None}
    if assessment_ids:
        apprentice_ids |= set(
            session.scalars(
                select(Assessment.apprentice_id).where(Assessment.id.in_(sorted(assessment_ids)))
            )
        )
    refresh(session, apprentice_ids)


@event.listens_for(Session, "after_transaction_end")
def _forget(session, transaction) -> None:
    """A transaction rolled back (or closed) leaves nothing to judge."""
    if transaction.parent is None:
        session.info.pop(_TOUCHED, None)
