"""The bench's seeder (bench/busy_service.py), run small: the rows it writes in bulk are rows the
services would have written, so `make bench` times a service in a state it can really be in.
No timing here; that stays in `make bench`."""

import random
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from epa import clock
from epa.apprentices.models import STATUSES, Apprentice
from epa.apprentices.services import search_name
from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.gateway.models import GatewayAttempt
from epa.grading.models import Outcome, Result
from epa.grading.outcomes import summarise
from epa.grading.services import grade_of
from epa.rules.stages import Stage, assessment_stage
from epa.scheduling.models import Assessment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from busy_service import seed  # noqa: E402

APPRENTICES = 200


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(ctx):
    return seed(
        db,
        apprentices=APPRENTICES,
        assessments=3 * APPRENTICES,
        assessors=6,
        confirmed=APPRENTICES // 2,
        rng=random.Random(5),  # noqa: S311  (repeatable)
        grow_to=50,
    )


def test_the_seed_grows_to_the_counts_asked_for(world):
    assert _count(Apprentice) == 50
    first = _count(Assessment)
    assert 0 < first < 3 * APPRENTICES

    world.grow(db, APPRENTICES)

    assert _count(Apprentice) == APPRENTICES
    assert _count(Assessment) == 3 * APPRENTICES
    assert _count(Outcome) == APPRENTICES // 2
    assert db.session.scalar(select(func.count()).where(Outcome.confirmed_at.is_not(None))) == (
        APPRENTICES // 2
    )
    assert _count(AuditEvent) >= APPRENTICES
    statuses = Counter(db.session.scalars(select(Apprentice.status)))
    assert set(statuses) == set(STATUSES)
    assert statuses["completed"] == APPRENTICES // 2


def test_every_row_is_one_the_services_would_write(world):
    world.grow(db, APPRENTICES)
    now = clock.now()
    for apprentice in db.session.scalars(select(Apprentice)):
        assert apprentice.search_name == search_name(apprentice.given_names, apprentice.family_name)
        passed = db.session.scalar(
            select(func.count()).where(GatewayAttempt.apprentice_id == apprentice.id)
        )
        assert passed == (apprentice.gateway_date is not None)
        assert (apprentice.status == "withdrawn") == (apprentice.withdrawn_at is not None)
    stages = Counter()
    for assessment in db.session.scalars(select(Assessment)):
        result = assessment.result
        submitted = bool(result and result.is_submitted)
        stages[assessment_stage(assessment.status, assessment.starts_at, now, submitted)] += 1
        if submitted:
            assert result.method_grade == grade_of(assessment, result.judgements)
            assert result.criteria_judged
        if result is not None:
            assert result.updated_by_id == assessment.assessor_id
            assert assessment.starts_at <= now  # a result is recorded once it has started
    assert set(stages) == set(Stage)
    drafts = db.session.scalar(select(func.count()).where(Result.is_submitted.is_(False)))
    assert drafts > 0


def test_outcomes_are_those_the_grading_service_gives(world):
    world.grow(db, APPRENTICES)
    seen = Counter()
    current = select(Apprentice).where(Apprentice.status != "withdrawn")
    for apprentice in db.session.scalars(current):
        outcome = summarise(apprentice).outcome
        seen[outcome.status] += 1
        signed = db.session.scalar(select(Outcome).where(Outcome.apprentice_id == apprentice.id))
        if apprentice.status == "completed":
            assert outcome.status == "confirmed"
            fresh = summarise_unconfirmed(apprentice, signed)
            assert signed.overall_grade == fresh
            assert signed.epa_date == signed.achievement_date
    assert seen["provisional"] > 0 and seen["incomplete"] > 0


def summarise_unconfirmed(apprentice, signed) -> str:
    """The overall grade the service works out from the results, as a sign-off would take it."""
    confirmed_at = signed.confirmed_at
    signed.confirmed_at = None
    try:
        return summarise(apprentice).outcome.overall_grade
    finally:
        signed.confirmed_at = confirmed_at
