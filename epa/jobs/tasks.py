"""The tasks workers run. Each is safe to run twice: a job's claim, the outbox's per-message lock
and the reminders' notices keep the effect to one."""

import logging
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import select

from epa import clock
from epa.extensions import db
from epa.jobs import files, queue, running
from epa.jobs.models import Job
from epa.reminders.jobs import KIND as REMINDERS
from epa.rules.local_time import LONDON

log = logging.getLogger("epa.jobs")

RUN = "epa.jobs.run"


@shared_task(bind=True, name=RUN, max_retries=None)
def run_job(self, job_id: int) -> str:
    outcome = running.run(job_id)
    if outcome.state == "retry":
        _again(self, RUN, (job_id,), outcome.countdown)
    return outcome.state


@shared_task(name="epa.jobs.recover")
def recover() -> int:
    """Hand again to the queue every job whose worker died or whose message was lost."""
    ids = running.recover()
    for job_id in ids:
        queue.dispatch(RUN, job_id)
    if ids:
        log.warning("Jobs %s handed to the queue again", ids)
    return len(ids)


@shared_task(name="epa.jobs.remove_expired_files")
def remove_expired_files() -> int:
    return files.remove_expired()


@shared_task(bind=True, name="epa.mail.send", max_retries=8)
def send_mail(self, ids: list[int]) -> int:
    """Send messages just committed to the outbox; a server that cannot be reached is tried
    again with backoff (and the minutely sweep picks up whatever is still waiting)."""
    from epa.mail.sending import deliver_pending

    sent, failed = deliver_pending(current_app.config, limit=len(ids), ids=ids)
    if failed:
        _again(self, "epa.mail.send", (ids,), running.backoff(self.request.retries + 1))
    return sent


@shared_task(name="epa.mail.send_waiting")
def send_waiting_mail() -> int:
    from epa.mail.sending import deliver_pending

    sent, _ = deliver_pending(current_app.config)
    return sent


@shared_task(name="epa.reminders.daily")
def daily_reminders() -> int | None:
    """Start the day's reminders job once, from 07:00 London time; later calls that day find it
    already there (beat calls this at 07:00; the embedded ticker every minute)."""
    now = clock.now()
    local = now.astimezone(LONDON)
    if (local.hour, local.minute) < (queue.REMINDERS_AT["hour"], queue.REMINDERS_AT["minute"]):
        return None
    day = local.date().isoformat()
    since = now - timedelta(days=1)
    started = db.session.scalars(
        select(Job.params).where(Job.kind == REMINDERS, Job.created_at >= since)
    ).all()
    if any(params.get("date") == day for params in started):
        return None
    job = Job(kind=REMINDERS, channel="system", params={"date": day}, done=0, attempts=0)
    db.session.add(job)
    db.session.commit()
    run_job(job.id)
    return job.id


def _again(task, name: str, args: tuple, countdown: float) -> None:
    """Try later: through Celery's own retry on a worker, or the embedded queue's timer."""
    if task.request.called_directly or task.request.is_eager:
        if not current_app.config.get("JOBS_INLINE"):
            queue.dispatch(name, *args, countdown=countdown)
        return
    if task.max_retries is not None and task.request.retries >= task.max_retries:
        log.warning("%s%s gave up after %s tries", name, args, task.request.retries)
        return
    raise task.retry(countdown=countdown)
