"""Ages, month arithmetic and the EPA deadline, as tables."""

from datetime import date

import pytest

from epa.rules.dates import add_months, age_on, epa_deadline


@pytest.mark.parametrize(
    "born, on, age",
    [
        (date(2006, 6, 15), date(2025, 6, 14), 18),  # the day before the 19th birthday
        (date(2006, 6, 15), date(2025, 6, 15), 19),  # the birthday itself
        (date(2006, 6, 15), date(2025, 6, 16), 19),
        (date(2007, 6, 15), date(2025, 6, 15), 18),  # 18th birthday
        (date(2004, 2, 29), date(2023, 2, 28), 18),  # leap-day birthday, non-leap year:
        (date(2004, 2, 29), date(2023, 3, 1), 19),  # the birthday counts from 1 March
        (date(2004, 2, 29), date(2024, 2, 28), 19),
        (date(2004, 2, 29), date(2024, 2, 29), 20),  # a leap year: the day itself
        (date(2000, 1, 1), date(2000, 1, 1), 0),
        (date(2000, 12, 31), date(2001, 12, 30), 0),
        (date(2000, 12, 31), date(2001, 12, 31), 1),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    "start, months, result",
    [
        (date(2024, 1, 15), 4, date(2024, 5, 15)),
        (date(2024, 10, 31), 4, date(2025, 2, 28)),  # clamped at the month end
        (date(2023, 10, 31), 4, date(2024, 2, 29)),  # a leap February
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),  # across the year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 5, 31), 0, date(2024, 5, 31)),
        (date(2023, 9, 26), 12, date(2024, 9, 26)),
    ],
)
def test_add_months(start, months, result):
    assert add_months(start, months) == result


@pytest.mark.parametrize(
    "gateway, months, deadline",
    [
        (date(2025, 3, 10), 4, date(2025, 7, 10)),
        (date(2025, 10, 31), 4, date(2026, 2, 28)),
        (date(2027, 10, 31), 4, date(2028, 2, 29)),
    ],
)
def test_epa_deadline_is_the_gateway_date_plus_the_period(gateway, months, deadline):
    assert epa_deadline(gateway, months) == deadline
