"""Two web servers and two workers on one PostgreSQL database and one Redis, as a deployment
runs them (docs/operations.md): jobs run exactly once, a worker killed mid-job leaves nothing
half-done and the job completes on the other worker, and sessions and sign-in throttles hold
across both web servers.

Runs with the PostgreSQL suite (TEST_POSTGRES_URL) and needs Redis on 127.0.0.1:6379 (REDIS_URL
names another); in CI a missing Redis fails the run rather than skipping it.
"""

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.conftest import fresh_database
from tests.imports.test_import import multipart, row, uln, xlsx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery"


def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_POSTGRES_URL"),
        reason="two instances share a PostgreSQL database: runs with the PostgreSQL suite",
    ),
]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    def __init__(self, workdir: Path, database_url: str):
        self.workdir = workdir
        self.processes: dict[str, subprocess.Popen] = {}
        queue = f"epa-test-{secrets.token_hex(4)}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("MAIL_", "TEST_POSTGRES", "EPA_TEST"))
        }
        self.env.update(
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
            JOB_QUEUE=queue,
            JOB_LEASE_SECONDS="3",
            JOB_FILES_PATH=str(workdir / "files"),
            CELERY_BEAT_SCHEDULE=str(workdir / "beat-schedule"),
            SECRET_KEY=secrets.token_hex(32),
            WEB_CONCURRENCY="2",
            HOST="127.0.0.1",
            LOG_LEVEL="warning",
        )
        self.web: list[str] = []
        self.engine = create_engine(database_url)

    def sql(self, query: str):
        with self.engine.connect() as connection:
            return connection.execute(text(query)).scalar()

    def start(self, name: str, command: list[str], **env) -> None:
        log = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115  (closed in stop)
        self.processes[name] = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches its children too
        )
        self.processes[name].log = log

    def start_web(self, name: str) -> str:
        port = free_port()
        self.start(
            name,
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:app"],
            PORT=str(port),
            PROMETHEUS_MULTIPROC_DIR=str(self.workdir / f"metrics-{name}"),
        )
        url = f"http://127.0.0.1:{port}"
        self.wait_for(lambda: _answers(url + "/healthz"), f"{name} to serve")
        self.web.append(url)
        return url

    def start_worker(self, name: str, *, slow: bool = False) -> None:
        program = (
            [str(BIN / "python"), "tests/cluster/slow_worker.py"] if slow else [str(BIN / "celery")]
        )
        self.start(
            name,
            [
                *program,
                "-A",
                "epa.worker",
                "worker",
                "--concurrency=1",
                f"--hostname={name}@%h",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
            ],
            PROMETHEUS_MULTIPROC_DIR=str(self.workdir / f"metrics-{name}"),
        )
        self.wait_for(lambda: b"ready." in self.log_of(name), f"{name} to be ready", 60)

    def start_beat(self) -> None:
        self.start("beat", [str(BIN / "celery"), "-A", "epa.worker", "beat", "--loglevel=INFO"])

    def kill(self, name: str, how=signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, how)
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        except ProcessLookupError:
            pass
        process.log.close()

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill(name, signal.SIGTERM)

    def log_of(self, name: str) -> bytes:
        return (self.workdir / f"{name}.log").read_bytes()

    def wait_for(self, check, what: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not check():
            for name, process in self.processes.items():
                assert process.poll() is None, (
                    f"{name} stopped:\n{self.log_of(name).decode()[-3000:]}"
                )
            assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
            time.sleep(0.2)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL}; CI needs it for this test")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    workdir = tmp_path_factory.mktemp("cluster")
    with fresh_database(workdir) as database_url:
        running = Cluster(workdir, database_url)
        try:
            running.tokens = _prepare(database_url)
            running.start_web("web-a")
            running.start_web("web-b")
            for kind, body in (
                ("providers", {"name": "Provider", "ukprn": "10012345"}),
                ("employers", {"name": "Northwind Digital Ltd"}),
            ):
                created = _api(
                    running.web[0], running.tokens["admin"], "post", f"/{kind}", json=body
                )
                assert created.status_code == 201, created.text
            yield running
        finally:
            running.stop()
            running.engine.dispose()


def _prepare(database_url: str) -> dict[str, str]:
    """Migrate, load the standard, and add an administrator and a member of staff (in this
    process, which is quicker than a command line each); their API tokens by role."""
    from flask_migrate import upgrade

    from epa import create_app
    from epa.auth.models import User
    from epa.auth.schemas import UserNew
    from epa.auth.services import create_token, create_user
    from epa.extensions import db
    from epa.standards.services import load_standard
    from tests.conftest import FIXTURE

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        load_standard(json.loads(FIXTURE.read_text()))
        tokens = {}
        for role in ("admin", "staff"):
            user = create_user(
                UserNew.read(
                    {
                        "email": f"{role}@epao.example",
                        "name": role,
                        "role": role,
                        "password": PASSWORD,
                    }
                )
            )
            tokens[role] = create_token(db.session.get(User, user.id))
        db.session.commit()
        db.engine.dispose()
    return tokens


def _api(base: str, token: str, method: str, path: str, **kw) -> requests.Response:
    response = requests.request(
        method,
        f"{base}/api/v1{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
        **kw,
    )
    assert response.status_code < 500, response.text
    return response


def _import(base: str, token: str, rows: list) -> int:
    body = multipart({}, {"file": (xlsx(rows), "apprentices.xlsx")})
    response = requests.post(
        f"{base}/api/v1/imports/apprentices",
        headers={"Authorization": f"Bearer {token}", "Content-Type": body["content_type"]},
        data=body["data"],
        timeout=60,
    )
    assert response.status_code == 202, response.text
    return response.json()["job"]["id"]


def _job(cluster, job_id: int) -> dict:
    return _api(cluster.web[1], cluster.tokens["staff"], "get", f"/jobs/{job_id}").json()


def _count(cluster) -> int:
    return cluster.sql("SELECT count(*) FROM apprentices")


def _rows(first: int, how_many: int) -> list:
    return [row(uln=uln(first + n), given_names=f"Sam{first + n}") for n in range(how_many)]


def test_sessions_and_sign_in_throttles_hold_across_both_web_servers(cluster):
    a, b = cluster.web
    browser = requests.Session()
    page = browser.get(f"{a}/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    signed = browser.post(
        f"{a}/sign-in",
        data={"email": "staff@epao.example", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert signed.status_code == 302
    # The cookie A gave is a session on B too.
    home = browser.get(f"{b}/", allow_redirects=False, timeout=10)
    assert home.status_code == 200 and "Sign out" in home.text

    # Wrong passwords on either server count together.
    stranger = requests.Session()
    statuses = []
    for attempt in range(6):
        base = (a, b)[attempt % 2]
        page = stranger.get(f"{base}/sign-in", timeout=10).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        answer = stranger.post(
            f"{base}/sign-in",
            data={
                "email": "admin@epao.example",
                "password": "wrong password!",
                "csrf_token": token,
            },
            allow_redirects=False,
            timeout=10,
        )
        statuses.append(answer.status_code)
    assert statuses == [401] * 5 + [429]


def test_each_job_runs_exactly_once_across_two_workers(cluster):
    cluster.start_worker("worker-1")
    cluster.start_worker("worker-2")
    before = _count(cluster)
    jobs = [
        _import(cluster.web[n % 2], cluster.tokens["staff"], _rows(1000 + n * 100, 40))
        for n in range(6)
    ]
    cluster.wait_for(
        lambda: all(_job(cluster, job)["status"] == "succeeded" for job in jobs), "the imports", 90
    )
    assert _count(cluster) == before + 6 * 40
    served = {job: _job(cluster, job) for job in jobs}
    assert all(found["result"] == {"created": 40} for found in served.values())
    # Both workers took a share; each job was started once.
    logs = cluster.log_of("worker-1") + cluster.log_of("worker-2")
    for job in jobs:
        assert logs.count(f'"message": "Job {job} (import_apprentices) succeeded"'.encode()) == 1
    ids = ", ".join(map(str, jobs))
    assert cluster.sql(f"SELECT max(attempts) FROM jobs WHERE id IN ({ids})") == 1  # noqa: S608
    assert b"worker-1@" in logs and b"worker-2@" in logs
    cluster.kill("worker-1")
    cluster.kill("worker-2")


def test_a_worker_killed_mid_job_leaves_nothing_and_the_other_worker_completes_it(cluster):
    cluster.start_worker("slow-worker", slow=True)
    before = _count(cluster)
    job = _import(cluster.web[0], cluster.tokens["staff"], _rows(5000, 3000))
    cluster.wait_for(
        lambda: _job(cluster, job)["progress"]["done"] > 0, "the import to be under way", 60
    )
    cluster.kill("slow-worker")
    assert _job(cluster, job)["status"] == "running"
    assert _count(cluster) == before  # nothing of the file is stored

    cluster.start_worker("worker-3")
    cluster.start_beat()  # finds the job whose lease ran out and hands it over
    cluster.wait_for(lambda: _job(cluster, job)["status"] == "succeeded", "the take-over", 90)
    assert _job(cluster, job)["result"] == {"created": 3000}
    assert cluster.sql(f"SELECT attempts FROM jobs WHERE id = {job}") == 2  # noqa: S608
    assert _count(cluster) == before + 3000
