"""Throughput over real HTTP: the service and a bare Flask app (bench/bare_app.py), each under
gunicorn with two workers and the service's own gunicorn.conf.py, loaded in turn by the same
client: CONNECTIONS threads, each one http.client connection, kept alive where the server
keeps it (gunicorn's sync workers close it after each answer; the client then reconnects, for
both alike). Requests per second over SECONDS, after a warm-up; rounds interleaved."""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from pages import AGENT, p95

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CONNECTIONS = 4
SECONDS = 4.0
WARM_UP = 1.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(module: str, env: dict, chdir: Path):
    """gunicorn with two workers serving `module` on a free port; its port."""
    port = _free_port()
    metrics = tempfile.mkdtemp(prefix="bench-metrics-")
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
    ]
    command += ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--chdir", str(chdir), module]
    server = subprocess.Popen(  # noqa: S603
        command,
        env={**os.environ, **env, "PROMETHEUS_MULTIPROC_DIR": metrics, "LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start for {module}") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(metrics, ignore_errors=True)


def fetch(port: int, path: str, headers: dict) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers)
    answer = conn.getresponse()
    body = answer.read()
    conn.close()
    if answer.status != 200:
        raise SystemExit(f"GET {path} on port {port}: {answer.status} {body[:300]!r}")
    return body


def load(port: int, path: str, headers: dict, seconds: float = SECONDS) -> tuple[float, float]:
    """(requests per second, p95 ms) with CONNECTIONS clients for `seconds`."""
    stop = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(CONNECTIONS)]
    failures = []

    def client(mine: list[float]):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                answer = conn.getresponse()
                answer.read()
            except (http.client.HTTPException, OSError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            if answer.status != 200:
                failures.append(answer.status)
                return
            mine.append(time.perf_counter() - started)
        conn.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(mine,)) for mine in latencies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"GET {path} on port {port} answered {failures[0]}")
    elapsed = time.perf_counter() - began
    every = [latency for mine in latencies for latency in mine]
    return len(every) / elapsed, p95(every) * 1000


def throughput(database_url: str, secret_key: str, token: str, cookie: str) -> dict:
    """For the API list and the apprentices page: [(baseline rps, service rps)] per round, the
    service's p95s in ms, and the answers' sizes."""
    api = ("/api/v1/apprentices", {"Authorization": f"Bearer {token}"})
    page = ("/apprentices/", {"Cookie": cookie, "User-Agent": AGENT})
    # The rate limit counts every request (its cost is the service's), set far above the load:
    # one token makes thousands of requests a minute here.
    service_env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "API_RATE_LIMIT": "100000000/minute",
    }
    with gunicorn("app:app", service_env, ROOT) as service:
        api_body = fetch(service, *api)
        page_body = fetch(service, *page)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as payload:
            json.dump({"api": json.loads(api_body), "page_bytes": len(page_body)}, payload)
        try:
            with gunicorn("bare_app:app", {"BARE_PAYLOAD": payload.name}, BENCH) as bare:
                sizes = {
                    "api": (len(fetch(bare, *api)), len(api_body)),
                    "page": (len(fetch(bare, *page)), len(page_body)),
                }
                found = {}
                for name, (path, headers) in {"api": api, "page": page}.items():
                    load(bare, path, headers, WARM_UP)
                    load(service, path, headers, WARM_UP)
                    rounds, latencies = [], []
                    for _ in range(3):
                        baseline, _ = load(bare, path, headers)
                        subject, latency = load(service, path, headers)
                        rounds.append((baseline, subject))
                        latencies.append(latency)
                        print(
                            f"    {path}: bare {baseline:.0f} req/s, service {subject:.0f} req/s"
                            f" (p95 {latency:.0f} ms)",
                            flush=True,
                        )
                    found[name] = {
                        "rounds": rounds,
                        "p95": sorted(latencies)[1],
                        "sizes": sizes[name],
                    }
                return found
        finally:
            os.unlink(payload.name)
