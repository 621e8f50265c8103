"""The criteria a result is read against: for a submitted result, those it was judged against
(kept on it at submission), since a later load of the standard rewrites criteria in place; for
a draft, the method's criteria today."""

from dataclasses import dataclass

from epa.grading.models import Result
from epa.scheduling.models import Assessment
from epa.standards.documents import criterion_document


@dataclass(frozen=True)
class KsbText:
    code: str
    text: str


@dataclass(frozen=True)
class JudgedCriterion:
    """A criterion as a submitted result keeps it, with the attributes the pages read from a
    criterion row."""

    code: str
    theme: str
    grade: str
    text: str
    source: str
    source_reference: str
    ksbs: tuple[KsbText, ...]


def is_judged(result: Result | None) -> bool:
    """Whether the result is read against the criteria kept on it."""
    return result is not None and result.is_submitted and result.criteria_judged is not None


def criteria_judged(assessment: Assessment) -> list[JudgedCriterion]:
    """The criteria kept on the assessment's submitted result, in the order judged. KSB texts
    are the standard's (only the codes are kept); a code it no longer has shows no text."""
    texts = {k.code: k.text for k in assessment.method.version.standard.ksbs}
    return [
        JudgedCriterion(
            code=c["id"],
            theme=c["theme"],
            grade=c["grade"],
            text=c["text"],
            source=c["source"],
            source_reference=c["reference"],
            ksbs=tuple(KsbText(code, texts.get(code, "")) for code in c["ksbs"]),
        )
        for c in assessment.result.criteria_judged
    ]


def changed_since(assessment: Assessment) -> bool:
    """Whether the method's criteria differ now from those the submitted result kept."""
    if not is_judged(assessment.result):
        return False
    today = [criterion_document(c) for c in assessment.method.criteria]
    return assessment.result.criteria_judged != today
