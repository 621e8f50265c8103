"""Calendar arithmetic the plan's rules are written in."""

import calendar
import re
from datetime import date

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_iso_date(value) -> date | None:
    """A real calendar date written YYYY-MM-DD, or None for anything else."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the end of a shorter month (31 Oct + 4 = 28 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def age_on(born: date, on: date) -> int:
    """Age in whole years on a date.

    A 29 February birthday falls on 1 March in other years: (2, 28) sorts before (2, 29).
    """
    before_birthday = (on.month, on.day) < (born.month, born.day)
    return on.year - born.year - before_birthday


def epa_deadline(gateway_date: date, epa_period_months: int) -> date:
    """The last day of the EPA period: the gateway date plus the plan's months; the day counts."""
    return add_months(gateway_date, epa_period_months)
