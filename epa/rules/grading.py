"""Grades follow from judgements and the plan, never from a free choice: the method grade from
criteria met, the overall grade from the grading table and the retry cap on it, and which
resits and retakes may be booked."""

from dataclasses import dataclass
from datetime import date

from epa.rules.dates import add_months

GRADES = ("fail", "pass", "distinction")


@dataclass(frozen=True)
class CriterionRule:
    id: str
    grade: str  # "pass" or "distinction"


def method_grade(criteria: list[CriterionRule], judgements: dict[str, bool | None]) -> str | None:
    """fail if any pass criterion is unmet; distinction if every criterion is met and there are
    distinction criteria; otherwise pass. None while any criterion has no judgement."""
    if any(judgements.get(c.id) is None for c in criteria):
        return None
    passes = [judgements[c.id] for c in criteria if c.grade == "pass"]
    distinctions = [judgements[c.id] for c in criteria if c.grade == "distinction"]
    if not all(passes):
        return "fail"
    if distinctions and all(distinctions):
        return "distinction"
    return "pass"


def overall_grade(table: list[dict[str, str]], method_grades: dict[str, str | None]) -> str | None:
    """The grading table's overall grade for these method grades; None while any is missing."""
    if any(g is None for g in method_grades.values()):
        return None
    for row in table:
        if all(row.get(code) == grade for code, grade in method_grades.items()):
            return row["overall"]
    return None


@dataclass(frozen=True)
class CountedGrade:
    """The submitted grade that counts for a method, as judged, and how the method was retried:
    a resit or retake of it booked without exceptional circumstances, if the EPA has any, or
    else how the counted attempt was booked."""

    grade: str
    retry: str | None = None
    exceptional: bool = False

    @property
    def brings_the_cap(self) -> bool:
        return self.retry is not None and not self.exceptional


@dataclass(frozen=True)
class OverallGrade:
    """The EPA grade after the retry cap, the grade the table gives without it, and which
    methods' resits or retakes bring the cap (method code, "resit" or "retake")."""

    grade: str | None
    uncapped: str | None
    capped: bool
    capped_by: tuple[tuple[str, str], ...] = ()


def capped_overall(
    table: list[dict[str, str]],
    counted: dict[str, CountedGrade | None],
    *,
    cap: str,
    order: tuple[str, ...] | list[str],
) -> OverallGrade:
    """The overall grade from the table, at most `cap` (in `order`, lowest first) when any
    method's counted attempt is a resit or retake booked without exceptional circumstances.

    The plan caps the EPA grade, not the method grade, so a fail stays a fail and a judged pass
    is not lowered (capped is False then); None while any method has no counted grade.
    """
    uncapped = overall_grade(table, {m: c.grade if c else None for m, c in counted.items()})
    capped_by = tuple((m, c.retry) for m, c in counted.items() if c and c.brings_the_cap)
    order = list(order)
    if uncapped is None or not capped_by or order.index(uncapped) <= order.index(cap):
        return OverallGrade(uncapped, uncapped, False, capped_by)
    return OverallGrade(cap, uncapped, True, capped_by)


def cap_reason(retries: list[tuple[str, str]], cap: str, uncapped: str) -> str:
    """Why the EPA grade was capped, in plain words. `retries`: (method name as it reads in a
    sentence, "resit" or "retake") for each method whose counted attempt brings the cap."""
    (name, retry), *rest = retries
    said = f"The {name} was a {retry}"
    for n, (name, retry) in enumerate(rest, start=1):
        said += f"{' and' if n == len(rest) else ','} the {name} a {retry}"
    booked = "booked" if not rest else ", both booked" if len(rest) == 1 else ", all booked"
    return (
        f"{said}{'' if rest else ' '}{booked} without exceptional circumstances, so the EPA "
        f"grade is at most {cap.capitalize()}; without the cap it would be "
        f"{uncapped.capitalize()}."
    )


@dataclass(frozen=True)
class Attempt:
    """A sitting of one method, cancelled ones left out by the caller."""

    ends_at_date: date
    #: None while the result is a draft or missing
    submitted_grade: str | None
    submitted_on: date | None
    #: the instant it ended, for "a retry may not start before the failed attempt ended"
    ends_at: object = None


@dataclass(frozen=True)
class RetryTerms:
    resit_within_months: int
    retake_within_months: int

    def last_day(self, retry: str, failed_on: date) -> date:
        """The last day a resit or retake may be held, counted from the day of the fail."""
        months = self.resit_within_months if retry == "resit" else self.retake_within_months
        return add_months(failed_on, months)


def attempt_refusal(latest: Attempt | None, retry: str | None) -> str | None:
    """What the latest attempt says about booking the method again at any time: without `retry`,
    none may be booked or passed (method_already_booked) or failed (retry_required); a retry
    follows a submitted fail (retry_not_allowed)."""
    failed = latest is not None and latest.submitted_grade == "fail"
    if retry is None:
        if failed:
            return "retry_required"
        return None if latest is None else "method_already_booked"
    return None if failed else "retry_not_allowed"


def booking_refusal(
    latest: Attempt | None, retry: str | None, starts_on: date, starts_at, terms: RetryTerms
) -> str | None:
    """Whether this method may be booked now, given its latest attempt; a contract code if not.

    Without `retry`: refused when an attempt is booked or passed (method_already_booked) or
    failed (retry_required). With `retry`: the latest attempt must be a submitted fail that has
    ended, and the new sitting must fall inside the resit or retake window, counted from the
    day the fail was submitted.
    """
    code = attempt_refusal(latest, retry)
    if code or retry is None:
        return code
    if latest.ends_at is not None and starts_at < latest.ends_at:
        return "retry_not_allowed"
    if starts_on > terms.last_day(retry, latest.submitted_on):
        return "retry_window_passed"
    return None


def outcome_status(
    methods: list[str],
    latest_submitted: dict[str, str | None],
    ungraded_booked: bool,
    confirmed: bool,
) -> str:
    """incomplete while any method lacks a submitted grade or a booked attempt is ungraded;
    provisional when complete; confirmed after sign-off."""
    if ungraded_booked or any(latest_submitted.get(m) is None for m in methods):
        return "incomplete"
    return "confirmed" if confirmed else "provisional"
