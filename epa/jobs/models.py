"""A job: one piece of long work, its state and progress, kept where every web server and
worker sees it (the database), whichever queue carried it."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from epa import clock
from epa.extensions import db
from epa.types import UTCDateTime

STATUSES = ("queued", "running", "succeeded", "failed")


class Job(db.Model):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in STATUSES)})", name="status_known"),
        Index("ix_jobs_status_lease_until", "status", "lease_until"),
        Index("ix_jobs_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what the job does, a name registered in epa.jobs.kinds
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    #: who started it (only they, or an administrator, see it); none for timed work
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: "web" or "api": where it was started, for the audit of what it changes
    channel: Mapped[str] = mapped_column(String(10), default="web")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the uploaded file an import reads; emptied once the job has finished
    upload: Mapped[bytes | None] = mapped_column(LargeBinary)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None] = mapped_column()
    result: Mapped[dict | None] = mapped_column(JSON)
    #: a failed job's error, as the API's error body would carry it
    error: Mapped[dict | None] = mapped_column(JSON)
    #: how many times a worker has started it
    attempts: Mapped[int] = mapped_column(default=0)
    #: the run that holds the job, and until when; a run that stops renewing it is presumed dead
    claim: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a file the job made (an export), relative to the storage folder, and when it goes
    file_name: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")
