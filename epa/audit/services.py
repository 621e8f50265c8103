"""Writing audit events in the same transaction as the change they describe."""

from datetime import date, datetime
from decimal import Decimal

from flask import g, has_app_context, has_request_context
from sqlalchemy import and_, false, insert, or_, select

from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.persistence import id_of


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def current_actor() -> tuple[int | None, str]:
    """The acting user's id and the channel: from the request, from the job a worker runs (as
    whoever started it, where they started it), or the command line."""
    if has_request_context() or (has_app_context() and g.get("job_id")):
        return (id_of(g.get("actor")), g.get("channel", "web"))
    return (None, "cli")


def _event(entity: str, entity_id, action: str, before, after, reason) -> dict:
    actor_id, channel = current_actor()
    return {
        "actor_id": actor_id,
        "channel": channel,
        "entity": entity,
        "entity_id": str(entity_id),
        "action": action,
        "before": _plain(before),
        "after": _plain(after),
        "reason": reason,
    }


def record(
    entity: str,
    entity_id,
    action: str,
    *,
    before: dict | None = None,
    after: dict | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's transaction commits it with the change."""
    event = AuditEvent(**_event(entity, entity_id, action, before, after, reason))
    db.session.add(event)
    return event


def record_many(entity: str, action: str, changed: list[tuple[object, dict]]) -> None:
    """Write the events `record` would add for many records, (id, after) each, in one insert
    in the caller's transaction."""
    if changed:
        db.session.execute(
            insert(AuditEvent.__table__),
            [_event(entity, entity_id, action, None, after, None) for entity_id, after in changed],
        )


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return ({k: before.get(k) for k in keys}, {k: after[k] for k in keys})


def events_about(records: dict[str, list[int]]):
    """A query of the audit events about these records ({entity: [ids]}), oldest first."""
    about = [
        and_(AuditEvent.entity == entity, AuditEvent.entity_id.in_([str(i) for i in ids]))
        for entity, ids in records.items()
        if ids
    ]
    return (
        select(AuditEvent)
        .where(or_(*about) if about else false())
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
