"""A job's page: a labelled progress bar while it runs, refreshed in place by script or by a
link without it; then the result. Only whoever started it, or an administrator, sees it."""

import re
import time

from sqlalchemy import update

from epa.extensions import db
from epa.jobs.models import Job
from tests.conftest import csrf_token
from tests.imports.test_import import multipart, row, xlsx


def start_import(client, rows) -> str:
    token = csrf_token(client.get("/imports").data)
    response = client.post(
        "/imports", **multipart({"csrf_token": token}, {"file": (xlsx(rows), "a.xlsx")})
    )
    assert response.status_code == 303
    return response.location


def test_a_running_import_shows_a_labelled_progress_bar_that_works_without_script(
    app, client, signed_in, held_tasks, organisations, standard
):
    signed_in("staff")
    location = start_import(client, [row()])
    job_id = int(location.rsplit("/", 1)[1])
    queued = client.get(location).get_data(as_text=True)
    assert "Waiting for a worker to start" in queued
    with app.app_context():
        db.session.execute(
            update(Job).where(Job.id == job_id).values(status="running", done=1200, total=10000)
        )
        db.session.commit()
    html = client.get(location).get_data(as_text=True)
    assert '<label class="govuk-label govuk-label--s" for="job-progress">Progress</label>' in html
    assert re.search(r'<progress [^>]*id="job-progress" max="10000" value="1200"', html)
    assert 'role="status" aria-live="polite"' in html
    assert "1,200 of 10,000 rows checked." in html
    assert f'href="{location}">Check progress</a>' in html  # without script
    assert f'data-job-status-url="{location}/status.json"' in html
    assert "/static/jobs.js" in html
    assert client.get(location + "/status.json").get_json()["progress"] == {
        "done": 1200,
        "total": 10000,
    }


def test_someone_else_is_told_nothing_of_a_job_but_an_administrator_sees_it(
    app, client, signed_in, held_tasks, organisations, standard
):
    signed_in("staff")
    location = start_import(client, [row()])
    for role, status in (("staff", 404), ("assessor", 404), ("admin", 200)):
        client._cookies.clear()  # signed out: a new browser
        signed_in(role)
        assert client.get(location).status_code == status
        assert client.get(location + "/status.json").status_code == status


def test_the_imports_page_lists_the_users_recent_imports(
    client, signed_in, held_tasks, organisations, standard
):
    signed_in("staff")
    location = start_import(client, [row()])
    html = client.get("/imports").get_data(as_text=True)
    assert "Your recent work" in html and f'href="{location}"' in html and "Waiting" in html


def test_without_inline_jobs_the_upload_answers_at_once_and_a_thread_does_the_work(
    app, client, signed_in, organisations, standard, monkeypatch
):
    # The embedded default of `make run`: no Redis, so a thread of the web process runs jobs.
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    signed_in("staff")
    location = start_import(client, [row()])
    deadline = time.monotonic() + 20
    while "Import complete" not in (page := client.get(location).get_data(as_text=True)):
        assert time.monotonic() < deadline, page
        time.sleep(0.1)
    assert "1 apprentice was registered" in page
