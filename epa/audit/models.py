"""The audit event model."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from epa import clock
from epa.auth.models import User
from epa.extensions import db
from epa.types import UTCDateTime


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
        Index("ix_audit_events_actor_id", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: when the change was made (UTC)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    #: the signed-in user or token owner; null for the command line
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: how the change arrived: "web", "api" or "cli"
    channel: Mapped[str] = mapped_column(String(10))
    #: the record type in snake case, as the API names it (`apprentice`, `user`, ...)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    #: what happened: `create`, `update`, `delete`, or a named action such as `withdraw`
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)

    #: read-only: events are written through `actor_id` (see `epa.audit.services.record`)
    actor: Mapped[User | None] = relationship(viewonly=True)
