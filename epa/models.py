"""Every model, imported in one place so the metadata (and alembic) sees them all."""

from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.auth.models import ApiToken, SignInFailure, User
from epa.gateway.models import GatewayAttempt
from epa.grading.models import Outcome, Result
from epa.jobs.models import Job
from epa.mail.models import OutboxMessage
from epa.organisations.models import Employer, Provider
from epa.planning.models import Plan, PlanItem, PlanUnplaced
from epa.reminders.models import Notice
from epa.scheduling.models import Assessment, AssessorConflict, AssessorPattern, Unavailability
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
    "Assessment",
    "AssessorConflict",
    "AssessorPattern",
    "Apprentice",
    "AssessmentMethod",
    "AuditEvent",
    "Criterion",
    "Duty",
    "Employer",
    "GatewayAttempt",
    "GradingRow",
    "Job",
    "Ksb",
    "Notice",
    "Outcome",
    "OutboxMessage",
    "Plan",
    "PlanItem",
    "PlanUnplaced",
    "Provider",
    "Result",
    "SignInFailure",
    "Standard",
    "StandardVersion",
    "Unavailability",
    "User",
]
