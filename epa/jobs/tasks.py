"""The tasks workers run. Each is safe to run twice: a job's claim, the outbox's per-message lock
and the reminders' notices keep the effect to one."""

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import IntegrityError

from epa import clock
from epa.extensions import db
from epa.jobs import files, queue, running
from epa.jobs.models import Job
from epa.reminders.jobs import KIND as REMINDERS
from epa.rules.local_time import LONDON

log = logging.getLogger("epa.jobs")

RUN = "epa.jobs.run"
#: how many times the mail task itself tries a batch before leaving it to the sweep
MAIL_TRIES = 4


@shared_task(name=RUN)
def run_job(job_id: int) -> str:
    outcome = running.run(job_id)
    if outcome.state == "retry":
        _again(RUN, (job_id,), outcome.countdown)  # the job's own attempts bound the retries
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


@shared_task(name="epa.mail.send")
def send_mail(ids: list[int], tries: int = 0) -> int:
    """Send messages just committed to the outbox. Those that could not be sent are tried again
    with backoff, a few times; after that the minutely sweep keeps trying each one until it has
    failed `MAX_ATTEMPTS` times."""
    from epa.mail.sending import deliver_pending, unsent

    sent, failed = deliver_pending(current_app.config, limit=len(ids), ids=ids)
    waiting = unsent(ids) if failed else []
    if waiting and tries + 1 < MAIL_TRIES:
        _again("epa.mail.send", (waiting, tries + 1), running.backoff(tries + 1))
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
    job = Job(
        kind=REMINDERS,
        channel="system",
        params={"date": day},
        once_key=f"{REMINDERS}:{day}",
        done=0,
        attempts=0,
    )
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:  # started already today, by this or another process
        db.session.rollback()
        return None
    run_job(job.id)
    return job.id


def _again(name: str, args: tuple, countdown: float) -> None:
    """Hand the task to the queue again for later (never at once when tests run jobs inline:
    they call it again themselves)."""
    if not current_app.config.get("JOBS_INLINE"):
        queue.dispatch(name, *args, countdown=countdown)
