"""What the API gives of standards: each version as its fixture describes it, read back from the
stored rows (the pages show the same document)."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AliasChoices, AliasPath, BeforeValidator, ConfigDict, Field, WithJsonSchema

from epa.rules.fixture_citations import TRUST
from epa.rules.fixture_sources import SOURCES
from epa.rules.standard_fixture import CRITERION_GRADES, KINDS
from epa.shapes import LEFT_OUT, Shape


class Sourced(Shape):
    """Where a text or a figure comes from."""

    source: Annotated[
        Literal[SOURCES],
        Field(
            description="published: a published source's words or figure; epao: the EPAO's own "
            "wording or reading, where nothing is published",
        ),
    ]
    reference: Annotated[
        str,
        Field(description="The published source (with its trust), or why the EPAO's own is used"),
    ]


#: where each fact comes from, by the fact's name (grading facts as grading.method_grades,
#: grading.overall_grades, grading.overall)
FactSources = dict[str, Sourced]


class Theme(Sourced):
    """A theme of a method's criteria, with the KSBs it groups."""

    name: str
    ksbs: list[str]
    ksbs_source: Annotated[
        Literal[SOURCES],
        Field(
            description="Where the theme's KSB grouping comes from; it may be the EPAO's reading "
            "where the theme's words are published"
        ),
    ]
    ksbs_reference: str


def _ksb_codes(ksbs: list) -> list:
    """A criterion's KSBs by code: a stored row links KSB rows, a kept criterion their codes."""
    return [ksb if isinstance(ksb, str) else ksb.code for ksb in ksbs]


class Criterion(Sourced):
    """One thing an assessor judges met or not met, as the fixture gives it."""

    id: Annotated[str, Field(validation_alias=AliasChoices("code", "id"))]
    theme: Annotated[str, Field(description="The name of one of the method's themes")]
    ksbs: Annotated[list[str], BeforeValidator(_ksb_codes)]
    grade: Literal[CRITERION_GRADES]
    text: str
    reference: Annotated[
        str,
        Field(
            validation_alias=AliasChoices("source_reference", "reference"),
            description="The published source (with its trust), or why the EPAO's own is used",
        ),
    ]


class Method(Shape):
    """An assessment method of the plan, with its themes and criteria in the plan's order."""

    code: str
    name: str
    duration_minutes: int
    earliest_days_after_gateway: int
    min_notice_days: int
    sources: Annotated[FactSources, Field(validation_alias="fact_sources")]
    themes: list[Theme]
    criteria: list[Criterion]


class GradingTable(Shape):
    method_grades: list[str]
    overall_grades: list[str]
    #: each row: a grade for every method, by method code, and "overall"
    overall: Annotated[list[dict[str, str]], Field(validation_alias="grading_table")]


class AssessmentPlan(Shape):
    """The version's assessment plan; its facts are columns of the version's own row."""

    min_months_before_gateway: int
    max_months_before_gateway: int
    epa_period_months: int
    resit_within_months: int
    retake_within_months: int
    all_methods_within_months: int
    retry_grade_cap: str
    sources: Annotated[FactSources, Field(validation_alias="fact_sources")]
    methods: list[Method]
    grading: GradingTable


class CitedSource(Shape):
    """A source the plan's references cite."""

    # An address is left out where the source has none (as in the fixture).
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    code: Annotated[str, Field(description="How references cite it, such as S2")]
    description: str
    trust: Annotated[
        Literal[TRUST],
        Field(
            description="Who wrote it: the Institute (official), a training provider or EPAO, "
            "or an apprentice's own notes"
        ),
    ]
    address: Annotated[str | None, WithJsonSchema({"type": "string"}), LEFT_OUT] = Field(
        None, exclude_if=lambda address: address is None
    )


class Ksb(Shape):
    code: str
    kind: Literal[tuple(KINDS.values())]
    text: str


class PlanNote(Sourced):
    text: str


class VersionSummary(Shape):
    version: str
    earliest_start_date: date
    latest_start_date: date | None


class Standard(Shape):
    reference: str
    title: str
    level: int
    versions: list[VersionSummary]


def _of_standard(name: str):
    return Field(validation_alias=AliasPath("standard", name))


class Version(VersionSummary):
    """A version of a standard as the fixture describes it."""

    reference: Annotated[str, _of_standard("reference")]
    title: Annotated[str, _of_standard("title")]
    level: Annotated[int, _of_standard("level")]
    change: str
    sources: Annotated[
        list[CitedSource],
        _of_standard("sources"),
        Field(description="The sources that the plan's references cite"),
    ]
    plan_note: Annotated[
        PlanNote | None,
        Field(
            description="A note on the whole plan, such as a plan carried over from an earlier "
            "version until its revision is published; null when there is none"
        ),
    ]
    ksbs: Annotated[list[Ksb], _of_standard("ksbs")]
    plan: AssessmentPlan
