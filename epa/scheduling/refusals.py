"""What each booking refusal says, and where: one place for the API's codes and the forms."""

from datetime import date, timedelta

from epa.errors import ServiceError
from epa.rules.patterns import WorkingPattern, describe
from epa.rules.scheduling import bank_holiday_name
from epa.rules.time_limit import TimeLimitBreach

#: The rules about the time itself (`rules.scheduling.time_refusal`): each refused with 422.
TIME_REFUSALS = (
    "gateway_not_passed",
    "in_the_past",
    "backdated_not_held",
    "outside_epa_period",
    "epa_time_limit_passed",
    "insufficient_notice",
    "apprentice_withdrawn",
    "non_working_day",
    "outside_working_hours",
)
#: Clashes with what the diaries hold (`rules.scheduling.diary_refusal`): each refused with 409.
CONFLICTS = (
    "assessor_double_booked",
    "apprentice_double_booked",
    "assessor_unavailable",
    "assessor_not_working",
    "assessor_day_full",
    "assessor_conflict_of_interest",
    "method_already_booked",
)


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def refusal(
    code: str,
    *,
    method=None,
    apprentice=None,
    day: date | None = None,
    limit: TimeLimitBreach | None = None,
    pattern: WorkingPattern | None = None,
) -> ServiceError:
    """The ServiceError for a rule's refusal code, worded for the booking at hand."""
    messages = {
        "gateway_not_passed": ("apprentice_id", "The apprentice has not passed gateway yet"),
        "in_the_past": ("starts_at", "The start time is in the past"),
        "backdated_not_held": (
            "starts_at",
            "A backdated assessment records one already held: it must have ended by now",
        ),
        "insufficient_notice": (
            "starts_at",
            f"Book at least {method.min_notice_days if method else 0} days ahead",
        ),
        "apprentice_withdrawn": ("apprentice_id", "The apprentice has been withdrawn"),
        "non_working_day": ("starts_at", _non_working(day)),
        "outside_working_hours": (
            "starts_at",
            "The assessment must start at 08:00 or later and end by 18:00 (UK time)",
        ),
        "assessor_double_booked": (
            "assessor_id",
            "The assessor has another assessment at that time",
        ),
        "apprentice_double_booked": (
            "starts_at",
            "The apprentice has another assessment at that time",
        ),
        "assessor_unavailable": ("assessor_id", "The assessor is unavailable at that time"),
        "assessor_not_working": (
            "assessor_id",
            "The assessor does not work then"
            + (f" (they work {describe(pattern)})" if pattern else ""),
        ),
        "assessor_day_full": (
            "assessor_id",
            "The assessor already has as many assessments that day as they take"
            + (f" ({pattern.max_per_day})" if pattern else ""),
        ),
        "assessor_conflict_of_interest": (
            "assessor_id",
            "The assessor has a declared conflict of interest with the apprentice's employer "
            "or training provider",
        ),
        "method_already_booked": (
            "method",
            "This method is already booked for the apprentice; cancel that booking first, or "
            "book a resit or retake after a fail",
        ),
    }
    if code == "epa_time_limit_passed":
        return _time_limit_passed(limit, apprentice.version.all_methods_within_months)
    if code == "outside_epa_period":
        first = apprentice.epa_started_on + timedelta(days=method.earliest_days_after_gateway)
        field, message = (
            "starts_at",
            f"The {method.name.lower()} must be held between {_long(first)} and "
            f"{_long(apprentice.epa_deadline)} (the EPA period)",
        )
    else:
        field, message = messages[code]
    status = 409 if code in CONFLICTS else 422
    return ServiceError(code, message + ".", status=status, fields={field: message})


def _non_working(day: date | None) -> str:
    if day is None:
        return "Choose a working day"
    holiday = bank_holiday_name(day)
    what = f"a bank holiday ({holiday})" if holiday else f"a {day:%A}"
    return f"{_long(day)} is {what}; choose a working day"


def _time_limit_passed(limit: TimeLimitBreach, months: int) -> ServiceError:
    """Every assessment of the EPA within the plan's months of the first: the last day, and why."""
    rule = "Every assessment, resits and retakes included, must be held"
    exceptional = (
        "An administrator can book or move it later by recording exceptional circumstances."
    )
    if limit.new_is_first:
        exceptional = "An administrator can book it even so for exceptional circumstances."
        beside = (
            f"{rule} within {months} months of the first: on {_long(limit.first_on)} this "
            f"would be the first, and the assessment on {_long(limit.late_on)} is after "
            f"{_long(limit.last_allowed_on)}"
        )
    else:
        beside = (
            f"{rule} by {_long(limit.last_allowed_on)}: {months} months after the first "
            f"assessment on {_long(limit.first_on)}"
        )
    return ServiceError(
        "epa_time_limit_passed",
        f"{beside}. {exceptional}",
        fields={"starts_at": beside},
    )
