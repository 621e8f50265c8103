"""An assessor's result for one assessment, and an apprentice's signed-off outcome."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from epa import clock
from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.grading.grades import METHOD_GRADES, Grade
from epa.scheduling.models import Assessment
from epa.types import UTCDateTime


class Result(db.Model):
    __tablename__ = "results"
    __table_args__ = (
        CheckConstraint(
            f"method_grade IS NULL OR method_grade IN {Grade.sql_list(METHOD_GRADES)}",
            name="grade_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), unique=True)
    #: {"<criterion id>": true | false}: met or not met, criterion by criterion
    judgements: Mapped[dict] = mapped_column(JSON, default=dict)
    comments: Mapped[str | None] = mapped_column(Text)
    #: set on submission: the grade the judgements give, as judged (the retry cap applies to
    #: the overall grade, not to this)
    method_grade: Mapped[str | None] = mapped_column(String(20))
    is_submitted: Mapped[bool] = mapped_column(default=False)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the London date of submission; resit and retake windows count from it
    submitted_on: Mapped[date | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: set on submission: the method's criteria as they stood, each as the fixture gives it
    #: ({id, theme, ksbs, grade, text, source, reference}), because a later load of the standard
    #: rewrites criteria in place by id and the judgements must keep pointing at what was judged;
    #: null for a draft, which is judged against today's criteria
    criteria_judged: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    assessment: Mapped[Assessment] = relationship(backref=backref("result", uselist=False))


#: What a list needs of each result: whether it is submitted. The judgements and the criteria
#: as judged are JSON documents of several kilobytes, read only where one result is shown;
#: decoding them for a diary's 200 rows was a third of its time.
RESULT_STANDING = (Result.id, Result.assessment_id, Result.is_submitted)


class Outcome(db.Model):
    """The quality-assurance sign-off of an apprentice's overall grade."""

    __tablename__ = "outcomes"
    __table_args__ = (
        CheckConstraint(
            f"overall_grade IS NULL OR overall_grade IN {Grade.sql_list()}",
            name="overall_grade_known",
        ),
        UniqueConstraint("apprentice_id", "epa_round"),
        # the start page's chart reads a year of confirmed outcomes by EPA date
        Index("ix_outcomes_epa_date", "epa_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    apprentice_id: Mapped[int] = mapped_column(ForeignKey("apprentices.id"))
    #: the EPA it is the outcome of: a restart begins another, and this one stays on record
    epa_round: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    #: as confirmed; null while not confirmed
    overall_grade: Mapped[str | None] = mapped_column(String(20))
    #: what the grading table gave before the retry cap, and why the cap lowered it (null when
    #: it did not), kept as confirmed so a later change of rule cannot rewrite a sign-off
    uncapped_grade: Mapped[str | None] = mapped_column(String(20))
    cap_reason: Mapped[str | None] = mapped_column(Text)
    #: the London date of the last assessment
    epa_date: Mapped[date | None]
    #: the same date, for a pass or better
    achievement_date: Mapped[date | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    apprentice: Mapped[Apprentice] = relationship()
    confirmed_by: Mapped[User | None] = relationship()
