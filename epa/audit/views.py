"""The audit page: administrators see who changed which record, when, and what changed."""

import json

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from epa.audit.models import AuditEvent
from epa.audit.queries import audit_query
from epa.audit.schemas import ENTITIES, AuditQuery
from epa.auth.decorators import roles_required
from epa.auth.models import User
from epa.clock import LONDON
from epa.errors import ServiceError
from epa.extensions import db
from epa.pagination import fetch_page, page_count, page_from_args

bp = Blueprint("audit", __name__, url_prefix="/audit")
#: the filters, by their names in the query string (as the API names them)
FILTERS = ("entity", "entity_id", "user_id", "from", "to")
PER_PAGE = 25
ROLE_LABELS = {"admin": "Administrator", "staff": "Operations staff", "assessor": "Assessor"}
ENTITY_LABELS = {entity: entity.replace("_", " ").capitalize() for entity in ENTITIES} | {
    "api_token": "API token",
    "assessor_conflict": "Assessor conflict of interest",
    "unavailability": "Assessor unavailability",
}


@bp.get("")
@roles_required("admin")
def index():
    """Audit events, newest first, filtered by record, user and date, a page at a time."""
    filters = {name: request.args.get(name, "").strip() for name in FILTERS}
    users = db.session.scalars(select(User).order_by(User.name, User.id)).all()
    page = page_from_args(request.args)
    shown = {"filters": filters, "users": users, "entities": ENTITY_LABELS}
    try:
        query = audit_query(AuditQuery.read(filters))
    except ServiceError as error:
        return render_template(
            "audit/index.html", **shown, errors=error.fields, events=[], total=0, page=1, pages=1
        ), 422
    events, total = fetch_page(query, page, PER_PAGE)
    pages = page_count(total, PER_PAGE)
    if page > pages:
        kept = {name: value for name, value in filters.items() if value}
        return redirect(url_for("audit.index", **kept, page=pages))
    return render_template(
        "audit/index.html",
        **shown,
        errors={},
        events=[event_view(event) for event in events],
        total=total,
        page=page,
        pages=pages,
    )


def event_view(event: AuditEvent) -> dict:
    """What the page shows of one event; every value is plain text for the template to escape."""
    return {
        "when": london_when(event),
        "who": who(event),
        "what": f"{ENTITY_LABELS.get(event.entity, event.entity)} {event.entity_id}: "
        + event.action.replace("_", " "),
        "link": record_link(event.entity, event.entity_id),
        "reason": event.reason,
        "changes": changed_fields(event.before, event.after),
    }


def london_when(event: AuditEvent) -> str:
    """Thursday 26 November 2026, 09:05 (London time)."""
    local = event.occurred_at.astimezone(LONDON)
    return f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M}"


def who(event: AuditEvent) -> str:
    """The actor's name and role, and how the change arrived when not through these pages."""
    if event.actor is not None:
        name = f"{event.actor.name} ({ROLE_LABELS.get(event.actor.role, event.actor.role)})"
        return f"{name}, through the API" if event.channel == "api" else name
    if event.channel == "cli":
        return "Command line"
    return "A user who has since been removed"


def record_link(entity: str, entity_id: str) -> dict | None:
    """The page of the record, for the record types that have one."""
    if entity == "apprentice" and entity_id.isascii() and entity_id.isdigit():
        href = url_for("apprentices.detail", apprentice_id=int(entity_id))
        return {"href": href, "text": "View apprentice"}
    return None


def changed_fields(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(field, before, after) for every field the event recorded, in after's order first."""
    before, after = before or {}, after or {}
    fields = [*after, *(field for field in before if field not in after)]
    return [(str(field), _text(before, field), _text(after, field)) for field in fields]


def _text(values: dict, field) -> str:
    if field not in values:
        return ""
    value = values[field]
    if value is None:
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
