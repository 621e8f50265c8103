"""Every model, imported in one place so the metadata (and alembic) sees them all."""

from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.auth.models import ApiToken, SignInFailure, User
from epa.gateway.models import GatewayAttempt
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
    "Apprentice",
    "AssessmentMethod",
    "AuditEvent",
    "Criterion",
    "Duty",
    "Employer",
    "GatewayAttempt",
    "GradingRow",
    "Ksb",
    "Provider",
    "SignInFailure",
    "Standard",
    "StandardVersion",
    "User",
]
