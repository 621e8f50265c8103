"""Jobs: recorded in the database, run once whatever delivers them, taken over when a worker
dies, retried with backoff, and seen only by whoever started them (or an administrator)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from epa import clock
from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.jobs import running, tasks
from epa.jobs.models import Job
from tests.imports.test_import import IMPORT, multipart, row, uln, xlsx


def queue_import(api_client, rows) -> int:
    response = api_client.post(IMPORT, **multipart({}, {"file": (xlsx(rows), "a.xlsx")}))
    assert response.status_code == 202, response.get_json()
    body = response.get_json()["job"]
    assert body["status"] == "queued" and body["url"] == f"/api/v1/jobs/{body['id']}"
    return body["id"]


def job_row(app, job_id) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def run(app, job_id) -> running.Outcome:
    with app.app_context():
        return running.run(job_id)


def test_an_import_is_queued_then_a_worker_registers_it_and_the_job_says_so(
    app, api, held_tasks, organisations, standard
):
    staff = api("staff")
    job_id = queue_import(staff, [row(), row(uln=uln(1))])
    assert held_tasks == [("epa.jobs.run", (job_id,))]
    assert count(app, Apprentice) == 0
    waiting = staff.get(f"/api/v1/jobs/{job_id}").get_json()
    assert waiting == {
        "id": job_id,
        "kind": "import_apprentices",
        "status": "queued",
        "progress": {"done": 0, "total": None},
        "result": None,
        "error": None,
    }

    assert tasks.run_job(job_id) == "done"

    done = staff.get(f"/api/v1/jobs/{job_id}").get_json()
    assert done["status"] == "succeeded"
    assert done["result"] == {"created": 2}
    assert done["progress"] == {"done": 2, "total": 2}
    assert count(app, Apprentice) == 2
    assert job_row(app, job_id).upload is None  # the file is not kept once read


def test_the_rows_are_audited_as_the_user_who_started_the_import(
    app, api, held_tasks, organisations, standard, make_user, make_token
):
    user_id = make_user("staff")
    job_id = queue_import(api_client_for(api, make_token, user_id), [row()])
    run(app, job_id)
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "apprentice")
        ).one()
        assert (event.actor_id, event.channel) == (user_id, "api")


def api_client_for(api, make_token, user_id):
    from tests.conftest import ApiClient

    client = api("staff").client
    return ApiClient(client, make_token("staff", user_id=user_id))


def test_a_refused_file_fails_the_job_with_the_422_body_and_registers_nobody(
    app, api, held_tasks, organisations, standard
):
    staff = api("staff")
    job_id = queue_import(staff, [row(), row(uln=uln(2), ehc_plan="Maybe")])
    run(app, job_id)
    failed = staff.get(f"/api/v1/jobs/{job_id}").get_json()
    assert failed["status"] == "failed" and failed["result"] is None
    assert failed["error"]["code"] == "import_rejected"
    assert failed["error"]["rows"] == [
        {"row": 3, "column": "EHC plan", "message": "Enter Yes or No (leave it blank for No)"}
    ]
    assert count(app, Apprentice) == 0


def test_a_job_runs_once_however_often_it_is_delivered(
    app, api, held_tasks, organisations, standard
):
    job_id = queue_import(api("staff"), [row()])
    assert run(app, job_id) == running.Outcome("done")
    assert run(app, job_id) == running.Outcome("done")
    assert count(app, Apprentice) == 1
    assert job_row(app, job_id).attempts == 1


def test_a_job_held_by_a_live_worker_is_left_alone(app, api, held_tasks, organisations, standard):
    job_id = queue_import(api("staff"), [row()])
    with app.app_context():
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="running", claim="other", lease_until=clock.now() + timedelta(minutes=1))
        )
        db.session.commit()
        assert running.recover() == []
    assert run(app, job_id) == running.Outcome("done")
    assert count(app, Apprentice) == 0
    assert job_row(app, job_id).status == "running"


def test_a_job_whose_worker_died_is_taken_over_once_its_lease_runs_out(
    app, api, held_tasks, organisations, standard, move_clock
):
    job_id = queue_import(api("staff"), [row()])
    with app.app_context():
        # A worker claimed it, then died: it renews the lease no more and committed nothing.
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                status="running",
                claim="dead",
                attempts=1,
                lease_until=clock.now() + timedelta(seconds=60),
            )
        )
        db.session.commit()
    move_clock(clock.now() + timedelta(seconds=61))
    held_tasks.clear()
    with app.app_context():
        assert tasks.recover() == 1
    assert held_tasks == [("epa.jobs.run", (job_id,))]
    run(app, job_id)
    job = job_row(app, job_id)
    assert (job.status, job.attempts, job.result) == ("succeeded", 2, {"created": 1})
    assert count(app, Apprentice) == 1


def test_a_run_that_lost_its_claim_commits_nothing(
    app, api, held_tasks, organisations, standard, monkeypatch
):
    job_id = queue_import(api("staff"), [row()])
    work = running.HANDLERS["import_apprentices"]

    def overtaken(job, progress):
        # Another worker takes the job over (this run's lease ran out) while the work goes on.
        with db.engine.connect() as other:
            other.execute(update(Job).where(Job.id == job.id).values(claim="another"))
            other.commit()
        return work(job, progress)

    monkeypatch.setitem(running.HANDLERS, "import_apprentices", overtaken)
    run(app, job_id)
    assert count(app, Apprentice) == 0
    assert job_row(app, job_id).status == "running"


def test_a_transient_failure_is_retried_with_backoff_then_given_up(
    app, api, held_tasks, organisations, standard, monkeypatch, move_clock
):
    job_id = queue_import(api("staff"), [row()])

    def flaky(job, progress):
        raise running.TransientJobError("the database went away")

    monkeypatch.setitem(running.HANDLERS, "import_apprentices", flaky)
    outcome = run(app, job_id)
    assert outcome == running.Outcome("retry", 10.0)
    job = job_row(app, job_id)
    assert (job.status, job.attempts) == ("queued", 1)
    # Too early: the next delivery waits out the backoff.
    assert run(app, job_id).state == "retry"
    assert job_row(app, job_id).attempts == 1
    for attempt in range(2, running.MAX_ATTEMPTS + 1):
        move_clock(clock.now() + timedelta(seconds=running.backoff(attempt - 1) + 1))
        assert run(app, job_id) == running.Outcome("retry", running.backoff(attempt))
    move_clock(clock.now() + timedelta(seconds=running.backoff(running.MAX_ATTEMPTS) + 1))
    assert run(app, job_id) == running.Outcome("done")
    job = job_row(app, job_id)
    assert job.status == "failed" and job.error["code"] == "job_failed"
    assert count(app, Apprentice) == 0


@pytest.mark.parametrize(
    "attempt, seconds", [(1, 10), (2, 20), (3, 40), (6, 320), (7, 600), (20, 600)]
)
def test_backoff_doubles_up_to_ten_minutes(attempt, seconds):
    assert running.backoff(attempt) == seconds


def test_a_job_is_seen_only_by_whoever_started_it_or_an_administrator(
    app, api, held_tasks, organisations, standard
):
    job_id = queue_import(api("staff"), [row()])
    assert api("staff").get(f"/api/v1/jobs/{job_id}").status_code == 404
    assert api("assessor").get(f"/api/v1/jobs/{job_id}").status_code == 404
    assert api("admin").get(f"/api/v1/jobs/{job_id}").status_code == 200


def test_with_inline_jobs_the_import_answers_with_the_result(api, organisations, standard):
    response = api("staff").post(IMPORT, **multipart({}, {"file": (xlsx([row()]), "a.xlsx")}))
    assert response.status_code == 201
    assert response.get_json() == {"created": 1}
    refused = api("staff").post(
        IMPORT, **multipart({}, {"file": (xlsx([row(ehc_plan="Maybe")]), "a.xlsx")})
    )
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "import_rejected"


def test_a_file_that_is_not_an_xlsx_is_refused_before_it_is_queued(app, api, held_tasks):
    response = api("staff").post(IMPORT, **multipart({}, {"file": (b"a,b\n", "a.csv")}))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unreadable_file"
    assert held_tasks == [] and count(app, Job) == 0
