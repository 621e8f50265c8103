"""Installs are reproducible: every dependency pyproject.toml names is pinned, with hashes, in
the locks that `make run`, `make test`, CI and the container install from."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _wanted(group: str | None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + (project["optional-dependencies"][group] if group else [])
    return {_canonical(_NAME.match(n).group(0)) for n in names}


def _pinned(lock: str) -> dict[str, list[str]]:
    """Each package the lock pins, with the hashes listed under it."""
    pins: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / lock).read_text().splitlines():
        pinned = re.match(r"^([A-Za-z0-9._-]+)==\S+", line)
        if pinned:
            current = _canonical(pinned.group(1))
            pins[current] = []
        elif current and (found := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            pins[current].append(found.group(1))
    return pins


@pytest.mark.parametrize(
    ("lock", "group"), [("requirements.lock", None), ("requirements-test.lock", "test")]
)
def test_every_dependency_is_pinned_with_its_hashes(lock, group):
    pins = _pinned(lock)
    assert _wanted(group) <= set(pins), f"run `make lock`: {sorted(_wanted(group) - set(pins))}"
    assert all(pins.values()), [name for name, hashes in pins.items() if not hashes]


def test_the_runtime_lock_holds_no_test_tools():
    assert not {"pytest", "ruff", "time-machine"} & set(_pinned("requirements.lock"))


def test_the_installs_read_the_locks():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements-test.lock" in makefile
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in dockerfile
