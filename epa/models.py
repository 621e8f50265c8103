"""Every model, imported in one place so the metadata (and alembic) sees them all."""

from epa.audit.models import AuditEvent
from epa.auth.models import ApiToken, User
from epa.organisations.models import Employer, Provider
from epa.standards.models import (
    AssessmentMethod,
    Criterion,
    Duty,
    GradingRow,
    Ksb,
    Standard,
    StandardVersion,
)

__all__ = [
    "ApiToken",
    "AssessmentMethod",
    "AuditEvent",
    "Criterion",
    "Duty",
    "Employer",
    "GradingRow",
    "Ksb",
    "Provider",
    "Standard",
    "StandardVersion",
    "User",
]
