"""Redis away when work is handed on: the change is committed and answered, the job waits in
the database, and recovery hands it on once Redis is back."""

import logging

import pytest

from epa import create_app
from epa.extensions import db
from epa.jobs import services
from epa.jobs.models import Job
from tests import conftest


@pytest.fixture
def app_without_redis(database_url, tmp_path):
    away = create_app(
        {
            **conftest.test_settings(database_url, tmp_path),
            "REDIS_URL": "redis://127.0.0.1:9/0",
            "JOBS_INLINE": False,
        }
    )
    yield away
    with away.app_context():
        db.engine.dispose()  # its own pool: closed here, not left to the garbage collector


def test_a_job_started_while_redis_is_away_is_kept_and_the_commit_stands(app_without_redis, caplog):
    with app_without_redis.app_context(), caplog.at_level(logging.ERROR, logger="epa.jobs"):
        job = services.start("export_bookings", user=None, channel="api", params={})
        db.session.commit()  # hands the job to Redis, which does not answer
        job_id = job.id
        db.session.expire_all()
        assert db.session.get(Job, job_id).status == "queued"
    assert "recovery will pick it up" in caplog.text
