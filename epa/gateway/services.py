"""Recording gateway attempts: the rules decide, every attempt is kept."""

from sqlalchemy import select

from epa import clock, validation
from epa.apprentices.models import Apprentice
from epa.apprentices.services import mark_gateway_passed
from epa.audit.services import current_actor, record
from epa.errors import ServiceError
from epa.extensions import db
from epa.gateway.models import GatewayAttempt
from epa.rules.gateway import LEVELS, GatewayEvidence, Learner, PlanTerms, gateway_decision
from epa.rules.local_time import london_iso


def public(attempt: GatewayAttempt) -> dict:
    """An attempt as the API returns it."""
    return {
        "id": attempt.id,
        "gateway_date": attempt.gateway_date.isoformat(),
        "english": attempt.english,
        "maths": attempt.maths,
        "bsl": attempt.bsl,
        "employer_confirmed": attempt.employer_confirmed,
        "provider_confirmed": attempt.provider_confirmed,
        "project_summary_submitted": attempt.project_summary_submitted,
        "portfolio_submitted": attempt.portfolio_submitted,
        "passed": attempt.passed,
        "reasons": list(attempt.reasons),
        "warnings": list(attempt.warnings),
        "epa_deadline": attempt.epa_deadline.isoformat() if attempt.epa_deadline else None,
        "recorded_at": london_iso(attempt.recorded_at),
    }


def _already_passed() -> ServiceError:
    return ServiceError(
        "gateway_already_passed",
        "This apprentice has already passed gateway.",
        status=409,
    )


#: The yes-or-no evidence, with the words a refusal uses for each; left out means false.
_CHECKS = {
    "bsl": "BSL",
    "employer_confirmed": "Employer confirmation",
    "provider_confirmed": "Training provider confirmation",
    "project_summary_submitted": "Project summary submitted",
    "portfolio_submitted": "Portfolio submitted",
}


def _read_evidence(apprentice: Apprentice, data: dict) -> GatewayEvidence:
    problems = validation.Problems()
    gateway_date = validation.a_date(data, "gateway_date", "gateway date", problems)
    english = validation.choice(data, "english", "English level", LEVELS, problems)
    maths = validation.choice(data, "maths", "maths level", LEVELS, problems)
    checks = {
        name: validation.boolean(data, name, label, problems) for name, label in _CHECKS.items()
    }
    if gateway_date and gateway_date > clock.today():
        problems.add("gateway_date", "The gateway date cannot be in the future", "invalid_date")
    elif gateway_date and gateway_date < apprentice.start_date:
        problems.add(
            "gateway_date", "The gateway date must be on or after the start date", "invalid_date"
        )
    problems.raise_if_any()
    return GatewayEvidence(gateway_date=gateway_date, english=english, maths=maths, **checks)


def record_gateway(apprentice: Apprentice, data: dict) -> GatewayAttempt:
    """Check the evidence against the version's plan and keep the attempt, passed or not."""
    if apprentice.status == "withdrawn":
        raise ServiceError(
            "apprentice_withdrawn",
            "This apprentice has been withdrawn; gateway cannot be recorded.",
        )
    if apprentice.status != "registered":
        raise _already_passed()
    evidence = _read_evidence(apprentice, data)
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
        gateway_date=evidence.gateway_date,
        english=evidence.english,
        maths=evidence.maths,
        bsl=evidence.bsl,
        employer_confirmed=evidence.employer_confirmed,
        provider_confirmed=evidence.provider_confirmed,
        project_summary_submitted=evidence.project_summary_submitted,
        portfolio_submitted=evidence.portfolio_submitted,
        passed=decision.passed,
        reasons=list(decision.reasons),
        warnings=list(decision.warnings),
        epa_deadline=decision.epa_deadline,
        recorded_by_id=current_actor()[0],
    )
    db.session.add(attempt)
    db.session.flush()
    after = public(attempt)
    after["apprentice_id"] = apprentice.id
    record("gateway_attempt", attempt.id, "create", after=after)
    if decision.passed:
        record(
            "apprentice",
            apprentice.id,
            "gateway_passed",
            before={"status": "registered"},
            after={
                "status": "gateway_passed",
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
