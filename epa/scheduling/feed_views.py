"""The assessor's subscribable calendar feed: the secret address is the only key."""

from datetime import timedelta

from flask import Blueprint, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa import clock
from epa.apprentices.models import Apprentice
from epa.extensions import db
from epa.links import external_url
from epa.scheduling.around import LONGEST_SITTING
from epa.scheduling.diaries import assessor_for_feed
from epa.scheduling.invites import feed_file
from epa.scheduling.models import Assessment

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
    assessments = db.session.scalars(
        select(Assessment)
        .where(
            Assessment.assessor_id == assessor.id,
            Assessment.ends_at >= since,
            # the same, as a bound the assessor's index can seek to
            Assessment.starts_at >= since - LONGEST_SITTING,
        )
        .options(
            selectinload(Assessment.method),
            selectinload(Assessment.apprentice).selectinload(Apprentice.employer),
            selectinload(Assessment.apprentice).selectinload(Apprentice.standard),
            selectinload(Assessment.apprentice).selectinload(Apprentice.version),
        )
        .order_by(Assessment.starts_at)
    ).all()
    return Response(
        feed_file(assessor.name, assessments),
        mimetype="text/calendar",
        headers={"Cache-Control": "private, max-age=300"},
    )
