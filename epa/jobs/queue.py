"""Where work goes once its transaction commits: Celery on Redis when REDIS_URL is set, otherwise
a thread of the process that committed it (the embedded default, so `make run` needs no server).

Work is handed over only after the commit, so a worker never looks for a row that is not there
yet, and a rolled-back request starts nothing. Whatever carries it, the state of a job lives in
the database (epa.jobs.models), and every task is safe to run twice.
"""

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import worker_process_init
from flask import Flask, current_app
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from epa.extensions import db

log = logging.getLogger("epa.jobs")

#: what each periodic task does is in epa.jobs.tasks; beat (or the embedded ticker) runs them
MAIL_EVERY_SECONDS = 60
FILES_EVERY_SECONDS = 3600
#: the morning reminders and digest, Europe/London
REMINDERS_AT = {"hour": 7, "minute": 0}


def init_app(app: Flask) -> Celery:
    """The Celery application for this Flask app: every task runs inside an app context."""

    class AppTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    @worker_process_init.connect(weak=False)
    def fresh_connections(**kwargs):
        # A forked worker process must not share the parent's database connections.
        with app.app_context():
            db.engine.dispose(close=False)

    celery = Celery(app.import_name, task_cls=AppTask)
    celery.config_from_object(celery_settings(app.config))
    celery.set_default()
    app.extensions["celery"] = celery
    local = app.extensions["epa_jobs"] = _Local(app)

    @app.before_request
    def play_beat():
        # Started by the first request a web process answers (after gunicorn's fork), never
        # by a command line or a worker.
        if local.ticker is None:
            local.start_ticker()

    from epa.jobs import tasks  # noqa: F401  (the tasks, registered on this Celery app)

    return celery


def celery_settings(config) -> dict:
    redis_url = config.get("REDIS_URL")
    lease = config["JOB_LEASE_SECONDS"]
    return {
        "broker_url": redis_url or "memory://",
        "result_backend": redis_url or None,
        "task_ignore_result": False,
        "result_expires": 7 * 24 * 3600,
        "task_default_queue": config["JOB_QUEUE"],
        # A task is taken off the queue only once it has finished: a worker that dies mid-job
        # leaves the message for another (the job's lease in the database keeps it to one run).
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # How long a message taken by a worker that went silent waits before another may take it.
        "broker_transport_options": {"visibility_timeout": config["JOB_VISIBILITY_SECONDS"]},
        "broker_connection_retry_on_startup": True,
        "timezone": "Europe/London",
        "enable_utc": True,
        "beat_schedule_filename": config["CELERY_BEAT_SCHEDULE"],
        "beat_schedule": {
            "recover-jobs": {"task": "epa.jobs.recover", "schedule": float(lease)},
            "send-waiting-mail": {"task": "epa.mail.send_waiting", "schedule": MAIL_EVERY_SECONDS},
            "remove-expired-files": {
                "task": "epa.jobs.remove_expired_files",
                "schedule": FILES_EVERY_SECONDS,
            },
            "morning-reminders": {
                "task": "epa.reminders.daily",
                "schedule": crontab(**REMINDERS_AT),
            },
        },
    }


def after_commit(session: Session, send: Callable[[], None]) -> None:
    """Call `send` once the session's transaction has committed; never if it rolls back."""
    session.info.setdefault("after_commit", []).append(send)


def dispatch_after_commit(session: Session, name: str, row) -> None:
    """Hand the row's id to task `name` once the transaction commits; the rows one transaction
    hands to a task go to it together, as one list."""
    session.info.setdefault("after_commit_batches", {}).setdefault(name, []).append(row)


def dispatch(name: str, *args, countdown: float | None = None) -> None:
    """Hand a task to the queue (Redis), or to this process's own worker thread."""
    app = current_app._get_current_object()
    if app.config.get("REDIS_URL"):
        app.extensions["celery"].send_task(name, args=list(args), countdown=countdown)
    else:
        app.extensions["epa_jobs"].submit(name, args, countdown)


class _Local:
    """The embedded queue: one thread per process runs tasks in turn (or, when JOBS_INLINE is
    set, as tests do, at once on the committing thread); a daemon thread plays beat."""

    def __init__(self, app: Flask):
        self.app = app
        self.executor: ThreadPoolExecutor | None = None
        self.ticker: threading.Thread | None = None
        self.lock = threading.Lock()

    def submit(self, name: str, args: tuple, countdown: float | None) -> None:
        if self.app.config.get("JOBS_INLINE"):
            self.run(name, args)
            return
        with self.lock:
            if self.executor is None:
                self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="epa-job")
        if countdown:
            timer = threading.Timer(countdown, self.executor.submit, (self.run, name, args))
            timer.daemon = True
            timer.start()
        else:
            self.executor.submit(self.run, name, args)

    def run(self, name: str, args: tuple) -> None:
        task = self.app.extensions["celery"].tasks[name]
        try:
            task(*args)  # AppTask.__call__: a fresh app context, so a session of its own
        except Exception:
            log.exception("Task %s%s failed", name, args)

    def start_ticker(self) -> None:
        """Play beat in this process: the same periodic tasks, every minute."""
        config = self.app.config
        if config.get("JOBS_INLINE") or config.get("REDIS_URL") or not config["JOBS_TICKER"]:
            return
        with self.lock:
            if self.ticker is not None:
                return
            self.ticker = threading.Thread(target=self._tick, name="epa-beat", daemon=True)
            self.ticker.start()

    def _tick(self) -> None:
        stop = threading.Event()
        while not stop.wait(MAIL_EVERY_SECONDS):
            # The morning reminders check the hour and the day themselves: once a day, from 07:00.
            for name in ("epa.jobs.recover", "epa.mail.send_waiting", "epa.reminders.daily"):
                self.submit(name, (), None)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    sends = session.info.pop("after_commit", [])
    for name, rows in session.info.pop("after_commit_batches", {}).items():
        # The rows are expired by the commit: their identity needs no query.
        ids = [inspect(row).identity[0] for row in rows if inspect(row).identity]
        sends.append(partial(dispatch, name, ids))
    for send in sends:
        try:
            send()
        except Exception:  # the change is committed; handing it on must never undo the answer
            log.exception("Work committed but not handed to the queue; recovery will pick it up")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("after_commit", None)
    session.info.pop("after_commit_batches", None)
