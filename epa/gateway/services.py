"""Recording gateway attempts: the rules decide, every attempt is kept."""

from functools import partial

from sqlalchemy import select

from epa import clock
from epa.apprentices.models import Apprentice, ApprenticeStatus
from epa.apprentices.services import mark_gateway_passed
from epa.audit.services import current_actor, record
from epa.errors import ServiceError
from epa.extensions import db
from epa.gateway.models import GatewayAttempt
from epa.gateway.schemas import GatewayAttempt as GatewayAttemptView
from epa.gateway.schemas import GatewayAttemptNew
from epa.rules.gateway import GatewayEvidence, Learner, PlanTerms, gateway_decision
from epa.shapes import Problems


def _already_passed() -> ServiceError:
    return ServiceError(
        "gateway_already_passed",
        "This apprentice has already passed gateway.",
        status=409,
    )


def _refuse_now(apprentice: Apprentice) -> None:
    """Only a registered apprentice goes through gateway."""
    if apprentice.status == ApprenticeStatus.WITHDRAWN:
        raise ServiceError(
            "apprentice_withdrawn",
            "This apprentice has been withdrawn; gateway cannot be recorded.",
        )
    if apprentice.status != ApprenticeStatus.REGISTERED:
        raise _already_passed()


def _check_gateway_date(apprentice: Apprentice, values: dict, problems: Problems) -> None:
    gateway_date = values.get("gateway_date")
    if gateway_date and gateway_date > clock.today():
        problems.add("gateway_date", "The gateway date cannot be in the future", "invalid_date")
    elif gateway_date and gateway_date < apprentice.start_date:
        problems.add(
            "gateway_date", "The gateway date must be on or after the start date", "invalid_date"
        )


def read_attempt(apprentice: Apprentice, data) -> GatewayAttemptNew:
    """The evidence sent, or every problem with it at once; an apprentice who is not waiting
    for gateway is refused before anything sent is read."""
    _refuse_now(apprentice)
    return GatewayAttemptNew.read_checked(data, partial(_check_gateway_date, apprentice))


def record_gateway(apprentice: Apprentice, attempt_new: GatewayAttemptNew) -> GatewayAttempt:
    """Check the evidence against the version's plan and keep the attempt, passed or not."""
    _refuse_now(apprentice)
    problems = Problems()
    _check_gateway_date(apprentice, dict(attempt_new), problems)
    problems.raise_if_any()
    evidence = GatewayEvidence(**dict(attempt_new))
    version = apprentice.version
    decision = gateway_decision(
        Learner(apprentice.date_of_birth, apprentice.start_date, apprentice.ehc_plan),
        evidence,
        PlanTerms(
            min_months_before_gateway=version.min_months_before_gateway,
            epa_period_months=version.epa_period_months,
            max_months_before_gateway=version.max_months_before_gateway,
        ),
    )
    if decision.passed and not mark_gateway_passed(
        apprentice, evidence.gateway_date, decision.epa_deadline
    ):
        raise _already_passed()  # a simultaneous request passed it first
    attempt = GatewayAttempt(
        apprentice=apprentice,
        **dict(attempt_new),
        passed=decision.passed,
        reasons=list(decision.reasons),
        warnings=list(decision.warnings),
        epa_deadline=decision.epa_deadline,
        recorded_by_id=current_actor()[0],
    )
    db.session.add(attempt)
    db.session.flush()
    record(
        "gateway_attempt",
        attempt.id,
        "create",
        after={**GatewayAttemptView.of(attempt), "apprentice_id": apprentice.id},
    )
    if decision.passed:
        record(
            "apprentice",
            apprentice.id,
            "gateway_passed",
            before={"status": ApprenticeStatus.REGISTERED},
            after={
                "status": ApprenticeStatus.GATEWAY_PASSED,
                "gateway_date": evidence.gateway_date,
                "epa_deadline": decision.epa_deadline,
            },
        )
    return attempt


def attempts_query(apprentice: Apprentice):
    """Every attempt, newest first."""
    return (
        select(GatewayAttempt)
        .where(GatewayAttempt.apprentice_id == apprentice.id)
        .order_by(GatewayAttempt.gateway_date.desc(), GatewayAttempt.id.desc())
    )


def attempts_for(apprentice: Apprentice) -> list[GatewayAttempt]:
    return list(db.session.scalars(attempts_query(apprentice)))
