"""`make load`: the service under gunicorn on PostgreSQL, driven by LOAD_USERS (20) people at
once for LOAD_SECONDS (60): operations staff searching, booking and moving bookings and
downloading the bookings return, and assessors recording results. Asserts that nothing
answered 5xx and that no write was lost or made twice (the database's counts against what the
clients saw succeed); prints throughput and p95 per kind of request. Exits 1 on any failure.

The database: a fresh one on the PostgreSQL server DATABASE_URL names (the machine's own by
default), seeded with LOAD_APPRENTICES (3,000) apprentices by bench/busy_service.py, dropped
afterwards. CI runs it for 20 seconds (.ci/run).
"""

import itertools
import os
import random
import secrets
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
USERS = int(os.environ.get("LOAD_USERS", "20"))
APPRENTICES = int(os.environ.get("LOAD_APPRENTICES", "3000"))
ROOT = Path(__file__).resolve().parent.parent
#: how often each kind of request is made, by weight
MIX = {"search": 40, "book": 15, "reschedule": 15, "grade": 15, "export": 5, "read": 10}


def main() -> int:
    os.environ.setdefault("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql")):
        print("make load drives PostgreSQL: set DATABASE_URL to a server", file=sys.stderr)
        return 2
    from run import _database

    with _database() as url:
        return run(url)


def run(url: str) -> int:
    from busy_service import seed
    from flask_migrate import upgrade
    from http_load import gunicorn
    from sqlalchemy import select

    from epa import clock, create_app
    from epa.auth.models import User
    from epa.auth.services import create_token
    from epa.extensions import db
    from epa.grading.models import Result
    from epa.scheduling.models import Assessment

    secret = secrets.token_hex(32)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret, "PASSWORD_HASH_METHOD": "scrypt"}
    )
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        world = seed(
            db,
            apprentices=APPRENTICES,
            assessments=3 * APPRENTICES,
            assessors=40,
            confirmed=APPRENTICES // 2,
            rng=random.Random(29),  # noqa: S311  (a repeatable seed)
        )
        staff = [create_token(db.session.get(User, world.staff_id)) for _ in range(USERS)]
        graders = _graders(db, world, create_token)
        ahead = list(
            db.session.scalars(
                select(Assessment.id).where(
                    Assessment.status == "booked", Assessment.starts_at > clock.now()
                )
            )
        )
        names = [p.row["family_name"] for p in world.people[:200]]
        before = _counts(db, Assessment, Result)
        db.session.commit()
    print(f"seeded {APPRENTICES:,} apprentices in {time.perf_counter() - started:.0f} s")

    work = Work(staff, graders, world.waiting, ahead, names, world.counts["first_day"])
    # Each person has a token of their own, well within the rate limit, which stays on.
    env = {"DATABASE_URL": url, "SECRET_KEY": secret}
    with gunicorn("app:app", env, ROOT) as port:
        threads = [threading.Thread(target=work.user, args=(port, n)) for n in range(USERS)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began

    with app.app_context():
        after = _counts(db, Assessment, Result)
    return work.report(elapsed, before, after)


def _graders(db, world, create_token) -> list[tuple[str, int, dict]]:
    """(assessor's token, assessment id, every criterion met) for each assessment that has
    started and waits for its result."""
    from sqlalchemy import select

    from epa import clock
    from epa.auth.models import User
    from epa.grading.models import Result
    from epa.scheduling.models import Assessment

    rows = db.session.execute(
        select(Assessment.id, Assessment.assessor_id, Assessment.method_id)
        .outerjoin(Result, Result.assessment_id == Assessment.id)
        .where(Assessment.status == "booked", Result.id.is_(None))
        .where(Assessment.starts_at < clock.now())
    ).all()
    tokens: dict[int, str] = {}
    found = []
    for assessment_id, assessor_id, method_id in rows:
        if assessor_id not in tokens:
            tokens[assessor_id] = create_token(db.session.get(User, assessor_id))
        criteria = {code: True for code, _, _ in world.criteria[method_id]}
        found.append((tokens[assessor_id], assessment_id, criteria))
    return found


def _counts(db, Assessment, Result) -> dict:  # noqa: N803
    from sqlalchemy import func, select

    return {
        "assessments": db.session.scalar(select(func.count()).select_from(Assessment)),
        "sequence": db.session.scalar(select(func.coalesce(func.sum(Assessment.sequence), 0))),
        "submitted": db.session.scalar(
            select(func.count()).select_from(Result).where(Result.is_submitted)
        ),
    }


class Work:
    """What the simulated people do, and what they saw."""

    def __init__(self, staff, graders, waiting, ahead, names, first_day):
        self.staff, self.names, self.first_day = staff, names, first_day
        self.lock = threading.Lock()
        self.waiting, self.ahead, self.graders = list(waiting), list(ahead), list(graders)
        random.Random(3).shuffle(self.waiting)  # noqa: S311
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.booked = self.moved = self.submitted = 0
        self.places = itertools.count(1)
        self.stop = time.perf_counter() + SECONDS

    def _take(self, pool: list):
        with self.lock:
            return pool.pop() if pool else None

    def user(self, port: int, n: int) -> None:
        import http.client
        import json

        rng = random.Random(n)  # noqa: S311
        kinds, weights = zip(*MIX.items(), strict=True)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def call(kind, method, path, token, body=None):
            headers = {"Authorization": f"Bearer {token}"}
            payload = None
            if body is not None:
                payload = json.dumps(body)
                headers["Content-Type"] = "application/json"
            began = time.perf_counter()
            nonlocal conn
            try:
                conn.request(method, path, body=payload, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
            except (http.client.HTTPException, OSError) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with self.lock:
                    self.errors.append(f"{method} {path}: {error}")
                return None, None
            with self.lock:
                self.latencies[kind].append(time.perf_counter() - began)
                self.statuses[(kind, answer.status)] += 1
                if answer.status >= 500:
                    self.errors.append(f"{method} {path}: {answer.status} {data[:200]!r}")
            is_json = answer.getheader("Content-Type", "").startswith("application/json")
            return answer.status, (json.loads(data) if is_json and data else None)

        token = self.staff[n % len(self.staff)]
        while time.perf_counter() < self.stop:
            kind = rng.choices(kinds, weights)[0]
            if kind == "search":
                name = quote(rng.choice(self.names)[:4])
                call(kind, "GET", f"/api/v1/apprentices?q={name}&per_page=20", token)
            elif kind == "read":
                call(kind, "GET", "/api/v1/assessments?per_page=50", token)
            elif kind == "export":
                call(kind, "GET", f"/api/v1/exports/bookings.xlsx?from={self.first_day}", token)
            elif kind == "book":
                self._book(call, token)
            elif kind == "reschedule":
                assessment_id = rng.choice(self.ahead) if self.ahead else None
                if assessment_id is not None:
                    status, _ = call(
                        kind,
                        "PATCH",
                        f"/api/v1/assessments/{assessment_id}",
                        token,
                        # a place of its own each time: a change to the same place is no change
                        {"location": f"Room {n}.{next(self.places)}"},
                    )
                    if status == 200:
                        with self.lock:
                            self.moved += 1
            elif kind == "grade":
                self._grade(call)
        conn.close()

    def _book(self, call, token) -> None:
        apprentice_id = self._take(self.waiting)
        if apprentice_id is None:
            return
        path = f"/api/v1/apprentices/{apprentice_id}/slots?method=discussion&limit=1"
        status, found = call("slots", "GET", path, token)
        items = (found or {}).get("items") if status == 200 else None
        if not items:
            return
        slot = items[0]
        body = {
            "apprentice_id": apprentice_id,
            "method": "discussion",
            "assessor_id": slot["assessor"]["id"],
            "starts_at": slot["starts_at"],
            "location": "Employer site",
        }
        status, _ = call("book", "POST", "/api/v1/assessments", token, body)
        if status == 201:
            with self.lock:
                self.booked += 1

    def _grade(self, call) -> None:
        taken = self._take(self.graders)
        if taken is None:
            return
        token, assessment_id, criteria = taken
        path = f"/api/v1/assessments/{assessment_id}/result"
        status, _ = call("grade", "PUT", path, token, {"criteria": criteria})
        if status != 200:
            return
        status, _ = call("submit", "POST", f"{path}/submit", token)
        if status == 200:
            with self.lock:
                self.submitted += 1

    def report(self, elapsed: float, before: dict, after: dict) -> int:
        total = sum(len(times) for times in self.latencies.values())
        rate = total / elapsed
        print(f"\n{USERS} users for {elapsed:.0f} s: {total:,} requests, {rate:.0f} a second")
        print(f"{'request':<12}{'count':>8}{'p95 ms':>10}  statuses")
        for kind, times in sorted(self.latencies.items()):
            ordered = sorted(times)
            p95 = ordered[max(0, int(0.95 * len(ordered)) - 1)] * 1000
            statuses = ", ".join(
                f"{status}: {count}"
                for (k, status), count in sorted(self.statuses.items())
                if k == kind
            )
            print(f"{kind:<12}{len(times):>8}{p95:>10.1f}  {statuses}")
        checks = [
            ("bookings stored", after["assessments"] - before["assessments"], self.booked),
            ("booking changes stored", after["sequence"] - before["sequence"], self.moved),
            ("results submitted", after["submitted"] - before["submitted"], self.submitted),
        ]
        failed = bool(self.errors)
        for name, stored, seen in checks:
            ok = stored == seen
            failed |= not ok
            verdict = "" if ok else " (MISMATCH)"
            print(f"{name}: {stored} in the database, {seen} answered as done{verdict}")
        for error in self.errors[:10]:
            print(f"error: {error}", file=sys.stderr)
        if self.errors:
            print(f"{len(self.errors)} requests failed or answered 5xx", file=sys.stderr)
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
