"""One clock answers "now" and "today" for all code, and nothing else asks the system."""

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from epa import clock

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "instant, london_date",
    [
        (datetime(2026, 7, 1, 22, 59, tzinfo=UTC), date(2026, 7, 1)),  # 23:59 BST
        (datetime(2026, 7, 1, 23, 0, tzinfo=UTC), date(2026, 7, 2)),  # midnight BST
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), date(2026, 12, 31)),  # GMT
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), date(2027, 1, 1)),
    ],
)
def test_today_is_the_london_date_of_now(move_clock, instant, london_date):
    move_clock(instant)
    assert clock.now() == instant
    assert clock.now().tzinfo is not None
    assert clock.today() == london_date


def test_a_date_moves_the_clock_to_noon_in_london(move_clock):
    move_clock(date(2026, 6, 15))
    assert clock.now() == datetime(2026, 6, 15, 11, 0, tzinfo=UTC)


def test_asking_the_system_for_the_time_is_refused_by_the_linter(tmp_path):
    probe = ROOT / "epa" / f"_clock_probe_{tmp_path.name}.py"
    probe.write_text(
        "import time\nfrom datetime import date, datetime\n\n"
        "a = datetime.now()\nb = date.today()\nc = time.time()\nd = datetime.utcnow()\n"
    )
    try:
        found = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "TID251", str(probe)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    finally:
        probe.unlink()
    assert found.count("TID251") == 4, found


def test_only_the_clock_module_reads_the_system_time():
    found = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "TID251", "epa", "bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 0, found.stdout
