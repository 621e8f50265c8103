"""The user, token and demonstration commands."""

from sqlalchemy import func, select

from epa.audit.models import AuditEvent
from epa.auth.models import ApiToken, User
from epa.extensions import db


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_create_user_with_a_password(app, runner):
    result = runner.invoke(
        args=[
            "epa",
            "create-user",
            "Ops@EPAO.example",
            "--name",
            "Sam Ops",
            "--role",
            "staff",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created staff Sam Ops <ops@epao.example>" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="ops@epao.example"))
        assert user.role == "staff"
        event = db.session.scalar(select(AuditEvent).filter_by(entity="user"))
        assert event.channel == "cli" and event.actor_id is None
        assert event.after["email"] == "ops@epao.example"
        assert "password" not in str(event.after)


def test_create_user_prompts_for_the_password_without_echoing(app, runner):
    result = runner.invoke(
        args=["epa", "create-user", "a@epao.example", "--name", "A", "--role", "assessor"],
        input="typed password 1\ntyped password 1\n",
    )
    assert result.exit_code == 0, result.output
    assert "typed password 1" not in result.output
    assert _count(app, User) == 1


def test_create_user_refuses_bad_input_and_changes_nothing(app, runner):
    cases = [
        (
            ["bad-email", "--name", "A", "--role", "staff", "--password", "plum radiator otter"],
            "email",
        ),
        (
            [
                "a@epao.example",
                "--name",
                " ",
                "--role",
                "staff",
                "--password",
                "plum radiator otter",
            ],
            "name",
        ),
        (["a@epao.example", "--name", "A", "--role", "staff", "--password", "short"], "12"),
        (
            [
                "a@epao.example",
                "--name",
                "A",
                "--role",
                "boss",
                "--password",
                "plum radiator otter",
            ],
            "boss",
        ),
    ]
    for args, words in cases:
        result = runner.invoke(args=["epa", "create-user", *args])
        assert result.exit_code != 0, args
        assert words in result.output, result.output
    assert _count(app, User) == 0
    assert _count(app, AuditEvent) == 0


def test_create_user_refuses_a_duplicate_email(app, runner, make_user):
    make_user("staff", email="taken@epao.example")
    result = runner.invoke(
        args=[
            "epa",
            "create-user",
            "TAKEN@epao.example",
            "--name",
            "B",
            "--role",
            "staff",
            "--password",
            "plum radiator otter",
        ]
    )
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert _count(app, User) == 1


def test_create_token_prints_a_working_token_as_the_last_line(app, runner, client, make_user):
    make_user("admin", email="boss@epao.example")
    result = runner.invoke(args=["epa", "create-token", "boss@epao.example"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    with app.app_context():
        stored = db.session.scalar(select(ApiToken))
        assert stored.token_hash != token and token not in stored.token_hash
        assert len(stored.token_hash) == 64


def test_create_token_for_an_unknown_email_fails(app, runner):
    result = runner.invoke(args=["epa", "create-token", "nobody@epao.example"])
    assert result.exit_code == 1
    assert "No user has the email nobody@epao.example" in result.output
    assert _count(app, ApiToken) == 0


def test_demo_data_fills_an_empty_database_and_prints_sign_ins(app, runner, client):
    from epa.organisations.models import Employer, Provider

    result = runner.invoke(args=["epa", "demo-data"])
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines() if "@epao.example" in line]
    assert {line[0] for line in lines} == {"admin", "staff", "assessor"}
    assert _count(app, Employer) >= 2 and _count(app, Provider) >= 2
    role, email, password = lines[0]
    from tests.conftest import Auth

    assert Auth(client).sign_in(email, password).status_code == 302


def test_demo_data_refuses_a_database_with_users_unless_asked_to_skip(app, runner, make_user):
    make_user("admin")
    result = runner.invoke(args=["epa", "demo-data"])
    assert result.exit_code == 1
    assert "already has users" in result.output
    skipped = runner.invoke(args=["epa", "demo-data", "--if-empty"])
    assert skipped.exit_code == 0
    assert _count(app, User) == 1


def test_demo_data_has_apprentices_at_each_stage_with_failed_gateway_attempts(app, runner):
    from epa.apprentices.models import Apprentice
    from epa.gateway.models import GatewayAttempt

    assert runner.invoke(args=["epa", "demo-data"]).exit_code == 0
    with app.app_context():
        statuses = set(db.session.scalars(select(Apprentice.status)))
        failed = db.session.scalar(
            select(func.count()).select_from(GatewayAttempt).filter_by(passed=False)
        )
        attempts = list(db.session.scalars(select(GatewayAttempt)))
    reasons = {r for a in attempts for r in a.reasons}
    assert statuses == {"registered", "gateway_passed", "in_epa", "completed", "withdrawn"}
    assert failed >= 3
    assert {
        "english_not_met",
        "minimum_duration_not_met",
        "employer_not_confirmed",
        "provider_not_confirmed",
        "project_summary_missing",
    } <= reasons
    assert "portfolio_missing" not in reasons  # no longer a requirement
    assert any(a.passed and a.warnings == ["long_time_on_programme"] for a in attempts)


def test_demo_data_tells_a_capped_resit_and_a_restarted_epa(app, runner):
    from epa.apprentices.models import Apprentice
    from epa.grading.services import outcome_public
    from epa.scheduling.models import Assessment

    assert runner.invoke(args=["epa", "demo-data"]).exit_code == 0
    with app.app_context():
        kai = db.session.scalar(select(Apprentice).filter_by(given_names="Kai"))
        capped = outcome_public(kai)
        assert (capped["status"], capped["overall_grade"], capped["uncapped_grade"]) == (
            "provisional",
            "pass",
            "merit",
        )
        assert capped["capped"] and "was a resit" in capped["cap_reason"]
        sofia = db.session.scalar(select(Apprentice).filter_by(given_names="Sofia"))
        assert (sofia.status, sofia.epa_round) == ("gateway_passed", 2)
        assert outcome_public(sofia)["status"] == "incomplete"
        earlier = db.session.scalars(select(Assessment).filter_by(apprentice_id=sofia.id)).all()
        assert len(earlier) == 2 and not any(a.is_counted for a in earlier)
