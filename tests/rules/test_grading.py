"""Grading rules as tables: every row of the grading table and every retry refusal."""

import itertools
from datetime import UTC, date, datetime

import pytest

from epa.rules.grading import (
    Attempt,
    CountedGrade,
    CriterionRule,
    RetryTerms,
    booking_refusal,
    cap_reason,
    capped_overall,
    method_grade,
    outcome_status,
    overall_grade,
)
from tests.conftest import fixture_data

CRITERIA = [
    CriterionRule("P1", "pass"),
    CriterionRule("P2", "pass"),
    CriterionRule("D1", "distinction"),
]


@pytest.mark.parametrize(
    "judgements, grade",
    [
        ({"P1": True, "P2": True, "D1": True}, "distinction"),
        ({"P1": True, "P2": True, "D1": False}, "pass"),
        ({"P1": True, "P2": False, "D1": True}, "fail"),  # distinction cannot rescue a fail
        ({"P1": False, "P2": False, "D1": False}, "fail"),
        ({"P1": True, "P2": True}, None),  # D1 not judged yet
        ({"P1": True, "P2": None, "D1": True}, None),
        ({}, None),
    ],
)
def test_method_grade(judgements, grade):
    assert method_grade(CRITERIA, judgements) == grade


def test_a_method_without_distinction_criteria_tops_out_at_pass():
    only_pass = [CriterionRule("P1", "pass")]
    assert method_grade(only_pass, {"P1": True}) == "pass"


TABLE = fixture_data()["versions"][1]["plan"]["grading"]["overall"]


@pytest.mark.parametrize(
    "project, discussion, overall",
    [
        ("fail", "fail", "fail"),
        ("fail", "pass", "fail"),
        ("fail", "distinction", "fail"),
        ("pass", "fail", "fail"),
        ("distinction", "fail", "fail"),
        ("pass", "pass", "pass"),
        ("pass", "distinction", "merit"),
        ("distinction", "pass", "merit"),
        ("distinction", "distinction", "distinction"),
    ],
)
def test_every_row_of_the_grading_table(project, discussion, overall):
    assert overall_grade(TABLE, {"project": project, "discussion": discussion}) == overall


def test_the_table_rows_are_exactly_these_nine():
    combos = {(r["project"], r["discussion"]) for r in TABLE}
    assert combos == set(itertools.product(["fail", "pass", "distinction"], repeat=2))


def test_no_overall_grade_while_a_method_has_none():
    assert overall_grade(TABLE, {"project": "pass", "discussion": None}) is None


ORDER = fixture_data()["versions"][1]["plan"]["grading"]["overall_grades"]
EXCEPTIONAL = True


def counted(grade, retry=None, exceptional=False):
    return CountedGrade(grade, retry, exceptional)


@pytest.mark.parametrize(
    "project, discussion, grade, uncapped, is_capped",
    [
        # first attempts only: no cap
        (counted("distinction"), counted("distinction"), "distinction", "distinction", False),
        # a resit of the project, a retake of the discussion, without exceptional circumstances
        (
            counted("distinction", "resit"),
            counted("distinction"),
            "pass",
            "distinction",
            True,
        ),
        (counted("pass"), counted("distinction", "retake"), "pass", "merit", True),
        (counted("distinction", "retake"), counted("pass"), "pass", "merit", True),
        (counted("pass", "resit"), counted("distinction", "resit"), "pass", "merit", True),
        # with exceptional circumstances the retry does not cap
        (
            counted("distinction", "resit", EXCEPTIONAL),
            counted("distinction"),
            "distinction",
            "distinction",
            False,
        ),
        (counted("pass"), counted("distinction", "retake", EXCEPTIONAL), "merit", "merit", False),
        # one method exceptional, the other not: the other still caps
        (
            counted("distinction", "resit", EXCEPTIONAL),
            counted("distinction", "retake"),
            "pass",
            "distinction",
            True,
        ),
        # a retry that failed again: the EPA fails, and the cap lowers nothing
        (counted("fail", "resit"), counted("distinction"), "fail", "fail", False),
        (counted("pass"), counted("fail", "retake"), "fail", "fail", False),
        # a judged pass is at the cap already: not lowered, so not capped
        (counted("pass", "resit"), counted("pass"), "pass", "pass", False),
        (counted("pass", "resit"), counted("pass", "retake"), "pass", "pass", False),
        # no grade yet for a method: no overall grade, nothing capped
        (counted("distinction", "resit"), None, None, None, False),
    ],
)
def test_the_retry_cap_on_the_epa_grade(project, discussion, grade, uncapped, is_capped):
    result = capped_overall(
        TABLE, {"project": project, "discussion": discussion}, cap="pass", order=ORDER
    )
    assert (result.grade, result.uncapped, result.capped) == (grade, uncapped, is_capped)


def test_the_cap_is_the_plan_s_grade_in_the_plan_s_order():
    both = {"project": counted("distinction", "resit"), "discussion": counted("distinction")}
    assert capped_overall(TABLE, both, cap="merit", order=ORDER).grade == "merit"
    assert capped_overall(TABLE, both, cap="distinction", order=ORDER).capped is False


def test_the_cap_names_the_methods_that_bring_it_in_the_plan_s_order():
    result = capped_overall(
        TABLE,
        {
            "project": counted("distinction", "resit"),
            "discussion": counted("distinction", "retake"),
        },
        cap="pass",
        order=ORDER,
    )
    assert result.capped_by == (("project", "resit"), ("discussion", "retake"))


@pytest.mark.parametrize(
    "retries, uncapped, sentence",
    [
        (
            [("project", "resit")],
            "merit",
            "The project was a resit booked without exceptional circumstances, so the EPA grade "
            "is at most Pass; without the cap it would be Merit.",
        ),
        (
            [("project", "resit"), ("professional discussion", "retake")],
            "distinction",
            "The project was a resit and the professional discussion a retake, both booked "
            "without exceptional circumstances, so the EPA grade is at most Pass; without the "
            "cap it would be Distinction.",
        ),
    ],
)
def test_the_cap_s_reason_in_plain_words(retries, uncapped, sentence):
    assert cap_reason(retries, "pass", uncapped) == sentence


TERMS = RetryTerms(resit_within_months=2, retake_within_months=4)
ENDED = datetime(2026, 12, 10, 11, 0, tzinfo=UTC)
FAILED = Attempt(date(2026, 12, 10), "fail", date(2026, 12, 15), ENDED)
PASSED = Attempt(date(2026, 12, 10), "pass", date(2026, 12, 15), ENDED)
BOOKED = Attempt(date(2026, 12, 10), None, None, ENDED)
LATER = datetime(2027, 1, 20, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "latest, retry, starts_on, starts_at, code",
    [
        (None, None, date(2027, 1, 20), LATER, None),  # a first attempt
        (BOOKED, None, date(2027, 1, 20), LATER, "method_already_booked"),
        (PASSED, None, date(2027, 1, 20), LATER, "method_already_booked"),
        (FAILED, None, date(2027, 1, 20), LATER, "retry_required"),
        (None, "resit", date(2027, 1, 20), LATER, "retry_not_allowed"),
        (BOOKED, "resit", date(2027, 1, 20), LATER, "retry_not_allowed"),  # not graded yet
        (PASSED, "retake", date(2027, 1, 20), LATER, "retry_not_allowed"),
        (
            FAILED,
            "resit",
            date(2026, 12, 10),
            datetime(2026, 12, 10, 10, 30, tzinfo=UTC),
            "retry_not_allowed",
        ),  # before the failed sitting ended
        (FAILED, "resit", date(2027, 2, 15), LATER, None),  # the resit window's last day
        (FAILED, "resit", date(2027, 2, 16), LATER, "retry_window_passed"),
        (FAILED, "retake", date(2027, 4, 15), LATER, None),  # the retake window's last day
        (FAILED, "retake", date(2027, 4, 16), LATER, "retry_window_passed"),
    ],
)
def test_which_bookings_and_retries_are_allowed(latest, retry, starts_on, starts_at, code):
    assert booking_refusal(latest, retry, starts_on, starts_at, TERMS) == code


@pytest.mark.parametrize(
    "submitted, ungraded, confirmed, status",
    [
        ({"project": "pass", "discussion": None}, False, False, "incomplete"),
        ({"project": "pass", "discussion": "pass"}, True, False, "incomplete"),
        ({"project": "pass", "discussion": "pass"}, False, False, "provisional"),
        ({"project": "pass", "discussion": "fail"}, False, True, "confirmed"),
        ({"project": "pass", "discussion": "fail"}, True, True, "incomplete"),  # a new attempt
    ],
)
def test_outcome_status(submitted, ungraded, confirmed, status):
    assert outcome_status(["project", "discussion"], submitted, ungraded, confirmed) == status
