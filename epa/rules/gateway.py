"""Whether an apprentice may pass through gateway into end-point assessment, and why not."""

from dataclasses import dataclass, field
from datetime import date

from epa.rules.dates import add_months, age_on, epa_deadline

#: English and maths levels, lowest first; `level2` means level 2 or above.
LEVELS = ("none", "entry3", "level1", "level2")

#: Every reason code an attempt may carry. `portfolio_missing` is no longer produced: no
#: published source for ST0825 makes a portfolio a gateway requirement (the plan asks for the
#: project summary instead), but attempts recorded under the earlier rule keep it, and the
#: API's codes are never dropped.
REASON_CODES = (
    "english_not_met",
    "maths_not_met",
    "employer_not_confirmed",
    "provider_not_confirmed",
    "project_summary_missing",
    "portfolio_missing",
    "minimum_duration_not_met",
)
#: Things a gateway attempt notes without failing on them.
WARNING_CODES = ("long_time_on_programme",)

_REASON_TEXT = {
    "english_not_met": "English is below the level needed: level 2, or entry level 3 with an "
    "EHC plan; a BSL qualification counts instead of English.",
    "maths_not_met": "Maths is below the level needed: level 2, or entry level 3 with an EHC plan.",
    "employer_not_confirmed": "The employer has not confirmed the apprentice is ready.",
    "provider_not_confirmed": "The training provider has not confirmed the apprentice is ready.",
    "project_summary_missing": "The project summary, with its high-level plan and timelines, "
    "has not been submitted.",
    "portfolio_missing": "The portfolio or project summary had not been submitted (a rule of "
    "earlier attempts: a portfolio is no longer needed for gateway).",
    "minimum_duration_not_met": "The apprentice has not yet been on programme for the "
    "minimum time before gateway.",
}


def reason_text(code: str) -> str:
    """A gateway reason code in the words an EPAO officer uses."""
    return _REASON_TEXT[code]


def warning_text(code: str, max_months_before_gateway: int) -> str:
    """A gateway warning in plain words; the number of months is the plan's."""
    if code != "long_time_on_programme":
        raise KeyError(code)
    months = max_months_before_gateway
    return (
        f"The apprentice had been on programme for more than {months} months before gateway; "
        f"the published timeline says no more than {months} months. This is a warning only: "
        "it does not stop gateway."
    )


@dataclass(frozen=True)
class EnglishMathsPolicy:
    """A dated change to who needs English and maths for gateway."""

    #: applies to gateways on or after this date
    effective_from: date
    #: apprentices this age or over on their start date need neither; None: everyone needs both
    exempt_from_age: int | None
    description: str


# The newest policy in force on the gateway date applies; the next change is another row.
POLICIES = (
    EnglishMathsPolicy(
        effective_from=date(2025, 2, 11),
        exempt_from_age=19,
        description="From 11 February 2025, apprentices aged 19 or over on their start date "
        "need neither English nor maths for gateway.",
    ),
)


@dataclass(frozen=True)
class Learner:
    date_of_birth: date
    start_date: date
    ehc_plan: bool


@dataclass(frozen=True)
class GatewayEvidence:
    gateway_date: date
    english: str
    maths: str
    bsl: bool
    employer_confirmed: bool
    provider_confirmed: bool
    #: the project summary (up to 500 words) with its high-level plan and timelines
    project_summary_submitted: bool
    #: recorded as evidence, but decides nothing (see REASON_CODES)
    portfolio_submitted: bool = False


@dataclass(frozen=True)
class PlanTerms:
    min_months_before_gateway: int
    epa_period_months: int
    #: the published timeline's longest time on programme; later gateways pass with a warning
    max_months_before_gateway: int


@dataclass(frozen=True)
class GatewayDecision:
    passed: bool
    reasons: list[str]
    epa_deadline: date | None
    warnings: list[str] = field(default_factory=list)


def policy_on(gateway_date: date, policies=POLICIES) -> EnglishMathsPolicy | None:
    in_force = [p for p in policies if p.effective_from <= gateway_date]
    return max(in_force, key=lambda p: p.effective_from) if in_force else None


def english_maths_required(learner: Learner, gateway_date: date, policies=POLICIES) -> bool:
    """Whether this apprentice needs English and maths at this gateway."""
    policy = policy_on(gateway_date, policies)
    if policy is None or policy.exempt_from_age is None:
        return True
    return age_on(learner.date_of_birth, learner.start_date) < policy.exempt_from_age


def _meets(level: str, minimum: str) -> bool:
    return LEVELS.index(level) >= LEVELS.index(minimum)


def gateway_decision(
    learner: Learner, evidence: GatewayEvidence, terms: PlanTerms, policies=POLICIES
) -> GatewayDecision:
    """Every unmet gateway requirement, in a fixed order; the EPA deadline when all are met."""
    reasons = []
    if english_maths_required(learner, evidence.gateway_date, policies):
        minimum = "entry3" if learner.ehc_plan else "level2"
        if not (evidence.bsl or _meets(evidence.english, minimum)):
            reasons.append("english_not_met")
        if not _meets(evidence.maths, minimum):
            reasons.append("maths_not_met")
    if not evidence.employer_confirmed:
        reasons.append("employer_not_confirmed")
    if not evidence.provider_confirmed:
        reasons.append("provider_not_confirmed")
    if not evidence.project_summary_submitted:
        reasons.append("project_summary_missing")
    earliest = add_months(learner.start_date, terms.min_months_before_gateway)
    if evidence.gateway_date < earliest:
        reasons.append("minimum_duration_not_met")
    # The published timeline's upper limit is advice, not a refusal: the plan sets no
    # consequence, so the attempt is decided as usual and carries the warning.
    warnings = []
    latest = latest_gateway_in_timeline(learner.start_date, terms.max_months_before_gateway)
    if evidence.gateway_date > latest:
        warnings.append("long_time_on_programme")
    passed = not reasons
    deadline = epa_deadline(evidence.gateway_date, terms.epa_period_months) if passed else None
    return GatewayDecision(passed=passed, reasons=reasons, epa_deadline=deadline, warnings=warnings)


def latest_gateway_in_timeline(start_date: date, max_months_before_gateway: int) -> date:
    """The last gateway date inside the published timeline (the day itself counts)."""
    return add_months(start_date, max_months_before_gateway)
