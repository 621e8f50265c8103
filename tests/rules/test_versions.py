"""The standard version for a start date, and the later versions an apprentice may move to,
as tables."""

from datetime import date

import pytest

from epa.rules.versions import (
    NoVersionForStartDate,
    VersionWindow,
    later_versions,
    version_for_start_date,
    version_key,
)

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


@pytest.mark.parametrize(
    "earlier, later",
    [
        ("1.0", "1.1"),
        ("1.9", "1.10"),  # number by number, not as text
        ("1.10", "2.0"),
        ("1.0", "1.0.1"),  # a longer version after its own prefix
        ("1", "1.1"),
        ("0.9", "1.0"),
        ("2.0", "10.0"),
    ],
)
def test_versions_are_ordered_number_by_number(earlier, later):
    assert version_key(earlier) < version_key(later)
    assert not version_key(later) < version_key(earlier)


@pytest.mark.parametrize(
    "a, b", [("1.0", "1.00"), ("1.1", " 1.1 "), ("01.1", "1.1"), ("1", "1.0"), ("2.0.0", "2")]
)
def test_the_same_version_written_differently_is_not_later(a, b):
    assert version_key(a) == version_key(b)


def test_a_version_that_is_not_numbers_still_has_a_place():
    # No IfATE version is written so, but loading one must not break the ordering.
    assert version_key("1.1") < version_key("1.1a") < version_key("2.0")


@pytest.mark.parametrize(
    "current, versions, allowed",
    [
        ("1.0", ["1.0", "1.1"], ["1.1"]),
        ("1.1", ["1.0", "1.1"], []),  # already on the latest
        ("1.0", ["2.0", "1.0", "1.1"], ["1.1", "2.0"]),  # earliest first, whatever the order
        ("1.9", ["1.2", "1.9", "1.10", "2.0"], ["1.10", "2.0"]),
        ("1.10", ["1.9", "1.10"], []),  # 1.9 is earlier, though "1.9" > "1.10" as text
        ("1.0", ["1.0"], []),
        ("1.0", [], []),
    ],
)
def test_the_versions_an_apprentice_may_move_to(current, versions, allowed):
    assert later_versions(versions, current) == allowed
