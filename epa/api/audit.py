"""The audit trail: who changed which record, when, what it was before and after, and why."""

from epa.api.contract import ADMIN, operation
from epa.audit.queries import audit_query
from epa.audit.schemas import AuditEvent, AuditQuery


@operation(
    "get",
    "/audit",
    roles=ADMIN,
    tag="Audit",
    query=AuditQuery,
    response=AuditEvent,
    page=True,
    errors={422: ["invalid_date"]},
)
def list_audit_events(query: AuditQuery):
    """Who changed which record, when, before and after, and why; newest first"""
    return audit_query(query)
