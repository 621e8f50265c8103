"""The audit page: administrators see who changed which record, when, and what changed."""

import json

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import select

from epa.audit.forms import AuditDatesForm
from epa.audit.models import AuditEvent
from epa.audit.queries import audit_query
from epa.audit.schemas import ENTITIES, AuditQuery
from epa.auth.decorators import roles_required
from epa.auth.models import User
from epa.clock import LONDON
from epa.errors import ServiceError
from epa.extensions import db
from epa.pagination import fetch_list_page, page_count, page_from_args

bp = Blueprint("audit", __name__, url_prefix="/audit")
#: the filters, by their names in the query string (as the API names them)
FILTERS = ("entity", "entity_id", "user_id", "from", "to")
PER_PAGE = 25
ROLE_LABELS = {"admin": "Administrator", "staff": "Operations staff", "assessor": "Assessor"}
ENTITY_LABELS = {entity: entity.replace("_", " ").capitalize() for entity in ENTITIES} | {
    "api_token": "API token",
    "assessor_conflict": "Assessor conflict of interest",
    "unavailability": "Assessor unavailability",
    "assessor_pattern": "Assessor working pattern",
}


@bp.get("")
@roles_required("admin")
def index():
    """Audit events, newest first, filtered by record, user and date, a page at a time."""
    filters = {name: request.args.get(name, "").strip() for name in FILTERS}
    dates = AuditDatesForm(request.args)
    dates.validate()
    filters.update(dates.iso())  # a date the boxes cannot make is left blank here
    users = db.session.scalars(select(User).order_by(User.name, User.id)).all()
    page = page_from_args(request.args)
    shown = {"filters": filters, "dates": dates, "users": users, "entities": ENTITY_LABELS}
    errors = {}
    try:
        query = audit_query(AuditQuery.read(filters))
    except ServiceError as error:
        errors = _place_refusal(dates, error)
    if dates.errors or errors:
        return render_template(
            "audit/index.html", **shown, errors=errors, events=[], total=0, page=1, pages=1
        ), 422
    kept = {name: value for name, value in filters.items() if value}
    if _sent_as_boxes():
        return redirect(url_for("audit.index", **kept))
    events, total = fetch_list_page(query, page, PER_PAGE)
    pages = page_count(total, PER_PAGE)
    if page > pages:
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


def _sent_as_boxes() -> bool:
    """Whether a date came as three boxes: the page's address then says it as YYYY-MM-DD."""
    return any(len(request.args.getlist(name)) > 1 for name in AuditDatesForm.FIELDS)


def _place_refusal(dates: AuditDatesForm, error: ServiceError) -> dict[str, str]:
    """Put the refusal's date problems beside the date boxes; the other filters' problems, by
    filter name, for the page to show beside theirs."""
    errors = {}
    for name, text in (error.fields or {"": error.message}).items():
        if name in dates.FIELDS:
            field = dates[dates.FIELDS[name]]
            field.errors = [*field.errors, text]
        else:
            errors[name] = text
    return errors


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
