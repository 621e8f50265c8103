"""Returns made by a worker: kept in the storage folder for whoever asked, for 7 days."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from epa import clock
from epa.extensions import db
from epa.grading.models import Outcome
from epa.jobs import tasks
from epa.jobs.models import Job
from tests.conftest import csrf_token


def add_outcome(app, apprentice_id):
    with app.app_context():
        db.session.add(
            Outcome(
                apprentice_id=apprentice_id,
                overall_grade="pass",
                epa_date=date(2026, 11, 20),
                achievement_date=date(2026, 11, 20),
                confirmed_at=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
            )
        )
        db.session.commit()


def test_an_outcomes_return_is_made_by_a_worker_and_fetched_by_whoever_asked(
    app, api, booking_world
):
    add_outcome(app, booking_world["apprentice"])
    staff = api("staff")
    started = staff.post(
        "/api/v1/exports/outcomes", json={"from": "2026-11-01", "to": "2026-11-30"}
    )
    assert started.status_code == 202, started.get_json()
    job_id = started.get_json()["job"]["id"]

    job = staff.get(f"/api/v1/jobs/{job_id}").get_json()
    assert job["kind"] == "export_outcomes" and job["status"] == "succeeded"
    result = job["result"]
    assert result["rows"] == 1
    assert result["filename"] == "outcomes-2026-11-01-to-2026-11-30.xlsx"
    assert result["download_url"] == f"/api/v1/jobs/{job_id}/file"

    download = staff.get(result["download_url"])
    assert download.status_code == 200
    assert "outcomes-2026-11-01-to-2026-11-30.xlsx" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(BytesIO(download.data))["Outcomes"]
    download.close()
    assert sheet["A2"].value == "1234567899"
    # Not for anyone else, an administrator included: the file is theirs alone.
    assert api("staff").get(result["download_url"]).status_code == 404
    assert api("admin").get(result["download_url"]).status_code == 404


def test_a_file_is_kept_for_seven_days_then_deleted(app, api, booking_world, move_clock):
    staff = api("staff")
    job_id = staff.post("/api/v1/exports/bookings", json={}).get_json()["job"]["id"]
    with app.app_context():
        job = db.session.get(Job, job_id)
        path = Path(app.config["JOB_FILES_PATH"]) / job.file_name
    assert path.is_file()
    move_clock(clock.now() + timedelta(days=7, seconds=-60))
    kept = staff.get(f"/api/v1/jobs/{job_id}/file")
    kept.close()
    assert kept.status_code == 200
    move_clock(clock.now() + timedelta(seconds=120))
    assert staff.get(f"/api/v1/jobs/{job_id}/file").status_code == 404
    assert staff.get(f"/api/v1/jobs/{job_id}").get_json()["result"]["download_url"] is None
    with app.app_context():
        assert tasks.remove_expired_files() == 1
    assert not path.exists()


def test_a_range_the_export_refuses_is_refused_before_any_job(app, api):
    response = api("staff").post(
        "/api/v1/exports/outcomes", json={"from": "2026-11-30", "to": "2026-11-01"}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["to"]
    with app.app_context():
        assert db.session.query(Job).count() == 0


def test_the_page_makes_the_file_and_offers_it_on_the_jobs_page(
    app, client, signed_in, booking_world
):
    add_outcome(app, booking_world["apprentice"])
    signed_in("staff")
    token = csrf_token(client.get("/exports").data)
    response = client.post(
        "/exports",
        data={
            "csrf_token": token,
            "kind": "outcomes",
            "from": ["1", "11", "2026"],
            "to": ["30", "11", "2026"],
        },
    )
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Your file is ready" in page
    assert "Download outcomes-2026-11-01-to-2026-11-30.xlsx" in page and "1 row)" in page
    link = response.location + "/file"
    assert f'href="{link}"' in page
    download = client.get(link)
    download.close()
    assert download.mimetype.endswith("spreadsheetml.sheet")
    # The exports page lists it among the user's recent work.
    assert response.location in client.get("/exports").get_data(as_text=True)


def test_the_page_needs_a_return_chosen_and_a_csrf_token(client, signed_in):
    signed_in("staff")
    token = csrf_token(client.get("/exports").data)
    no_kind = client.post("/exports", data={"csrf_token": token})
    assert no_kind.status_code == 422
    assert "Choose which return to make" in no_kind.get_data(as_text=True)
    assert client.post("/exports", data={"kind": "outcomes"}).status_code == 400


def test_an_administrator_sees_the_job_but_is_offered_no_download(app, api, client, signed_in):
    job_id = api("staff").post("/api/v1/exports/bookings", json={}).get_json()["job"]["id"]
    assert api("admin").get(f"/api/v1/jobs/{job_id}").get_json()["result"]["download_url"] is None
    signed_in("admin")
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "for the person who asked for it only" in page and f"/jobs/{job_id}/file" not in page


def test_a_file_made_by_a_run_whose_work_is_not_kept_is_deleted(app, api, held_tasks, monkeypatch):
    from epa.jobs import running

    folder = Path(app.config["JOB_FILES_PATH"])
    folder.mkdir(parents=True, exist_ok=True)
    before = set(folder.iterdir())
    job_id = api("staff").post("/api/v1/exports/bookings", json={}).get_json()["job"]["id"]
    monkeypatch.setattr(running, "_succeed", lambda *args: False)  # the claim was lost
    with app.app_context():
        running.run(job_id)
    assert set(folder.iterdir()) == before


def test_the_sweep_deletes_files_no_job_names_once_older_than_any_kept_file(
    app, tmp_path, monkeypatch
):
    import os

    folder = tmp_path / "files"  # of its own: other tests' files carry the real clock's times
    monkeypatch.setitem(app.config, "JOB_FILES_PATH", str(folder))
    folder.mkdir()
    old, new = folder / "job-9-left.xlsx", folder / "job-9-left.xlsx.part"
    for path, days in ((old, 9), (new, 1)):
        path.write_bytes(b"x")
        stamp = (clock.now() - timedelta(days=days)).timestamp()
        os.utime(path, (stamp, stamp))
    with app.app_context():
        assert tasks.remove_expired_files() == 1
    assert not old.exists() and new.exists()
