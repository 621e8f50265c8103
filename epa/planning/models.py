"""Plans the cohort planner proposed: kept so staff can review one, drop rows, then book it."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from epa import clock
from epa.apprentices.models import Apprentice
from epa.auth.models import User
from epa.extensions import db
from epa.scheduling.models import Assessment
from epa.standards.models import AssessmentMethod
from epa.types import UTCDateTime


class PlanStatus(StrEnum):
    PROPOSED = "proposed"
    BOOKED = "booked"


class Plan(db.Model):
    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("status IN ('proposed', 'booked')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.PROPOSED)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    #: the London dates the plan was asked to fill
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: how the solver ended: optimal, feasible (the time limit came first) or greedy
    solver_status: Mapped[str] = mapped_column(String(20))
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    items: Mapped[list["PlanItem"]] = relationship(
        order_by="PlanItem.position", cascade="all, delete-orphan", back_populates="plan"
    )
    unplaced: Mapped[list["PlanUnplaced"]] = relationship(
        order_by="PlanUnplaced.id", cascade="all, delete-orphan"
    )


class PlanItem(db.Model):
    """One booking the plan proposes; `position` is its index for good, even after others are
    dropped, so dropping a row twice cannot drop another."""

    __tablename__ = "plan_items"
    __table_args__ = (UniqueConstraint("plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    position: Mapped[int]
    apprentice_id: Mapped[int] = mapped_column(ForeignKey("apprentices.id"))
    method_id: Mapped[int] = mapped_column(ForeignKey("assessment_methods.id"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the booking made from it, once the plan is booked
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))

    plan: Mapped[Plan] = relationship(back_populates="items")
    apprentice: Mapped[Apprentice] = relationship()
    method: Mapped[AssessmentMethod] = relationship()
    assessor: Mapped[User] = relationship()
    assessment: Mapped[Assessment | None] = relationship()


class PlanUnplaced(db.Model):
    """A method the plan could not place, and the booking refusal (or no_slot) that says why."""

    __tablename__ = "plan_unplaced"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    apprentice_id: Mapped[int] = mapped_column(ForeignKey("apprentices.id"))
    method_id: Mapped[int] = mapped_column(ForeignKey("assessment_methods.id"))
    code: Mapped[str] = mapped_column(String(40))

    apprentice: Mapped[Apprentice] = relationship()
    method: Mapped[AssessmentMethod] = relationship()
