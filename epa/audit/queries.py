"""Finding audit events by record, user and London date, for the API and the audit page."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from epa.audit.models import AuditEvent
from epa.audit.schemas import AuditQuery
from epa.clock import LONDON


def audit_query(query: AuditQuery) -> Select:
    """Events filtered by record type and id, the user who made them and London dates, newest
    first; each filter left out filters nothing."""
    found = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if query.entity:
        found = found.where(AuditEvent.entity == query.entity)
    if query.entity_id:
        found = found.where(AuditEvent.entity_id == query.entity_id)
    if query.user_id is not None:
        found = found.where(AuditEvent.actor_id == query.user_id)
    if query.from_:
        found = found.where(AuditEvent.occurred_at >= _london_midnight(query.from_))
    if query.to:
        found = found.where(AuditEvent.occurred_at < _london_midnight(query.to + timedelta(days=1)))
    return found.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def _london_midnight(day: date) -> datetime:
    # Clocks change at 01:00 and 02:00, so London midnight always exists exactly once.
    return datetime.combine(day, time(0), LONDON)
