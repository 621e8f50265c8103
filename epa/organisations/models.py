"""Employers and training providers."""

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from epa import clock
from epa.extensions import db
from epa.rules.organisations import NAME_KEY_LENGTH, organisation_name_key
from epa.types import UTCDateTime


class Employer(db.Model):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: the database refuses two employers whose names differ only in case or spacing
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def public(self) -> dict:
        return {"id": self.id, "name": self.name}


#: the spreadsheet import finds an employer by its name's key
employer_name_key = organisation_name_key


class Provider(db.Model):
    """A training provider, known by its UK provider reference number."""

    __tablename__ = "providers"
    __table_args__ = (CheckConstraint("length(ukprn) = 8", name="ukprn_eight_digits"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: the database refuses two providers whose names differ only in case or spacing
    name_key: Mapped[str] = mapped_column(String(NAME_KEY_LENGTH), unique=True)
    ukprn: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def public(self) -> dict:
        return {"id": self.id, "name": self.name, "ukprn": self.ukprn}
