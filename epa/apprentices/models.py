"""The apprentice record."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from epa import clock
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.pagination import keep_tally
from epa.standards.models import Standard, StandardVersion
from epa.types import UTCDateTime


class ApprenticeStatus(enum.StrEnum):
    """Where an apprentice is: registered, then through gateway into EPA (on the first booking)
    to completed (outcome confirmed); withdrawn from any but completed."""

    REGISTERED = "registered"
    GATEWAY_PASSED = "gateway_passed"
    IN_EPA = "in_epa"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


STATUSES = tuple(ApprenticeStatus)
STATUS_LABELS = {
    ApprenticeStatus.REGISTERED: "Registered",
    ApprenticeStatus.GATEWAY_PASSED: "Gateway passed",
    ApprenticeStatus.IN_EPA: "In EPA",
    ApprenticeStatus.COMPLETED: "Completed",
    ApprenticeStatus.WITHDRAWN: "Withdrawn",
}


class Apprentice(db.Model):
    __tablename__ = "apprentices"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(str(status)) for status in ApprenticeStatus)})",
            name="status_known",
        ),
        CheckConstraint("length(uln) = 10", name="uln_ten_digits"),
        CheckConstraint("epa_round >= 1", name="epa_round_positive"),
        # One registration per ULN and standard; the temporary ULN may be shared.
        Index(
            "uq_apprentices_standard_id_uln",
            "standard_id",
            "uln",
            unique=True,
            sqlite_where=text("uln <> '9999999999'"),
            postgresql_where=text("uln <> '9999999999'"),
        ),
        # The lists' order: a page deep in 100,000 apprentices reads the index, not a sort.
        Index("ix_apprentices_name_order", "family_name", "given_names", "id"),
        Index("ix_apprentices_status", "status"),
        # Name search finds words anywhere in the name: PostgreSQL's trigrams find them without
        # reading every name (on SQLite, which has none, a plain index of the same name).
        Index(
            "ix_apprentices_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
        # The start pages' counts and the lists behind them, read in deadline order.
        Index(
            "ix_apprentices_unbooked_order",
            "epa_deadline",
            "family_name",
            "given_names",
            "id",
            sqlite_where=text("method_unbooked"),
            postgresql_where=text("method_unbooked"),
        ),
        Index(
            "ix_apprentices_provisional",
            "id",
            sqlite_where=text("outcome_provisional"),
            postgresql_where=text("outcome_provisional"),
        ),
        Index("ix_apprentices_uln", "uln"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: unique learner number; 9999999999 while the real one is awaited
    uln: Mapped[str] = mapped_column(String(10))
    given_names: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    #: given and family names case-folded, for search that ignores case in any alphabet
    search_name: Mapped[str] = mapped_column(String(201))
    date_of_birth: Mapped[date]
    #: for assessment invitations; optional
    email: Mapped[str | None] = mapped_column(String(254))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"))
    #: chosen by the start date; re-chosen when the start date changes
    version_id: Mapped[int] = mapped_column(ForeignKey("standard_versions.id"), index=True)
    start_date: Mapped[date]
    #: an education, health and care plan, legacy statement or equivalent assessment
    ehc_plan: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=ApprenticeStatus.REGISTERED)
    #: set by the passed gateway attempt
    gateway_date: Mapped[date | None]
    epa_deadline: Mapped[date | None]
    #: which EPA counts: 1, then one more each time an administrator restarts the whole EPA;
    #: assessments of earlier rounds stay on record but no longer count
    epa_round: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    #: the London date of the last restart, which began the current EPA period; null while the
    #: first EPA, begun at gateway, is the current one
    epa_restarted_on: Mapped[date | None]
    #: kept by epa.dashboard.standing: a method of the current EPA's plan has no booking
    method_unbooked: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: kept by epa.dashboard.standing: the current EPA's outcome is provisional
    outcome_provisional: Mapped[bool] = mapped_column(default=False, server_default=false())
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set when `epa purge` replaced the personal data at the end of the retention period
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    employer: Mapped[Employer] = relationship()
    provider: Mapped[Provider] = relationship()
    standard: Mapped[Standard] = relationship()
    version: Mapped[StandardVersion] = relationship()

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}"

    # Hybrids, so that a list can read them as columns (epa.shape_columns).
    @hybrid_property
    def anonymised(self) -> bool:
        return self.anonymised_at is not None

    @anonymised.inplace.expression
    @classmethod
    def _anonymised(cls):
        return cls.anonymised_at.is_not(None)

    @hybrid_property
    def epa_started_on(self) -> date | None:
        """The first day of the current EPA period: the gateway date, or the last restart's."""
        return self.epa_restarted_on or self.gateway_date

    @epa_started_on.inplace.expression
    @classmethod
    def _epa_started_on(cls):
        return func.coalesce(cls.epa_restarted_on, cls.gateway_date)


class ApprenticeTally(db.Model):
    """How many apprentices there are: the sum of `n` over these rows, kept by the database's
    own triggers on `apprentices` (migration 0020), which add what each statement inserts and
    take away what it deletes. Every writer keeps it right (the ORM, bulk and COPY inserts, an
    import, a hand-written DELETE), so the whole list's exact total costs a row or two instead
    of reading 100,000.

    PostgreSQL's triggers write one row per statement and fold in whatever rows no other
    transaction holds, so writers never wait on one another for the tally; SQLite (one writer at
    a time) keeps a single row."""

    __tablename__ = "apprentice_tally"

    id: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger)


keep_tally(Apprentice.__table__, ApprenticeTally.__table__)
