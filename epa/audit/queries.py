"""Finding audit events by record, user and London date, for the API and the audit page."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from epa import validation
from epa.audit.models import AuditEvent
from epa.clock import LONDON

#: every record type the services write events for, as the API names them
ENTITIES = (
    "apprentice",
    "gateway_attempt",
    "assessment",
    "result",
    "outcome",
    "user",
    "employer",
    "provider",
    "standard",
    "api_token",
    "assessor_conflict",
    "unavailability",
)
#: the query-string filters, in the order a reply names their problems
FILTERS = ("entity", "entity_id", "user_id", "from", "to")


def audit_query(args) -> Select:
    """Events filtered by `entity`, `entity_id`, `user_id` and London dates, newest first.

    Refuses every unreadable filter at once (422), naming each; blank filters are ignored.
    """
    problems = validation.Problems()
    query = select(AuditEvent).options(selectinload(AuditEvent.actor))
    entity = args.get("entity")
    if entity:
        if entity in ENTITIES:
            query = query.where(AuditEvent.entity == entity)
        else:
            problems.add("entity", f"The record type must be one of: {', '.join(ENTITIES)}")
    entity_id = validation.text(
        args, "entity_id", "record id", problems, required=False, max_length=64
    )
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    if args.get("user_id"):
        user_id = validation.record_id(args, "user_id", "user", problems)
        if user_id is not None:
            query = query.where(AuditEvent.actor_id == user_id)
    start = validation.a_date(args, "from", "from date", problems, required=False)
    end = validation.a_date(args, "to", "to date", problems, required=False)
    if start and end and start > end and "to" not in problems.fields:
        problems.add("to", "The to date must be the same as or after the from date")
    problems.raise_if_any()
    if start:
        query = query.where(AuditEvent.occurred_at >= _london_midnight(start))
    if end:
        query = query.where(AuditEvent.occurred_at < _london_midnight(end + timedelta(days=1)))
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def _london_midnight(day: date) -> datetime:
    # Clocks change at 01:00 and 02:00, so London midnight always exists exactly once.
    return datetime.combine(day, time(0), LONDON)


def event_public(event: AuditEvent) -> dict:
    """One event as the API returns it: who changed what, when, before and after, and why."""
    actor = event.actor
    return {
        "id": event.id,
        "occurred_at": event.occurred_at.astimezone(LONDON).isoformat(),
        "entity": event.entity,
        "entity_id": event.entity_id,
        "action": event.action,
        "actor": {"id": actor.id, "name": actor.name} if actor else None,
        "channel": event.channel,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }
