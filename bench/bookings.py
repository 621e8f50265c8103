"""The booking page's "Show who is free then", booking itself (the API's POST, as the page's
booking calls the same service), and an assessor's calendar feed: requests made through
Flask's test client, timed and their statements counted."""

import time
from datetime import timedelta

from pages import Statements, csrf_token, getter, p95, timed
from sqlalchemy import func, select

from epa import clock
from epa.rules.scheduling import is_working_day

#: bookings to time, after those that warm up
BOOKINGS = 40
WARM_UP = 5


def who_is_free(client, apprentice_id: int, statements: Statements, **limits):
    """Time "Show who is free then" for a discussion three weeks ahead at 10:00: (p95 ms,
    statements, requests)."""
    path = f"/apprentices/{apprentice_id}/assessments/new"
    page = client.get(path)
    if page.status_code != 200:
        raise SystemExit(f"GET {path}: {page.status_code}")
    day = clock.today() + timedelta(days=21)
    while not is_working_day(day):
        day += timedelta(days=1)
    form = {
        "csrf_token": csrf_token(page.data),
        "method": "discussion",
        "starts_on": [str(day.day), str(day.month), str(day.year)],
        "start_time": "10:00",
        "check": "Show who is free then",
    }

    def call():
        answer = client.post(path, data=form)
        if answer.status_code != 200 or b'name="assessor_id"' not in answer.data:
            raise SystemExit(f"Show who is free then: {answer.status_code}")

    return timed(call, statements, **limits)


def book(api, apprentice_ids: list[int], statements: Statements):
    """Book, one apprentice after another, the earliest slot the finder offers (found just
    before, untimed): (p95 ms, statements of the median booking, bookings timed)."""
    samples, counts = [], []
    for apprentice_id in apprentice_ids:
        answer = api.get(f"/api/v1/apprentices/{apprentice_id}/slots?method=discussion&limit=1")
        items = (answer.get_json() or {}).get("items") if answer.status_code == 200 else None
        if not items:
            continue
        slot = {
            "apprentice_id": apprentice_id,
            "method": "discussion",
            "assessor_id": items[0]["assessor"]["id"],
            "starts_at": items[0]["starts_at"],
            "location": "Employer site",
        }
        before = statements.count
        started = time.perf_counter()
        answer = api.post("/api/v1/assessments", json=slot)
        samples.append(time.perf_counter() - started)
        counts.append(statements.count - before)
        if answer.status_code != 201:
            raise SystemExit(f"booking {slot}: {answer.status_code} {answer.data[:300]!r}")
        if len(samples) == BOOKINGS + WARM_UP:
            break
    if len(samples) < BOOKINGS + WARM_UP:
        raise SystemExit(f"only {len(samples)} apprentices had a slot to book")
    counts = sorted(counts[WARM_UP:])
    return p95(samples[WARM_UP:]) * 1000, counts[len(counts) // 2], BOOKINGS


def feed_assessor(db, assessor_ids: list[int], wanted: int = 500) -> tuple[int, int]:
    """The assessor whose feed holds nearest `wanted` bookings, and how many it holds."""
    from epa.scheduling.feed_views import HISTORY
    from epa.scheduling.models import Assessment

    counts = db.session.execute(
        select(Assessment.assessor_id, func.count())
        .where(
            Assessment.assessor_id.in_(assessor_ids),
            Assessment.ends_at >= clock.now() - HISTORY,
        )
        .group_by(Assessment.assessor_id)
    ).all()
    assessor_id, count = min(counts, key=lambda row: abs(row[1] - wanted))
    return assessor_id, count


def feed(client, db, assessor_id: int, statements: Statements, **limits):
    """Time the assessor's calendar feed: (p95 ms, statements, requests)."""
    from epa.auth.models import User
    from epa.scheduling.diaries import issue_calendar_token

    token = issue_calendar_token(db.session.get(User, assessor_id))
    db.session.commit()
    return timed(getter(client, f"/calendar/{token}.ics"), statements, **limits)
