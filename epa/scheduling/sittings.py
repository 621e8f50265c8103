"""An apprentice's sittings (each assessment of theirs, with its result), read in one query for a
booking's checks: they ask several questions of the same few rows, which were a query each.

Each answer keeps the conditions of the query it replaces (`checks`), the result's SQL
comparisons included."""

from datetime import datetime

from sqlalchemy import select

from epa.extensions import db
from epa.grading.models import Result
from epa.rules.scheduling import Interval
from epa.scheduling.around import LONGEST_SITTING
from epa.scheduling.models import Assessment, AssessmentStatus

BOOKED, CANCELLED = AssessmentStatus.BOOKED, AssessmentStatus.CANCELLED


class Sittings:
    """The apprentice's sittings, every EPA's; `read` again after taking the locks."""

    def __init__(self, apprentice):
        self.apprentice = apprentice
        self.read()

    def read(self) -> None:
        self.rows = db.session.execute(
            select(
                Assessment.id,
                Assessment.method_id,
                Assessment.epa_round,
                Assessment.status,
                Assessment.starts_at,
                Assessment.ends_at,
                Result.is_submitted,
                Result.method_grade,
                Result.submitted_on,
            )
            .outerjoin(Result, Result.assessment_id == Assessment.id)
            .where(Assessment.apprentice_id == self.apprentice.id)
        ).all()

    def _current(self, exclude_id: int | None):
        """In the apprentice's current EPA, the one being moved (`exclude_id`) left out."""
        epa_round = self.apprentice.epa_round
        return [s for s in self.rows if s.epa_round == epa_round and s.id != exclude_id]

    def counted(self, exclude_id: int | None = None) -> list:
        """The current EPA's sittings that were not cancelled."""
        return [s for s in self._current(exclude_id) if s.status != CANCELLED]

    def latest(self, method_id: int, exclude_id: int | None = None):
        """The latest of the method's counted sittings (by start, then id), or None."""
        sittings = [s for s in self.counted(exclude_id) if s.method_id == method_id]
        return max(sittings, key=lambda s: (s.starts_at, s.id), default=None)

    def attempts(self, method_id: int) -> int:
        return sum(1 for s in self.counted() if s.method_id == method_id)

    def method_booked(self, method_id: int, exclude_id: int | None = None) -> bool:
        """A booked sitting of the method in the current EPA that is not a submitted fail. As
        SQL's NOT (is_submitted IS TRUE AND method_grade = 'fail') reads it, a submitted result
        without a grade is neither."""
        for s in self._current(exclude_id):
            if s.status != BOOKED or s.method_id != method_id:
                continue
            if s.is_submitted is not True or (
                s.method_grade is not None and s.method_grade != "fail"
            ):
                return True
        return False

    def booked_overlapping(
        self, starts_at: datetime, ends_at: datetime, exclude_id: int | None = None
    ) -> list[Interval]:
        """Booked sittings of any EPA that overlap the time (none starts a longest sitting or more
        before it)."""
        return [
            Interval(s.starts_at, s.ends_at)
            for s in self.rows
            if s.status == BOOKED
            and s.starts_at < ends_at
            and s.starts_at > starts_at - LONGEST_SITTING
            and s.ends_at > starts_at
            and s.id != exclude_id
        ]
