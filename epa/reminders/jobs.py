"""The morning's reminders as a job: beat (or the embedded ticker) starts one a day, and its
page and row say what was sent."""

from datetime import date

from epa.jobs.models import Job
from epa.jobs.running import Progress, handler
from epa.reminders import services

KIND = "send_reminders"


@handler(KIND)
def send_reminders(job: Job, progress: Progress) -> dict:
    day = date.fromisoformat(job.params["date"])
    reminders = services.send_assessor_reminders(day)
    digests = services.send_deadline_digest(day)
    return {"assessor_reminders": reminders, "deadline_digests": digests}
