"""The audit trail: who changed which record, when, what it was before and after, and why."""

from flask import jsonify, request

from epa.api import bp
from epa.api.auth import roles
from epa.api.requests import paginate
from epa.audit.queries import audit_query, event_public


@bp.get("/audit")
@roles("admin")
def list_audit_events():
    """Audit events, newest first, filtered by record, user and London dates."""
    return jsonify(paginate(audit_query(request.args), event_public))
