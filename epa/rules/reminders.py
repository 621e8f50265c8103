"""When an assessor is reminded of an assessment, and which EPA deadlines are at risk."""

from datetime import date, timedelta

from epa.rules.scheduling import is_working_day

#: an assessor hears of an assessment this many working days before its London date
REMINDER_WORKING_DAYS = 2
#: a method not booked when the EPA deadline is this many days away (or fewer) is at risk
AT_RISK_DAYS = 30

# Christmas to New Year holds at most 4 weekend days and 3 bank holidays in a row; 14 days of
# search is far beyond any run of non-working days England and Wales have had.
_LONGEST_BREAK = 14


def reminder_day(assessment_day: date) -> date:
    """The working day `REMINDER_WORKING_DAYS` working days before the assessment's date: a
    Monday assessment is reminded on the Thursday before, a Tuesday one on the Friday."""
    day, counted = assessment_day, 0
    while counted < REMINDER_WORKING_DAYS:
        day -= timedelta(days=1)
        counted += is_working_day(day)
    return day


def reminder_due(assessment_day: date, today: date) -> bool:
    """Whether the reminder goes out today: on its day, or later when a run was missed (a
    weekend, an outage), up to the assessment's own date. Whether the assessment is still to
    come on that date is for the caller, who knows the time."""
    return reminder_day(assessment_day) <= today <= assessment_day


def reminder_horizon(today: date) -> date:
    """The last assessment date whose reminder is due on or before today: every assessment
    whose reminder is due today lies between today and this date."""
    day = today
    for _ in range(_LONGEST_BREAK):
        if reminder_day(day + timedelta(days=1)) > today:
            return day
        day += timedelta(days=1)
    return day


def at_risk_window(today: date) -> tuple[date, date]:
    """The first and last EPA deadlines at risk today: from today (the deadline's own day
    still counts) to `AT_RISK_DAYS` days ahead, both included. A deadline already passed is no
    longer at risk but missed, which a restart, not a booking, puts right."""
    return today, today + timedelta(days=AT_RISK_DAYS)


def is_at_risk(epa_deadline: date | None, today: date, *, booked: bool) -> bool:
    """Whether a method of the apprentice's plan is at risk: not booked (a cancelled booking
    does not count) with the EPA deadline inside the window."""
    if booked or epa_deadline is None:
        return False
    first, last = at_risk_window(today)
    return first <= epa_deadline <= last
