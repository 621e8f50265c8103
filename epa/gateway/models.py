"""Every gateway attempt, passed or not, with its evidence and reasons."""

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from epa import clock
from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.rules.gateway import LEVELS
from epa.types import UTCDateTime

_LEVEL_CHECK = f"IN ({', '.join(repr(level) for level in LEVELS)})"


class GatewayAttempt(db.Model):
    __tablename__ = "gateway_attempts"
    __table_args__ = (
        CheckConstraint(f"english {_LEVEL_CHECK}", name="english_level_known"),
        CheckConstraint(f"maths {_LEVEL_CHECK}", name="maths_level_known"),
        Index("ix_gateway_attempts_apprentice_id", "apprentice_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    apprentice_id: Mapped[int] = mapped_column(ForeignKey("apprentices.id", ondelete="CASCADE"))
    gateway_date: Mapped[date]
    #: the highest level held: none, entry3, level1 or level2 (level 2 or above)
    english: Mapped[str] = mapped_column(String(10))
    maths: Mapped[str] = mapped_column(String(10))
    #: a British Sign Language qualification, held in place of English
    bsl: Mapped[bool]
    employer_confirmed: Mapped[bool]
    # The server defaults fill the rows recorded before these columns existed.
    provider_confirmed: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: the project summary with its high-level plan and timelines
    project_summary_submitted: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: still recorded and shown, but no longer a gateway requirement
    portfolio_submitted: Mapped[bool]
    passed: Mapped[bool]
    #: the reason codes, in the rules' order; empty when passed
    reasons: Mapped[list] = mapped_column(JSON)
    #: warning codes (long_time_on_programme): noted, not failed on
    warnings: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    epa_deadline: Mapped[date | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    apprentice: Mapped[Apprentice] = relationship()
    recorded_by: Mapped[User | None] = relationship()
