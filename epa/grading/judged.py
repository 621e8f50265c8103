"""The criteria a result is read against: for a submitted result, those it was judged against
(kept on it at submission), since a later load of the standard rewrites criteria in place; for
a draft, the method's criteria today."""

from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from epa.grading.models import Result
from epa.scheduling.models import Assessment
from epa.standards.documents import criterion_document


class KsbText(NamedTuple):
    code: str
    text: str


class JudgedCriterion(BaseModel):
    """A criterion as a submitted result keeps it (in the fixture's words), read with the
    attribute names the pages read from a criterion row."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(alias="id")
    theme: str
    grade: str
    text: str
    source: str
    source_reference: str = Field(alias="reference")
    ksbs: tuple[KsbText, ...]


def is_judged(result: Result | None) -> bool:
    """Whether the result is read against the criteria kept on it."""
    return result is not None and result.is_submitted and result.criteria_judged is not None


def criteria_judged(assessment: Assessment) -> list[JudgedCriterion]:
    """The criteria kept on the assessment's submitted result, in the order judged. KSB texts
    are the standard's (only the codes are kept); a code it no longer has shows no text."""
    texts = {k.code: k.text for k in assessment.method.version.standard.ksbs}
    return [
        JudgedCriterion.model_validate(
            {**kept, "ksbs": [KsbText(code, texts.get(code, "")) for code in kept["ksbs"]]}
        )
        for kept in assessment.result.criteria_judged
    ]


def changed_since(assessment: Assessment) -> bool:
    """Whether the method's criteria differ now from those the submitted result kept."""
    if not is_judged(assessment.result):
        return False
    today = [criterion_document(c) for c in assessment.method.criteria]
    return assessment.result.criteria_judged != today
