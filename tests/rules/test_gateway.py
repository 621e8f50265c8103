"""Gateway readiness, as tables: English and maths by level, EHC plan, BSL, the adult policy
from 2025-02-11, the employer's and the provider's confirmation, the project summary, the
minimum time on programme, and the warning past the published longest time."""

from datetime import date

import pytest

from epa.rules.gateway import (
    POLICIES,
    EnglishMathsPolicy,
    GatewayEvidence,
    Learner,
    PlanTerms,
    english_maths_required,
    gateway_decision,
)

TERMS = PlanTerms(min_months_before_gateway=12, epa_period_months=4, max_months_before_gateway=24)
ADULT = Learner(date_of_birth=date(1990, 5, 1), start_date=date(2023, 1, 9), ehc_plan=False)
YOUNG = Learner(date_of_birth=date(2006, 5, 1), start_date=date(2023, 9, 4), ehc_plan=False)
YOUNG_EHC = Learner(date_of_birth=date(2006, 5, 1), start_date=date(2023, 9, 4), ehc_plan=True)
BEFORE_POLICY = date(2025, 2, 10)
POLICY_DAY = date(2025, 2, 11)


def evidence(
    gateway_date=date(2025, 3, 3),
    english="level2",
    maths="level2",
    bsl=False,
    employer_confirmed=True,
    provider_confirmed=True,
    project_summary_submitted=True,
    portfolio_submitted=True,
):
    return GatewayEvidence(
        gateway_date=gateway_date,
        english=english,
        maths=maths,
        bsl=bsl,
        employer_confirmed=employer_confirmed,
        provider_confirmed=provider_confirmed,
        project_summary_submitted=project_summary_submitted,
        portfolio_submitted=portfolio_submitted,
    )


@pytest.mark.parametrize(
    "learner, gateway_date, english, maths, bsl, reasons",
    [
        # level 2 in each is enough for anyone
        (YOUNG, date(2025, 3, 3), "level2", "level2", False, []),
        (YOUNG, date(2025, 3, 3), "level1", "level2", False, ["english_not_met"]),
        (YOUNG, date(2025, 3, 3), "level2", "level1", False, ["maths_not_met"]),
        (YOUNG, date(2025, 3, 3), "none", "none", False, ["english_not_met", "maths_not_met"]),
        # an EHC plan lowers the bar to entry level 3, not below
        (YOUNG_EHC, date(2025, 3, 3), "entry3", "entry3", False, []),
        (YOUNG_EHC, date(2025, 3, 3), "level1", "entry3", False, []),
        (YOUNG_EHC, date(2025, 3, 3), "none", "entry3", False, ["english_not_met"]),
        (YOUNG, date(2025, 3, 3), "entry3", "entry3", False, ["english_not_met", "maths_not_met"]),
        # BSL stands in for English, not for maths
        (YOUNG, date(2025, 3, 3), "none", "level2", True, []),
        (YOUNG, date(2025, 3, 3), "none", "level1", True, ["maths_not_met"]),
        (YOUNG_EHC, date(2025, 3, 3), "none", "entry3", True, []),
        # the adult policy: 19 or over on the start date, gateway on or after 2025-02-11
        (ADULT, BEFORE_POLICY, "none", "none", False, ["english_not_met", "maths_not_met"]),
        (ADULT, POLICY_DAY, "none", "none", False, []),
        (ADULT, date(2026, 1, 5), "level1", "none", False, []),
        (YOUNG, POLICY_DAY, "none", "none", False, ["english_not_met", "maths_not_met"]),
    ],
)
def test_english_and_maths(learner, gateway_date, english, maths, bsl, reasons):
    decision = gateway_decision(learner, evidence(gateway_date, english, maths, bsl), TERMS)
    assert decision.reasons == reasons
    assert decision.passed is (reasons == [])


@pytest.mark.parametrize(
    "born, start, gateway_date, required",
    [
        (date(2005, 9, 2), date(2024, 9, 2), POLICY_DAY, False),  # 19 on the start date itself
        (date(2005, 9, 3), date(2024, 9, 2), POLICY_DAY, True),  # 19 the day after the start
        (date(2006, 9, 2), date(2024, 9, 2), POLICY_DAY, True),  # 18 on the start date
        (date(2005, 9, 2), date(2024, 9, 2), BEFORE_POLICY, True),  # before the policy began
        (date(2005, 2, 28), date(2024, 2, 28), POLICY_DAY, False),
        # a 29 February birthday turns 19 on 1 March in a year without one
        (date(2004, 2, 29), date(2023, 2, 28), POLICY_DAY, True),
        (date(2004, 2, 29), date(2023, 3, 1), POLICY_DAY, False),
        # aged 19 at the gateway is not enough: the age on the start date counts
        (date(2006, 1, 1), date(2024, 9, 2), date(2025, 6, 1), True),
    ],
)
def test_the_adult_policy_counts_the_age_on_the_start_date(born, start, gateway_date, required):
    learner = Learner(date_of_birth=born, start_date=start, ehc_plan=False)
    assert english_maths_required(learner, gateway_date) is required


def test_policies_are_data_and_the_next_change_is_a_row():
    assert (POLICIES[0].effective_from, POLICIES[0].exempt_from_age) == (POLICY_DAY, 19)
    stricter = (*POLICIES, EnglishMathsPolicy(date(2027, 1, 1), None, "a later reversal"))
    learner = Learner(date(1990, 1, 1), date(2024, 9, 2), False)
    assert english_maths_required(learner, date(2026, 12, 31), stricter) is False
    assert english_maths_required(learner, date(2027, 1, 1), stricter) is True


@pytest.mark.parametrize(
    "born, start, gateway_date, reasons",
    [
        # the adult policy through the whole decision, at the 19th birthday
        (date(2005, 9, 2), date(2024, 9, 2), POLICY_DAY, []),  # 19 on the start date itself
        (date(2005, 9, 3), date(2024, 9, 2), POLICY_DAY, ["english_not_met", "maths_not_met"]),
        (date(2005, 9, 2), date(2024, 9, 2), BEFORE_POLICY, ["english_not_met", "maths_not_met"]),
        (date(2004, 2, 29), date(2023, 3, 1), POLICY_DAY, []),  # 19 on 1 March
        (date(2004, 2, 29), date(2023, 2, 28), POLICY_DAY, ["english_not_met", "maths_not_met"]),
    ],
)
def test_the_adult_policy_in_the_gateway_decision(born, start, gateway_date, reasons):
    learner = Learner(date_of_birth=born, start_date=start, ehc_plan=False)
    e = evidence(gateway_date, english="none", maths="none")
    terms = PlanTerms(
        min_months_before_gateway=5, epa_period_months=4, max_months_before_gateway=24
    )
    assert gateway_decision(learner, e, terms).reasons == reasons


@pytest.mark.parametrize(
    "employer, provider, summary, reasons",
    [
        (True, True, True, []),
        (False, True, True, ["employer_not_confirmed"]),
        (True, False, True, ["provider_not_confirmed"]),
        (True, True, False, ["project_summary_missing"]),
        (False, False, True, ["employer_not_confirmed", "provider_not_confirmed"]),
        (True, False, False, ["provider_not_confirmed", "project_summary_missing"]),
        (False, True, False, ["employer_not_confirmed", "project_summary_missing"]),
        (
            False,
            False,
            False,
            ["employer_not_confirmed", "provider_not_confirmed", "project_summary_missing"],
        ),
    ],
)
def test_confirmations_and_the_project_summary(employer, provider, summary, reasons):
    e = evidence(
        employer_confirmed=employer, provider_confirmed=provider, project_summary_submitted=summary
    )
    decision = gateway_decision(YOUNG, e, TERMS)
    assert decision.reasons == reasons
    assert decision.passed is (reasons == [])


@pytest.mark.parametrize("portfolio_submitted", [True, False])
def test_a_portfolio_is_recorded_but_decides_nothing(portfolio_submitted):
    # No published source for ST0825 makes a portfolio a gateway requirement.
    decision = gateway_decision(YOUNG, evidence(portfolio_submitted=portfolio_submitted), TERMS)
    assert decision.passed and decision.reasons == []


def test_the_retired_portfolio_code_is_still_known_and_explained():
    from epa.rules.gateway import REASON_CODES, reason_text

    assert "portfolio_missing" in REASON_CODES
    assert "no longer" in reason_text("portfolio_missing")


@pytest.mark.parametrize(
    "start, gateway_date, met",
    [
        (date(2023, 9, 4), date(2024, 9, 4), True),  # exactly 12 months
        (date(2023, 9, 4), date(2024, 9, 3), False),  # one day short
        (date(2023, 9, 4), date(2025, 1, 1), True),
        (date(2023, 8, 31), date(2024, 8, 31), True),
        (date(2024, 2, 29), date(2025, 2, 28), True),  # clamped: 12 months from 29 Feb
        (date(2024, 2, 29), date(2025, 2, 27), False),
    ],
)
def test_minimum_time_on_programme(start, gateway_date, met):
    learner = Learner(date(1990, 1, 1), start, False)
    reasons = gateway_decision(learner, evidence(gateway_date), TERMS).reasons
    assert ("minimum_duration_not_met" not in reasons) is met


def test_every_failing_check_is_reported_in_a_fixed_order():
    learner = Learner(date(2006, 5, 1), date(2024, 9, 2), False)
    e = evidence(date(2025, 3, 3), "none", "none", False, False, False, False, False)
    assert gateway_decision(learner, e, TERMS).reasons == [
        "english_not_met",
        "maths_not_met",
        "employer_not_confirmed",
        "provider_not_confirmed",
        "project_summary_missing",
        "minimum_duration_not_met",
    ]


@pytest.mark.parametrize(
    "gateway_date, deadline",
    [(date(2025, 3, 3), date(2025, 7, 3)), (date(2025, 10, 31), date(2026, 2, 28))],
)
def test_a_passed_gateway_has_an_epa_deadline(gateway_date, deadline):
    decision = gateway_decision(ADULT, evidence(gateway_date), TERMS)
    assert decision.passed and decision.epa_deadline == deadline


@pytest.mark.parametrize(
    "start, gateway_date, warned",
    [
        (date(2023, 9, 4), date(2025, 9, 4), False),  # exactly 24 months: the last day
        (date(2023, 9, 4), date(2025, 9, 5), True),  # the day after
        (date(2023, 9, 4), date(2025, 9, 3), False),
        (date(2023, 9, 4), date(2024, 9, 4), False),  # the minimum is far from the maximum
        (date(2023, 8, 31), date(2025, 8, 31), False),
        (date(2023, 8, 31), date(2025, 9, 1), True),
        (date(2024, 2, 29), date(2026, 2, 28), False),  # clamped: 24 months from 29 Feb
        (date(2024, 2, 29), date(2026, 3, 1), True),
        (date(2022, 1, 10), date(2026, 1, 10), True),  # four years on
    ],
)
def test_a_long_time_on_programme_warns_but_still_passes(start, gateway_date, warned):
    learner = Learner(date(1990, 1, 1), start, False)
    decision = gateway_decision(learner, evidence(gateway_date), TERMS)
    assert decision.passed is True and decision.reasons == []
    assert decision.warnings == (["long_time_on_programme"] if warned else [])


def test_the_longest_time_comes_from_the_plan():
    learner = Learner(date(1990, 1, 1), date(2023, 9, 4), False)
    longer = PlanTerms(
        min_months_before_gateway=12, epa_period_months=4, max_months_before_gateway=30
    )
    assert gateway_decision(learner, evidence(date(2025, 9, 5)), longer).warnings == []
    assert gateway_decision(learner, evidence(date(2026, 3, 5)), longer).warnings == [
        "long_time_on_programme"
    ]


def test_the_warning_stands_beside_unmet_requirements():
    # The time on programme is a fact about the dates, whatever else is missing.
    learner = Learner(date(1990, 1, 1), date(2023, 9, 4), False)
    decision = gateway_decision(
        learner, evidence(date(2025, 9, 5), provider_confirmed=False), TERMS
    )
    assert decision.reasons == ["provider_not_confirmed"]
    assert decision.warnings == ["long_time_on_programme"]


def test_a_failed_gateway_has_no_deadline():
    decision = gateway_decision(ADULT, evidence(employer_confirmed=False), TERMS)
    assert not decision.passed and decision.epa_deadline is None


def test_every_reason_and_warning_has_plain_english():
    from epa.rules.gateway import REASON_CODES, WARNING_CODES, reason_text, warning_text

    texts = [reason_text(code) for code in REASON_CODES]
    texts += [warning_text(code, max_months_before_gateway=24) for code in WARNING_CODES]
    for text in texts:
        assert text and text[0].isupper() and text.endswith(".") and "_" not in text
    assert "more than 24 months" in warning_text("long_time_on_programme", 24)
