"""What the API takes and gives for results, outcomes, their sign-off and a restarted EPA."""

from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, PlainValidator, WithJsonSchema

from epa.grading.grades import METHOD_GRADES, OutcomeStatus
from epa.shapes import (
    Command,
    Instant,
    Missing,
    Reason,
    Shape,
    checked,
    clean_text,
    problem,
)
from epa.standards.schemas import Criterion

#: comments are the evidence behind the judgements: long, several lines
COMMENTS_LENGTH = 20_000
#: text without the control characters `clean_text` refuses (tab and newline are fine)
CONTROL_FREE = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"
CRITERIA_REFUSAL = "Send criteria as an object of criterion ids to true or false"


def _met(value) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise problem("Met must be true, false or null")
    return value


def _criteria(value) -> dict:
    if not isinstance(value, dict):
        raise problem(CRITERIA_REFUSAL)
    return value


Met = Annotated[bool | None, PlainValidator(_met), WithJsonSchema({"type": ["boolean", "null"]})]
#: {"<criterion id>": true (met) | false (not met) | null (clears the judgement)}
Judgements = Annotated[
    dict[str, Met],
    BeforeValidator(_criteria),
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": {"type": ["boolean", "null"]},
            "description": "Judgements by criterion id: true met, false not met, null clears "
            "one; merged into the draft (unknown_criterion for an id the method lacks)",
        }
    ),
]


def _comments(value) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return clean_text(value, "comments", max_length=COMMENTS_LENGTH, one_line=False)


Comments = checked(
    str | None,
    _comments,
    {
        "type": ["string", "null"],
        "maxLength": COMMENTS_LENGTH,
        "pattern": CONTROL_FREE,
        "description": "Left out: kept as they are; null or blank: none",
    },
    Missing("Enter the comments"),
)


class ResultDraft(Command):
    """A draft result: the judgements sent are merged into the draft, null clearing one."""

    criteria: Judgements = {}
    comments: Comments = None


class ResultReopen(Command):
    reason: Reason("reopening")


class EpaRestart(Command):
    reason: Reason("restarting the EPA")


MethodGrade = Literal[tuple(METHOD_GRADES)]


class Result(Shape):
    """An assessment's result: the judgements so far, and the grade they give."""

    assessment_id: int
    #: {"<criterion id>": met}
    criteria: dict[str, bool]
    comments: str | None
    method_grade: Annotated[
        MethodGrade | None,
        Field(
            description="As judged, also for a resit or retake: the retry cap applies to the "
            "outcome's overall grade; null while a draft leaves any criterion unjudged"
        ),
    ]
    submitted: bool
    submitted_at: Instant() | None
    criteria_judged: Annotated[
        list[Criterion] | None,
        Field(
            description="Once submitted: the method's criteria as they stood at submission, in "
            "the plan's order, which `criteria` judges; a later change to the plan does not "
            "alter them. Null for a draft, judged against the method's criteria today"
        ),
    ]


class MethodOutcome(Shape):
    """A method's latest submitted attempt; nulls until there is one."""

    grade: MethodGrade | None
    attempt: int | None
    retry: Literal["resit", "retake"] | None


class ConfirmedBy(Shape):
    id: int
    name: str


class Outcome(Shape):
    """Each method's latest submitted grade, the overall grade and its sign-off."""

    methods: Annotated[
        dict[str, MethodOutcome],
        Field(description="By method code, every method of the plan"),
    ]
    overall_grade: Annotated[
        str | None,
        Field(
            description="From the grading table over each method's latest submitted grade, at "
            "most the plan's retry_grade_cap when any counted attempt is a resit or retake "
            "booked without exceptional circumstances; as confirmed once confirmed"
        ),
    ]
    uncapped_grade: Annotated[
        str | None, Field(description="The grading table's grade without the retry cap")
    ]
    capped: Annotated[bool, Field(description="True when the retry cap lowered the grade")]
    cap_reason: Annotated[
        str | None,
        Field(description="Why the grade was capped, in plain words; null when not capped"),
    ]
    status: OutcomeStatus
    achievement_date: date | None
    epa_date: date | None
    confirmed_by: ConfirmedBy | None
    epa_round: Annotated[int, Field(description="The apprentice's EPA this outcome is of")]
