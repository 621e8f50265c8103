"""CI's dependency audit (scripts/audit-dependencies): a known vulnerability fails the run; an
advisory service that cannot be reached is said, and does not."""

import runpy

from tests.conftest import ROOT

judge = runpy.run_path(str(ROOT / "scripts" / "audit-dependencies"))["judge"]


def test_a_known_vulnerability_fails_and_says_where_it_is_fixed():
    lines, status = judge(
        {
            "dependencies": [
                {"name": "flask", "version": "3.1.0", "vulns": []},
                {
                    "name": "jinja2",
                    "version": "3.1.4",
                    "vulns": [{"id": "GHSA-xxxx", "fix_versions": ["3.1.5"]}],
                },
            ]
        }
    )
    assert status == 1
    assert "jinja2 3.1.4: GHSA-xxxx (fixed in 3.1.5)" in lines


def test_an_unreachable_advisory_service_is_said_and_passes():
    reason = "Dependency not found on PyPI and could not be audited: flask (3.1.0)"
    lines, status = judge({"dependencies": [{"name": "flask", "skip_reason": reason}]})
    assert status == 0
    assert lines[0].startswith("pip-audit could not audit 1 of 1 dependencies")
    assert lines[-1] == "0 dependencies audited: no known vulnerabilities."


def test_nothing_known_passes():
    lines, status = judge({"dependencies": [{"name": "flask", "version": "3.1.0", "vulns": []}]})
    assert (lines, status) == (["1 dependencies audited: no known vulnerabilities."], 0)
