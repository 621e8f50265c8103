"""Running a job exactly once, whatever carries it and however often it is delivered.

A run first claims the job (one UPDATE that only one run can win), then does the work in one
transaction that also marks the job succeeded, and only while its claim still stands: a worker
that dies mid-job commits nothing, and its lease runs out so another worker can take the job
over. Progress and the lease are written by a thread of their own on a separate connection,
because the work's own transaction stays open until everything is done.
"""

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError

from epa import clock
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db
from epa.jobs.models import Job

log = logging.getLogger("epa.jobs")

#: a job is given up after this many starts
MAX_ATTEMPTS = 5
#: progress and the lease are written at most this often
REPORT_SECONDS = 1.0
#: errors worth another try later: the database or another server was away for a moment
TRANSIENT = (OperationalError, ConnectionError, TimeoutError)

Progress = Callable[[int, int | None], None]
#: kind -> the function doing the work: it takes the job and a progress callback, changes rows in
#: db.session without committing, and returns the job's result (JSON)
HANDLERS: dict[str, Callable[[Job, Progress], dict]] = {}


def handler(kind: str):
    def register(function):
        HANDLERS[kind] = function
        return function

    return register


class TransientJobError(Exception):
    """Raised by a handler when the work may succeed if tried again later."""


@dataclass(frozen=True)
class Outcome:
    #: "done" (finished, failed, or nothing to do) or "retry"
    state: str
    countdown: float = 0.0


def backoff(attempt: int) -> float:
    """Seconds before the next try: 10 s, 20 s, 40 s, ... at most 10 minutes."""
    return float(min(10 * 2 ** max(attempt - 1, 0), 600))


def run(job_id: int) -> Outcome:
    """Run the job if it is this run's to run; say whether it should be tried again later."""
    token = secrets.token_hex(16)
    job = _claim(job_id, token)
    if job is None:
        return _why_not(job_id)
    if job.attempts > MAX_ATTEMPTS:
        _finish(job_id, token, status="failed", error=_gave_up())
        return Outcome("done")
    work = HANDLERS.get(job.kind)
    if work is None:
        _finish(job_id, token, status="failed", error={"code": "job_failed", "message": "Unknown."})
        return Outcome("done")
    reporter = _Reporter(job_id, token)
    g.actor = db.session.get(User, job.user_id) if job.user_id else None
    g.channel = job.channel
    g.job_id = job.id
    try:
        result = work(job, reporter.step)
        reporter.stop()
        if _succeed(job_id, token, result, reporter.latest):
            db.session.commit()
            log.info("Job %s (%s) succeeded", job_id, job.kind)
        else:
            db.session.rollback()
            log.warning("Job %s lost its claim before finishing; another run holds it", job_id)
        return Outcome("done")
    except ServiceError as error:
        reporter.stop()
        db.session.rollback()
        _finish(job_id, token, status="failed", error=error.detail())
        return Outcome("done")
    except (*TRANSIENT, TransientJobError) as error:
        reporter.stop()
        db.session.rollback()
        wait = backoff(job.attempts)
        log.warning("Job %s will be tried again in %.0f s: %s", job_id, wait, type(error).__name__)
        _release(job_id, token, wait)
        return Outcome("retry", wait)
    except Exception:
        reporter.stop()
        db.session.rollback()
        log.exception("Job %s (%s) failed", job_id, job.kind)
        _finish(job_id, token, status="failed", error=_broke())
        return Outcome("done")
    finally:
        reporter.stop()


def _claim(job_id: int, token: str) -> Job | None:
    """Take the job: queued and due, or running on a lease that has run out."""
    now = clock.now()
    claimed = db.session.execute(
        update(Job)
        .where(
            Job.id == job_id,
            Job.status.in_(("queued", "running")),
            or_(Job.lease_until.is_(None), Job.lease_until <= now),
        )
        .values(
            status="running",
            claim=token,
            lease_until=now + _lease(),
            attempts=Job.attempts + 1,
            started_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        return None
    return db.session.scalars(
        select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
    ).one()


def _why_not(job_id: int) -> Outcome:
    job = db.session.get(Job, job_id)
    if job is not None and job.status == "queued" and job.lease_until is not None:
        # Waiting out a backoff: this delivery came early (the queue's retry or recovery).
        return Outcome("retry", max((job.lease_until - clock.now()).total_seconds(), 1.0))
    return Outcome("done")


def _succeed(job_id: int, token: str, result: dict, progress) -> bool:
    """Mark the job done in the work's own transaction, if the claim still stands."""
    done = dict(zip(("done", "total"), progress, strict=True)) if progress else {}
    return bool(
        db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.claim == token)
            .values(**_ended("succeeded"), result=result, **done)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def _finish(job_id: int, token: str, *, status: str, error: dict) -> None:
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.claim == token)
        .values(**_ended(status), error=error)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _release(job_id: int, token: str, wait: float) -> None:
    """Back to the queue, not to be taken before the backoff has passed."""
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.claim == token)
        .values(status="queued", claim=None, lease_until=clock.now() + timedelta(seconds=wait))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _ended(status: str) -> dict:
    # The uploaded file is personal data the job no longer needs.
    return {
        "status": status,
        "claim": None,
        "lease_until": None,
        "upload": None,
        "finished_at": clock.now(),
    }


def _gave_up() -> dict:
    return {
        "code": "job_failed",
        "message": f"The work could not be completed after {MAX_ATTEMPTS} tries; start it again, "
        "and if it fails again, tell your administrator.",
    }


def _broke() -> dict:
    return {
        "code": "job_failed",
        "message": "Something went wrong and nothing was changed; start it again, and if it "
        "fails again, tell your administrator.",
    }


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])


def recover() -> list[int]:
    """Jobs to hand to the queue again: running on a lease that ran out (their worker died), or
    queued and due (their message was lost, or their backoff has passed)."""
    now = clock.now()
    stale = now - timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])
    return list(
        db.session.scalars(
            select(Job.id)
            .where(
                or_(
                    and_(Job.status == "running", Job.lease_until <= now),
                    and_(
                        Job.status == "queued",
                        or_(
                            Job.lease_until <= now,
                            and_(Job.lease_until.is_(None), Job.created_at <= stale),
                        ),
                    ),
                )
            )
            .order_by(Job.id)
            .limit(100)
        )
    )


class _Reporter:
    """Writes the latest progress, and renews the lease, from a thread of its own."""

    def __init__(self, job_id: int, token: str):
        self.job_id, self.token = job_id, token
        self.engine = db.engine
        self.lease = _lease()
        self.latest: tuple[int, int | None] | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name=f"epa-job-{job_id}", daemon=True)
        self.thread.start()

    def step(self, done: int, total: int | None) -> None:
        self.latest = (done, total)

    def stop(self) -> None:
        if not self.stopped.is_set():
            self.stopped.set()
            self.thread.join()

    def _loop(self) -> None:
        while not self.stopped.wait(REPORT_SECONDS):
            self._write()

    def _write(self) -> None:
        values = {"lease_until": clock.now() + self.lease}
        if self.latest is not None:
            values["done"], values["total"] = self.latest
        statement = (
            update(Job).where(Job.id == self.job_id, Job.claim == self.token).values(**values)
        )
        sqlite = self.engine.dialect.name == "sqlite"
        try:
            with self.engine.connect() as connection:
                if sqlite:
                    # The work's transaction may hold SQLite's one write lock: skip this report
                    # rather than wait (the next one, or the end of the work, will do).
                    connection.execute(text("PRAGMA busy_timeout = 50"))
                try:
                    connection.execute(statement)
                    connection.commit()
                finally:
                    if sqlite:
                        connection.execute(text("PRAGMA busy_timeout = 5000"))
        except DBAPIError as error:
            log.debug("Progress of job %s not written: %s", self.job_id, error)
