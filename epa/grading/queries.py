"""Where an apprentice's current EPA stands, as SQL correlated with the apprentice's row, so a
list of apprentices can be filtered in one query: the sign-off list and the start pages."""

from sqlalchemy import Exists, select

from epa.apprentices.models import Apprentice
from epa.grading.models import Outcome, Result
from epa.scheduling.models import Assessment, in_current_epa


def attempt_where(*conditions, correlate=(Apprentice,)) -> Exists:
    """Whether the apprentice has an attempt in the current EPA, not cancelled, meeting the
    conditions (on the attempt, or on its result: none where there is no result)."""
    return (
        select(Assessment.id)
        .outerjoin(Result, Result.assessment_id == Assessment.id)
        .where(
            Assessment.apprentice_id == Apprentice.id,
            in_current_epa(),
            Assessment.status != "cancelled",
            *conditions,
        )
        .correlate(*correlate)
        .exists()
    )


def signed_off() -> Exists:
    """Whether the outcome of the apprentice's current EPA is confirmed."""
    return (
        select(Outcome.id)
        .where(
            Outcome.apprentice_id == Apprentice.id,
            Outcome.epa_round == Apprentice.epa_round,
            Outcome.confirmed_at.is_not(None),
        )
        .exists()
    )
