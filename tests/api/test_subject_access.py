"""Subject access: an administrator gets everything held about one apprentice, as JSON and as a
workbook; nobody else does; each request is audited."""

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from epa.audit.models import AuditEvent
from epa.extensions import db
from tests.api.test_conventions import assert_error
from tests.api.test_grading import AFTER_DISCUSSION, all_met, put, submit
from tests.api.test_grading import world as world  # noqa: PLC0414  (a fixture)


def _path(world, suffix=""):
    return f"/api/v1/apprentices/{world['apprentice']}/subject-access{suffix}"


def _graded(world):
    world["at"](AFTER_DISCUSSION)
    assert (
        put(world["grace"], world["discussion"], all_met("discussion"), comments="=1+1").status_code
        == 200
    )
    assert submit(world["grace"], world["discussion"]).status_code == 200


def test_everything_held_about_the_apprentice(app, world):
    _graded(world)
    held = world["admin"].get(_path(world)).get_json()
    assert held["apprentice"]["id"] == world["apprentice"]
    assert held["apprentice"]["given_names"] and held["apprentice"]["date_of_birth"]
    assert held["apprentice"]["employer"] and held["apprentice"]["version"]
    assessments = {a["id"]: a for a in held["assessments"]}
    assert set(assessments) == {world["discussion"], world["project"]}
    result = assessments[world["discussion"]]["result"]
    assert result["comments"] == "=1+1" and result["is_submitted"] is True
    assert all(result["judgements"].values())
    assert assessments[world["project"]]["result"] is None
    assert held["outcome"] is None and held["outcomes"] == []
    about = {(e["entity"], e["action"]) for e in held["audit_events"]}
    assert {("apprentice", "create"), ("assessment", "create"), ("result", "submit")} <= about
    with app.app_context():
        [asked] = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "subject_access")
        ).all()
        assert asked.entity_id == str(world["apprentice"]) and asked.after == {"format": "json"}


def test_the_workbook_has_a_sheet_per_part_and_keeps_text_as_text(app, world):
    _graded(world)
    response = world["admin"].get(_path(world, ".xlsx"))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == [
        "Apprentice",
        "Gateway attempts",
        "Assessments",
        "Outcomes",
        "Audit events",
    ]
    fields = {row[0]: row[1] for row in book["Apprentice"].iter_rows(min_row=2, values_only=True)}
    assert fields["id"] == world["apprentice"] and fields["given_names"]
    sheet = book["Assessments"]
    headers = [cell.value for cell in sheet[1]]
    comments = [row[headers.index("result_comments")] for row in sheet.iter_rows(min_row=2)]
    assert any(cell.value == "=1+1" and cell.data_type == "s" for cell in comments)
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent.after).where(AuditEvent.action == "subject_access")
        ) == {"format": "xlsx"}


def test_only_administrators_get_it(world, api):
    for who in (world["staff"], world["grace"], api("assessor")):
        assert_error(who.get(_path(world)), 403, "forbidden")
        assert_error(who.get(_path(world, ".xlsx")), 403, "forbidden")
    assert_error(world["admin"].get("/api/v1/apprentices/999999/subject-access"), 404, "not_found")


def test_an_administrator_downloads_it_from_the_apprentices_page(client, signed_in, world):
    page = f"/apprentices/{world['apprentice']}"
    download = f"{page}/subject-access.xlsx"
    signed_in("admin")
    assert download in client.get(page).get_data(as_text=True)
    response = client.get(download)
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.data))["Apprentice"]["A2"].value == "id"


def test_staff_are_not_offered_it(client, signed_in, world):
    page = f"/apprentices/{world['apprentice']}"
    signed_in("staff")
    assert "subject-access" not in client.get(page).get_data(as_text=True)
    assert client.get(f"{page}/subject-access.xlsx").status_code == 403
