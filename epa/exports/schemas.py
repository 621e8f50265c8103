"""What the exports take: a range of dates, either end of which may be left out."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import Field

from epa.shapes import Command, OptionalDay


class ExportRange(Command):
    """The dates asked for; an end left out takes its default (see `DateRange`)."""

    from_: Annotated[
        OptionalDay("from date", "First date (counts); the default depends on the export"),
        Field(alias="from"),
    ] = None
    to: OptionalDay(
        "to date", "Last date (counts), not before `from`; the default depends on the export"
    ) = None


@dataclass(frozen=True)
class DateRange:
    """The dates an export covers, both counted."""

    first: date
    last: date
