"""A standard, its duties and KSBs, and each version's assessment plan."""

from datetime import date

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from epa.extensions import db
from epa.rules.fixture_sources import SOURCES
from epa.rules.standard_fixture import CRITERION_GRADES, KINDS


def _part_of(table: str):
    """The id of the row of `table` this row belongs to, and is deleted with."""
    return mapped_column(ForeignKey(f"{table}.id", ondelete="CASCADE"))


def _code(length: int = 10):
    """The fixture's code for the row (K3, P1, discussion), unique within its parent."""
    return mapped_column(String(length))


def _one_of(column: str, values, name: str) -> CheckConstraint:
    words = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({words})", name=name)


duty_ksbs = Table(
    "duty_ksbs",
    db.metadata,
    Column("duty_id", ForeignKey("duties.id", ondelete="CASCADE"), primary_key=True),
    Column("ksb_id", ForeignKey("ksbs.id", ondelete="CASCADE"), primary_key=True),
)

criterion_ksbs = Table(
    "criterion_ksbs",
    db.metadata,
    Column("criterion_id", ForeignKey("criteria.id", ondelete="CASCADE"), primary_key=True),
    Column("ksb_id", ForeignKey("ksbs.id", ondelete="CASCADE"), primary_key=True),
)


class Standard(db.Model):
    __tablename__ = "standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the Institute's reference, such as ST0825
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[int]
    typical_duration_months: Mapped[int]
    #: the sources its plan's references cite: [{code, description, trust, address?}]
    sources: Mapped[list] = mapped_column(JSON, default=list)

    duties: Mapped[list["Duty"]] = relationship(
        back_populates="standard", order_by="Duty.position", cascade="all, delete-orphan"
    )
    ksbs: Mapped[list["Ksb"]] = relationship(
        back_populates="standard", order_by="Ksb.position", cascade="all, delete-orphan"
    )
    versions: Mapped[list["StandardVersion"]] = relationship(
        back_populates="standard",
        order_by="StandardVersion.earliest_start_date",
        cascade="all, delete-orphan",
    )


class Duty(db.Model):
    __tablename__ = "duties"
    __table_args__ = (UniqueConstraint("standard_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = _part_of("standards")
    code: Mapped[str] = _code()
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    standard: Mapped[Standard] = relationship(back_populates="duties")
    ksbs: Mapped[list["Ksb"]] = relationship(secondary=duty_ksbs, order_by="Ksb.position")


class Ksb(db.Model):
    """A knowledge, skill or behaviour statement."""

    __tablename__ = "ksbs"
    __table_args__ = (
        UniqueConstraint("standard_id", "code"),
        _one_of("kind", KINDS.values(), "kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = _part_of("standards")
    code: Mapped[str] = _code()
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    standard: Mapped[Standard] = relationship(back_populates="ksbs")


class StandardVersion(db.Model):
    """A version of a standard, open to apprentices starting inside its date window."""

    __tablename__ = "standard_versions"
    __table_args__ = (
        UniqueConstraint("standard_id", "version"),
        CheckConstraint(
            "latest_start_date IS NULL OR latest_start_date >= earliest_start_date",
            name="start_window_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = _part_of("standards")
    version: Mapped[str] = mapped_column(String(10))
    earliest_start_date: Mapped[date]
    #: null while the version is still open for new starts
    latest_start_date: Mapped[date | None]
    change: Mapped[str] = mapped_column(Text)
    min_months_before_gateway: Mapped[int]
    epa_period_months: Mapped[int]
    resit_within_months: Mapped[int]
    retake_within_months: Mapped[int]
    #: past this many months on programme a gateway still passes, with a warning
    max_months_before_gateway: Mapped[int]
    #: every method, retries included, is held within this many months of the first one held
    all_methods_within_months: Mapped[int]
    #: the highest overall EPA grade after a resit or retake without exceptional circumstances
    retry_grade_cap: Mapped[str] = mapped_column(String(20))
    #: the grades a method may be given, lowest first
    method_grades: Mapped[list] = mapped_column(JSON)
    #: the overall EPA grades, lowest first
    overall_grades: Mapped[list] = mapped_column(JSON)
    #: where each plan fact comes from: {"<fact>": {"source", "reference"}}
    fact_sources: Mapped[dict] = mapped_column(JSON)
    #: a sourced note on the whole plan ({"text", "source", "reference"}), such as a plan carried
    #: over from an earlier version until its revision is published; null when there is none
    plan_note: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))

    standard: Mapped[Standard] = relationship(back_populates="versions")
    methods: Mapped[list["AssessmentMethod"]] = relationship(
        back_populates="version", order_by="AssessmentMethod.position", cascade="all, delete-orphan"
    )
    grading_rows: Mapped[list["GradingRow"]] = relationship(
        back_populates="version", order_by="GradingRow.position", cascade="all, delete-orphan"
    )

    @property
    def plan(self) -> "StandardVersion":
        """The plan's facts are this row's own columns; the fixture (and so the API) groups
        them under `plan`, and the grading facts under `plan.grading`."""
        return self

    grading = plan

    @property
    def grading_table(self) -> list[dict[str, str]]:
        """The overall grading table as the fixture writes it: a row's method grades in the
        plan's order of methods, then its overall grade."""
        codes = [m.code for m in self.methods]
        return [
            {**{code: row.method_grades.get(code) for code in codes}, "overall": row.overall}
            for row in self.grading_rows
        ]


class AssessmentMethod(db.Model):
    __tablename__ = "assessment_methods"
    __table_args__ = (
        UniqueConstraint("version_id", "code"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _part_of("standard_versions")
    code: Mapped[str] = _code(40)
    name: Mapped[str] = mapped_column(String(200))
    duration_minutes: Mapped[int]
    earliest_days_after_gateway: Mapped[int]
    min_notice_days: Mapped[int]
    position: Mapped[int]
    #: the plan's themes in order: [{"name", "ksbs", "source", "reference", "ksbs_source",
    #: "ksbs_reference"}]; the KSB grouping has its own source, as it may be our reading
    themes: Mapped[list] = mapped_column(JSON)
    #: where each of the method's facts (name, duration, ...) comes from, as on the version
    fact_sources: Mapped[dict] = mapped_column(JSON)

    version: Mapped[StandardVersion] = relationship(back_populates="methods")
    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="method", order_by="Criterion.position", cascade="all, delete-orphan"
    )


class Criterion(db.Model):
    """One thing an assessor judges met or not met."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("method_id", "code"),
        _one_of("grade", CRITERION_GRADES, "grade_known"),
        _one_of("source", SOURCES, "source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    method_id: Mapped[int] = _part_of("assessment_methods")
    #: the plan's id for it (P1, D1, ...)
    code: Mapped[str] = _code()
    theme: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    #: "published" when `text` is a published source's words, "epao" when it is our own
    source: Mapped[str] = mapped_column(String(20))
    #: the published source, or why our own wording is used
    source_reference: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    method: Mapped[AssessmentMethod] = relationship(back_populates="criteria")
    ksbs: Mapped[list[Ksb]] = relationship(secondary=criterion_ksbs, order_by="Ksb.position")


class GradingRow(db.Model):
    """One row of the overall grading table: a grade per method and the overall grade."""

    __tablename__ = "grading_rows"
    __table_args__ = (UniqueConstraint("version_id", "combination"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = _part_of("standard_versions")
    #: the method grades in a canonical form ("discussion=pass;project=fail") for uniqueness
    combination: Mapped[str] = mapped_column(String(400))
    #: {"<method code>": grade, ...}
    method_grades: Mapped[dict] = mapped_column(JSON)
    overall: Mapped[str] = mapped_column(String(20))
    position: Mapped[int]

    version: Mapped[StandardVersion] = relationship(back_populates="grading_rows")
