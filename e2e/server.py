"""The service the journeys drive: gunicorn on a fresh SQLite database in a temporary folder,
migrated, with the standard and the demonstration loaded, on a free local port."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Service:
    base_url: str
    workdir: Path
    #: role -> [(email, password)], in the order the demonstration made them
    accounts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def sign_in_for(self, role: str, n: int = 0) -> tuple[str, str]:
        return self.accounts[role][n]

    def flask(self, *args: str) -> str:
        """Run `flask --app app ARGS` on the service's database; its output."""
        done = subprocess.run(
            [str(BIN / "flask"), "--app", "app", *args],
            cwd=PROJECT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def api(self, token: str, method: str, path: str, body: dict | None = None):
        """(status, decoded JSON) of one API call."""
        request = urllib.request.Request(
            f"{self.base_url}/api/v1{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(workdir: Path) -> Service:
    """A migrated database with the standard and the demonstration; nothing is served yet."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAIL_", "TEST_POSTGRES", "EPA_TEST"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'epa.sqlite'}",
        SECRET_KEY=secrets.token_hex(32),
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "metrics"),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        # The planner's solver stops here; the journeys' cohort is small.
        PLANNER_SECONDS="3",
        LOG_LEVEL="warning",
    )
    (workdir / "metrics").mkdir()
    service = Service(base_url=f"http://127.0.0.1:{port}", workdir=workdir, env=env)
    service.flask("db", "upgrade")
    service.flask("epa", "load-standard", "fixtures/standard.json")
    sign_ins = workdir / "demo-sign-in.txt"
    seeded = subprocess.run(
        [sys.executable, str(PROJECT / "e2e" / "seed_demo.py"), str(sign_ins)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if seeded.returncode:
        raise RuntimeError(f"The demonstration was not loaded:\n{seeded.stdout}{seeded.stderr}")
    for line in sign_ins.read_text(encoding="utf-8").splitlines()[1:]:
        role, email, password = line.split()
        service.accounts.setdefault(role, []).append((email, password))
    return service


def start(service: Service, log: Path) -> subprocess.Popen:
    """gunicorn as `make serve` runs it, answering /healthz within 60 seconds."""
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:app"],
            cwd=PROJECT,
            env=service.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at once:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{service.base_url}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise RuntimeError(f"gunicorn did not answer within 60 seconds:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
