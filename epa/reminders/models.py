"""What the periodic reminders have already sent, so a second run sends nothing twice."""

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from epa import clock
from epa.extensions import db
from epa.types import UTCDateTime


class Notice(db.Model):
    """One reminder or digest queued; its key is unique, so two runs (or two workers at once)
    cannot both queue it."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what was sent and to whom, e.g. `reminder:assessment:12:2026-12-10T10:00:00+00:00:assessor:3`
    key: Mapped[str] = mapped_column(String(200), unique=True)
    #: the day of the run that sent it (London)
    sent_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
