"""The standard version for a start date, as a table."""

from datetime import date

import pytest

from epa.rules.versions import NoVersionForStartDate, VersionWindow, version_for_start_date

ST0825 = [
    VersionWindow("1.0", date(2020, 3, 12), date(2024, 9, 25)),
    VersionWindow("1.1", date(2024, 9, 26), None),
]


@pytest.mark.parametrize(
    "start, version",
    [
        (date(2020, 3, 11), None),  # the day before 1.0 opened: no version
        (date(2020, 3, 12), "1.0"),  # the first day of 1.0
        (date(2022, 6, 1), "1.0"),
        (date(2024, 9, 25), "1.0"),  # the last day of 1.0
        (date(2024, 9, 26), "1.1"),  # the first day of 1.1
        (date(2030, 1, 1), "1.1"),  # 1.1 has no latest start date
    ],
)
def test_version_for_start_date(start, version):
    if version is None:
        with pytest.raises(NoVersionForStartDate):
            version_for_start_date(ST0825, start)
    else:
        assert version_for_start_date(ST0825, start).version == version


def test_a_start_before_any_version_is_refused_with_the_first_date():
    with pytest.raises(NoVersionForStartDate) as refused:
        version_for_start_date(ST0825, date(2020, 3, 11))
    assert "12 March 2020" in str(refused.value)


def test_a_gap_between_versions_is_refused():
    windows = [
        VersionWindow("1.0", date(2020, 1, 1), date(2020, 12, 31)),
        VersionWindow("2.0", date(2021, 2, 1), None),
    ]
    with pytest.raises(NoVersionForStartDate):
        version_for_start_date(windows, date(2021, 1, 15))
    assert version_for_start_date(windows, date(2021, 2, 1)).version == "2.0"


def test_windows_in_any_order():
    assert version_for_start_date(list(reversed(ST0825)), date(2024, 9, 25)).version == "1.0"
