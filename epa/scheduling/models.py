"""Booked assessments, assessors' declared conflicts of interest, and their unavailability."""

from datetime import datetime, time
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from epa import clock
from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.rules.patterns import WorkingPattern
from epa.standards.models import AssessmentMethod
from epa.types import UTCDateTime


class AssessmentStatus(StrEnum):
    """Where a booking stands; a cancelled one stays on record, with its reason."""

    BOOKED = "booked"
    CANCELLED = "cancelled"


class RetryKind(StrEnum):
    """A second sitting after a submitted fail: a resit (no further learning) or a retake."""

    RESIT = "resit"
    RETAKE = "retake"


def _one_of(column: str, words: type[StrEnum]) -> str:
    """SQL: the column holds one of the words (written as the migrations wrote it)."""
    return f"{column} IN ({', '.join(repr(str(word)) for word in words)})"


class Assessment(db.Model):
    """One booked sitting of an assessment method."""

    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint(_one_of("status", AssessmentStatus), name="status_known"),
        CheckConstraint(f"retry IS NULL OR {_one_of('retry', RetryKind)}", name="retry_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("epa_round >= 1", name="epa_round_positive"),
        Index("ix_assessments_assessor_id_starts_at", "assessor_id", "starts_at"),
        Index("ix_assessments_apprentice_id_starts_at", "apprentice_id", "starts_at"),
        Index("ix_assessments_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    apprentice_id: Mapped[int] = mapped_column(ForeignKey("apprentices.id"))
    method_id: Mapped[int] = mapped_column(ForeignKey("assessment_methods.id"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: starts_at plus the method's duration
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    location: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default=AssessmentStatus.BOOKED)
    #: the apprentice's EPA round it was booked in; only the current round's assessments count
    #: (see `in_current_epa`)
    epa_round: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    #: counts sittings of this method in its EPA round, cancelled ones excluded (a restarted EPA
    #: starts again at 1)
    attempt: Mapped[int] = mapped_column(default=1)
    #: null for a first attempt; resit or retake for a second
    retry: Mapped[str | None] = mapped_column(String(10))
    #: recorded by an administrator: lifts the grade cap on a retry
    exceptional_circumstances: Mapped[bool] = mapped_column(default=False)
    #: recorded after it was held (moving from another system)
    is_backdated: Mapped[bool] = mapped_column(default=False)
    #: rises with every change, so calendars replace the event they hold
    sequence: Mapped[int] = mapped_column(default=0)
    #: fixed at creation: calendars recognise the booking by it for its whole life
    calendar_uid: Mapped[str] = mapped_column(String(100), unique=True)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    apprentice: Mapped[Apprentice] = relationship()
    method: Mapped[AssessmentMethod] = relationship()
    assessor: Mapped[User] = relationship()

    @property
    def is_counted(self) -> bool:
        """Whether it belongs to the apprentice's current EPA (a restart leaves it on record)."""
        return self.epa_round == self.apprentice.epa_round


def in_current_epa(apprentice=Apprentice):
    """SQL: the assessment belongs to the apprentice's current EPA. Give an apprentice to compare
    with its round, or none to correlate with `Apprentice` in the enclosing query."""
    return Assessment.epa_round == apprentice.epa_round


class AssessorConflict(db.Model):
    """An organisation an assessor may not assess the apprentices of (independence)."""

    __tablename__ = "assessor_conflicts"
    __table_args__ = (
        CheckConstraint("(employer_id IS NULL) <> (provider_id IS NULL)", name="one_organisation"),
        UniqueConstraint("assessor_id", "employer_id"),
        UniqueConstraint("assessor_id", "provider_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    employer: Mapped[Employer | None] = relationship()
    provider: Mapped[Provider | None] = relationship()

    @property
    def organisation_name(self) -> str:
        """The name of the employer or provider the conflict is with."""
        return (self.employer or self.provider).name


class Unavailability(db.Model):
    """A time an assessor cannot be booked."""

    __tablename__ = "unavailability"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_unavailability_assessor_id_starts_at", "assessor_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class AssessorPattern(db.Model):
    """When an assessor works and how many assessments they take a day; an assessor without
    one works the default (`rules.patterns.WorkingPattern`)."""

    __tablename__ = "assessor_patterns"
    __table_args__ = (
        CheckConstraint("weekday_mask BETWEEN 1 AND 127", name="some_weekday"),
        CheckConstraint(
            "starts_minute >= 480 AND ends_minute <= 1080 AND starts_minute < ends_minute",
            name="within_the_service_day",
        ),
        CheckConstraint("max_per_day BETWEEN 1 AND 10", name="max_per_day_range"),
    )

    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    #: bit n set when the assessor works weekday n (Monday = 0)
    weekday_mask: Mapped[int]
    #: minutes after London midnight
    starts_minute: Mapped[int]
    ends_minute: Mapped[int]
    max_per_day: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    @property
    def pattern(self) -> WorkingPattern:
        return WorkingPattern(
            weekdays=frozenset(day for day in range(7) if self.weekday_mask >> day & 1),
            starts=time(*divmod(self.starts_minute, 60)),
            ends=time(*divmod(self.ends_minute, 60)),
            max_per_day=self.max_per_day,
        )

    def keep(self, pattern: WorkingPattern) -> None:
        self.weekday_mask = sum(1 << day for day in pattern.weekdays)
        self.starts_minute = pattern.starts.hour * 60 + pattern.starts.minute
        self.ends_minute = pattern.ends.hour * 60 + pattern.ends.minute
        self.max_per_day = pattern.max_per_day
