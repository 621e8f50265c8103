"""The end of the retention period: `epa purge` anonymises apprentices completed or withdrawn
before a date, everywhere their personal data was kept, and keeps outcomes and grades."""

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.grading.models import Result
from epa.mail.models import OutboxMessage
from epa.scheduling.models import Assessment
from tests.api.test_grading import (
    AFTER_DISCUSSION,
    AFTER_PROJECT,
    all_met,
    confirm,
    grade,
    only_pass,
    put,
)
from tests.api.test_grading import world as world  # noqa: PLC0414  (a fixture)

#: seven years on: the EPA completed in February 2027 is past the 6-year retention period
LATER = datetime(2034, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def records(app, world, make_apprentice):
    """A completed apprentice (world's, graded with comments and confirmed; EPA date 1 February
    2027), one withdrawn on 1 June 2027 with a reason, and one registered who stays."""
    world["at"](AFTER_DISCUSSION)
    put(world["grace"], world["discussion"], all_met("discussion"), comments="Sam was superb")
    grade(world, "discussion", all_met("discussion"), AFTER_DISCUSSION)
    grade(world, "project", only_pass("project"), AFTER_PROJECT)
    assert confirm(world).status_code == 200
    withdrawn = make_apprentice(uln="9999999999", given_names="Wyn", family_name="Withers")
    world["at"](datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    answer = world["staff"].post(
        f"/api/v1/apprentices/{withdrawn}/withdraw", json={"reason": "Wyn moved to Leeds"}
    )
    assert answer.status_code == 200, answer.get_json()
    stays = make_apprentice(uln="9999999999", given_names="Stella", family_name="Stays")
    with app.app_context():
        completed = db.session.get(Assessment, world["discussion"]).apprentice
        names = (completed.given_names, completed.family_name)
    return {
        **world,
        "completed": world["apprentice"],
        "names": names,
        "withdrawn": withdrawn,
        "stays": stays,
    }


def _apprentice(records, key):
    return records["admin"].get(f"/api/v1/apprentices/{records[key]}").get_json()


def test_a_dry_run_says_how_many_and_changes_nothing(app, runner, records):
    records["at"](LATER)
    before = _apprentice(records, "completed")
    result = runner.invoke(args=["epa", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would anonymise 2 apprentices completed or withdrawn before 2028-03-01" in result.output
    assert "Nothing was changed" in result.output
    assert _apprentice(records, "completed") == before


def test_purge_anonymises_everywhere_and_keeps_the_outcome(app, runner, records):
    records["at"](LATER)
    outcome_before = (
        records["admin"].get(f"/api/v1/apprentices/{records['completed']}/outcome").get_json()
    )
    result = runner.invoke(args=["epa", "purge"])
    assert result.exit_code == 0, result.output
    assert "Anonymised 2 apprentices completed or withdrawn before 2028-03-01" in result.output
    for key in ("completed", "withdrawn"):
        body = _apprentice(records, key)
        assert body["anonymised"] is True
        assert body["given_names"] == "Anonymised"
        assert body["family_name"] == f"Apprentice {records[key]}"
        assert (body["uln"], body["date_of_birth"], body["email"]) == (
            "9999999999",
            "1900-01-01",
            None,
        )
    assert _apprentice(records, "withdrawn")["withdrawn_reason"] == "Anonymised"
    stays = _apprentice(records, "stays")
    assert stays["anonymised"] is False and stays["given_names"] == "Stella"
    # What statistics need stays: the outcome and every grade.
    outcome_after = (
        records["admin"].get(f"/api/v1/apprentices/{records['completed']}/outcome").get_json()
    )
    assert outcome_after == outcome_before
    with app.app_context():
        assert db.session.scalars(select(Result.comments)).all() == [None, None]
        assert db.session.scalars(select(Result.method_grade)).all()
        ids = [records["discussion"], records["project"]]
        assert (
            db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.assessment_id.in_(ids))
            ).all()
            == []
        )
        audit = [
            json.dumps([e.before, e.after, e.reason])
            for e in db.session.scalars(select(AuditEvent))
        ]
        for secret in (*records["names"], "Wyn", "Withers", "moved to Leeds", "superb"):
            assert not any(secret in line for line in audit), secret
        assert any("Stella" in line for line in audit)  # others' history is untouched
        anonymised = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "anonymise")
        ).all()
        assert sorted(int(e.entity_id) for e in anonymised) == sorted(
            [records["completed"], records["withdrawn"]]
        )
    again = runner.invoke(args=["epa", "purge"])
    assert "Anonymised 0 apprentices" in again.output


def test_a_date_within_the_retention_period_is_refused(runner, records):
    records["at"](LATER)
    result = runner.invoke(args=["epa", "purge", "--before", "2030-01-01"])
    assert result.exit_code == 1
    assert "within the 6-year retention period" in result.stderr
    assert "--before 2028-03-01 or earlier" in result.stderr
    assert _apprentice(records, "completed")["anonymised"] is False
    bad = runner.invoke(args=["epa", "purge", "--before", "soon"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.stderr


def test_an_earlier_date_leaves_later_records(runner, records):
    records["at"](LATER)
    result = runner.invoke(args=["epa", "purge", "--before", "2027-03-01"])
    assert "Anonymised 1 apprentice completed or withdrawn before 2027-03-01" in result.output
    assert _apprentice(records, "completed")["anonymised"] is True  # EPA date 1 February 2027
    assert _apprentice(records, "withdrawn")["anonymised"] is False  # withdrawn 1 June 2027
