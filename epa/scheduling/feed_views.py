"""The assessor's subscribable calendar feed: the secret address is the only key."""

from datetime import timedelta

from flask import Blueprint, Response
from sqlalchemy import select

from epa import clock
from epa.apprentices.models import Apprentice
from epa.extensions import db
from epa.links import external_url
from epa.organisations.models import Employer
from epa.scheduling.around import LONGEST_SITTING
from epa.scheduling.diaries import assessor_for_feed
from epa.scheduling.invites import EventFacts, feed_file
from epa.scheduling.models import Assessment
from epa.standards.models import AssessmentMethod, Standard, StandardVersion

bp = Blueprint("feed", __name__)

#: Past bookings older than this drop out of the feed; calendars keep what they already hold.
HISTORY = timedelta(days=90)


def feed_address(token: str) -> str:
    """The full private address of the feed the token opens."""
    return external_url("feed.calendar", token=token)


@bp.get("/calendar/<token>.ics")
def calendar(token: str):
    """The assessor's bookings, cancelled ones marked so subscribed calendars drop them."""
    assessor = assessor_for_feed(token)
    since = clock.now() - HISTORY
    # Columns, not rows: hundreds of bookings with their apprentices were most of the time.
    bookings = db.session.execute(
        select(
            Assessment.calendar_uid,
            Assessment.sequence,
            Assessment.starts_at,
            Assessment.ends_at,
            Assessment.location,
            Assessment.status,
            Assessment.cancel_reason,
            Assessment.attempt,
            Assessment.updated_at,
            Assessment.created_at,
            AssessmentMethod.name,
            AssessmentMethod.duration_minutes,
            Apprentice.given_names,
            Apprentice.family_name,
            Standard.reference,
            Standard.title,
            StandardVersion.version,
            Employer.name,
        )
        .join(AssessmentMethod, AssessmentMethod.id == Assessment.method_id)
        .join(Apprentice, Apprentice.id == Assessment.apprentice_id)
        .join(Standard, Standard.id == Apprentice.standard_id)
        .join(StandardVersion, StandardVersion.id == Apprentice.version_id)
        .join(Employer, Employer.id == Apprentice.employer_id)
        .where(
            Assessment.assessor_id == assessor.id,
            Assessment.ends_at >= since,
            # the same, as a bound the assessor's index can seek to
            Assessment.starts_at >= since - LONGEST_SITTING,
        )
        .order_by(Assessment.starts_at)
    ).all()
    return Response(
        feed_file(assessor, [_facts(*row) for row in bookings]),
        mimetype="text/calendar",
        headers={"Cache-Control": "private, max-age=300"},
    )


def _facts(*row) -> EventFacts:
    """The facts of a booking from the feed's columns, as `invites` reads them from its rows."""
    *booking, updated_at, created_at, method, minutes, given, family = row[:14]
    return EventFacts(
        *booking,
        updated_at or created_at,
        method,
        minutes,
        f"{given} {family}",  # Apprentice.full_name
        *row[14:],
    )
