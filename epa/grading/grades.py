"""The words grading uses for grades and for an outcome's state, said once for the services, the
pages, the database's checks and the API's document."""

from enum import StrEnum


class Grade(StrEnum):
    """A method's or the whole EPA's grade, lowest first."""

    FAIL = "fail"
    PASS = "pass"  # noqa: S105 (a grade, not a password)
    MERIT = "merit"
    DISTINCTION = "distinction"

    @classmethod
    def sql_list(cls, grades=None) -> str:
        """('fail', 'pass', ...) for a check constraint."""
        return "(" + ", ".join(f"'{g}'" for g in grades or cls) + ")"


def grade_label(grade: str | None) -> str:
    """A grade as pages write it: "Distinction" (a word that is not a grade, as it is)."""
    return grade.capitalize() if grade in tuple(Grade) else grade or ""


#: the grades a method can be given: the judgements give no merit
METHOD_GRADES = (Grade.FAIL, Grade.PASS, Grade.DISTINCTION)
#: an EPA grade that completes the apprenticeship's assessment and sets an achievement date
PASSING = (Grade.PASS, Grade.MERIT, Grade.DISTINCTION)


class OutcomeStatus(StrEnum):
    """incomplete while any method has no submitted grade or a booked attempt is ungraded,
    provisional when complete, confirmed after sign-off."""

    INCOMPLETE = "incomplete"
    PROVISIONAL = "provisional"
    CONFIRMED = "confirmed"
