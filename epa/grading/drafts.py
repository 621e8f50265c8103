"""Draft results that a load of the standard leaves judging changed criteria.

A load rewrites criteria in place by id (it is how a plan is corrected), so a draft's
judgements may now sit against other words, a new grade, or a set of criteria with some gone
or added. The load goes ahead; the command says how many drafts to check.
"""

from sqlalchemy import select

from epa.extensions import db
from epa.grading.models import Result
from epa.scheduling.models import Assessment
from epa.standards.models import Criterion

#: {method id: {criterion id: (text, grade)}}
CriteriaState = dict[int, dict[str, tuple[str, str]]]


def criteria_state() -> CriteriaState:
    """What of every method's criteria a draft's judgements depend on, as stored now."""
    state: CriteriaState = {}
    rows = db.session.execute(
        select(Criterion.method_id, Criterion.code, Criterion.text, Criterion.grade)
    )
    for method_id, code, text, grade in rows:
        state.setdefault(method_id, {})[code] = (text, grade)
    return state


def drafts_on_changed_criteria(before: CriteriaState) -> int:
    """How many drafts with any judgement belong to a method whose criteria changed since
    `before` (in text, grade, or which there are); cancelled bookings are never graded."""
    after = criteria_state()
    changed = [m for m, criteria in before.items() if after.get(m, {}) != criteria]
    if not changed:
        return 0
    judgements = db.session.scalars(
        select(Result.judgements)
        .join(Assessment, Assessment.id == Result.assessment_id)
        .where(
            Assessment.method_id.in_(changed),
            Assessment.status != "cancelled",
            Result.is_submitted.is_(False),
        )
    )
    return sum(1 for judged in judgements if judged)
