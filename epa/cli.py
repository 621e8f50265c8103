"""The `flask --app app epa ...` commands: one transaction each."""

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from epa.auth import services as auth_services
from epa.auth.models import ROLES
from epa.auth.schemas import UserNew
from epa.errors import ServiceError
from epa.extensions import db
from epa.rules.standard_fixture import FixtureError

epa_cli = AppGroup("epa", help="End-point assessment commands.")


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@epa_cli.command("load-standard")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def load_standard_command(path: Path):
    """Load or update a standard from a fixture file (repeating a load changes nothing)."""
    from epa.grading.drafts import criteria_state, drafts_on_changed_criteria
    from epa.standards.services import load_standard

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        _fail(f"{path} does not exist.")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        _fail(f"{path} is not valid JSON: {error}.")
    try:
        criteria_before = criteria_state()
        standard, changed = load_standard(data)
        stale_drafts = drafts_on_changed_criteria(criteria_before)
        db.session.commit()
    except FixtureError as error:
        problems = "\n".join(f"  - {p}" for p in error.problems)
        _fail(f"{path} was not loaded; nothing was changed. Fix these and try again:\n{problems}")
    except SQLAlchemyError as error:
        _fail(f"{path} was not loaded; nothing was changed. The database refused it: {error.orig}")
    versions = ", ".join(v.version for v in standard.versions)
    if changed:
        click.echo(f"Loaded {standard.reference} {standard.title} (versions {versions}).")
    else:
        click.echo(f"{standard.reference} is already up to date (versions {versions}).")
    if stale_drafts:
        click.echo(_stale_drafts_warning(stale_drafts), err=True)


def _stale_drafts_warning(count: int) -> str:
    # A warning, not a refusal: loading a corrected plan is how its criteria are put right.
    one = count == 1
    drafts = "1 draft result now judges" if one else f"{count} draft results now judge"
    whose = "its assessor" if one else "their assessors"
    return (
        f"Warning: {drafts} criteria this load changed (their wording, their grade, "
        f"or which criteria there are); {whose} should check every judgement before submitting."
    )


@epa_cli.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What they may do.")
@click.option("--password", help="Leave out to be asked for it without echoing.")
def create_user_command(email: str, name: str, role: str, password: str | None):
    """Add a user who can sign in."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        new = UserNew.read({"email": email, "name": name, "role": role, "password": password})
        user = auth_services.create_user(new)
    except ServiceError as error:
        _fail(error.message)
    db.session.commit()
    click.echo(f"Created {user.role} {user.name} <{user.email}>.")


@epa_cli.command("create-token")
@click.argument("email")
def create_token_command(email: str):
    """Issue an API token for a user; the token is the last line printed, shown only once."""
    try:
        user = auth_services.find_user_by_email(email)
    except ServiceError as error:
        _fail(error.message)
    token = auth_services.create_token(user)
    db.session.commit()
    click.echo(f"API token for {user.email} ({user.role}); keep it secret, it is shown only once:")
    click.echo(token)


@epa_cli.command("disable-user")
@click.argument("email")
def disable_user_command(email: str):
    """Disable a user: signed out everywhere, API tokens and calendar address revoked."""
    from epa.auth.accounts import change_user
    from epa.auth.schemas import UserChange

    try:
        user = auth_services.find_user_by_email(email)
        if not user.is_enabled:
            click.echo(f"{user.name} <{user.email}> is already disabled; nothing was changed.")
            return
        change_user(user, UserChange.read({"enabled": False}), actor=None)
    except ServiceError as error:
        _fail(f"{error.message} Nothing was changed.")
    db.session.commit()
    click.echo(
        f"Disabled {user.role} {user.name} <{user.email}>: signed out everywhere, and their API "
        "tokens, calendar address and password reset links no longer work."
    )


@epa_cli.command("reset-password")
@click.argument("email")
def reset_password_command(email: str):
    """Issue a one-time password reset link (24 hours), emailed to the user and printed."""
    from flask import current_app

    from epa.auth.resets import issue_reset
    from epa.links import DEFAULT_PUBLIC_URL
    from epa.rules.local_time import london_iso

    if not current_app.config.get("PUBLIC_URL"):
        click.echo(
            f"PUBLIC_URL is not set, so the link starts {DEFAULT_PUBLIC_URL} (where `make run` "
            "serves). Set PUBLIC_URL to the service's own address before handing links out.",
            err=True,
        )
    try:
        user = auth_services.find_user_by_email(email)
        issued = issue_reset(user, current_app.config["EPAO_NAME"])
    except ServiceError as error:
        _fail(f"{error.message} Nothing was changed.")
    db.session.commit()
    click.echo(
        f"Password reset link for {user.name} <{user.email}>: it works once, until "
        f"{london_iso(issued.expires_at)}, and earlier links no longer work."
    )
    if issued.emailed:
        click.echo("An email with the link waits in the outbox; `epa send-mail` sends it.")
    click.echo(issued.reset_url)


@epa_cli.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when users exist.")
def demo_data_command(if_empty: bool):
    """Fill an empty database with a believable demonstration, and print the sign-ins."""
    from epa.demo import DatabaseNotEmpty, seed_demo, sign_in_file

    try:
        accounts = seed_demo()
    except DatabaseNotEmpty as error:
        if if_empty:
            click.echo(f"Demonstration data is already in place; sign-ins: {sign_in_file()}")
            return
        _fail(str(error))
    except ServiceError as error:
        _fail(error.message)
    db.session.commit()
    click.echo("Demonstration data created. Sign in with:")
    for role, email, password in accounts:
        click.echo(f"  {role:<9} {email:<32} {password}")


@epa_cli.command("send-mail")
@click.option(
    "--limit",
    default=100,
    show_default=True,
    type=click.IntRange(min=1),
    help="Send at most this many messages, oldest first.",
)
def send_mail_command(limit: int):
    """Send the email waiting in the outbox; exit 1 if any message failed."""
    from flask import current_app

    from epa.mail.outbox import count_waiting
    from epa.mail.sending import deliver_pending

    if not current_app.config.get("MAIL_SERVER"):
        click.echo(f"MAIL_SERVER is not set, so no mail was sent; {count_waiting()} waiting.")
        return
    sent, failed = deliver_pending(current_app.config, limit=limit)
    click.echo(f"Sent {sent}, failed {failed}; {count_waiting()} waiting.")
    if failed:
        sys.exit(1)


@epa_cli.command("send-reminders")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="Run as on this day; today if left out.")
def send_reminders_command(day: str | None):
    """Queue the assessors' reminders and the staff's digest of EPA deadlines at risk; running
    it again the same day queues nothing twice."""
    from epa import clock
    from epa.reminders.services import send_assessor_reminders, send_deadline_digest
    from epa.rules.dates import parse_iso_date

    today = clock.today() if day is None else parse_iso_date(day)
    if today is None:
        _fail(f"--date must be a date written YYYY-MM-DD, such as 2026-12-01, not {day!r}.")
    reminders = send_assessor_reminders(today)
    db.session.commit()
    digests = send_deadline_digest(today)
    db.session.commit()
    click.echo(
        f"{today.isoformat()}: queued {reminders} assessor reminder{'s' * (reminders != 1)} "
        f"and {digests} deadline digest{'s' * (digests != 1)}; `epa send-mail` sends them."
    )


@epa_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Write a consistent copy of the SQLite database to PATH (a new file) while the service
    runs; on PostgreSQL, say how pg_dump does it."""
    from epa.ops.backup import BackupRefused, back_up

    try:
        made = back_up(db.engine, path)
    except BackupRefused as refused:
        _fail(str(refused))
    except OSError as error:
        _fail(f"No backup was written to {path}: {error.strerror or error}.")
    click.echo(
        f"Backed up {made.rows:,} rows in {made.tables} tables to {made.path} "
        f"({made.size_bytes / 1_000_000:.1f} MB). To restore it, stop the service and put it "
        "in place of the database file (README, Backups)."
    )


@epa_cli.command("purge")
@click.option(
    "--before",
    "before_text",
    metavar="YYYY-MM-DD",
    help="Anonymise apprentices completed or withdrawn before this date; by default the day "
    "the retention period (RETENTION_YEARS) began.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be anonymised; change nothing.")
def purge_command(before_text: str | None, dry_run: bool):
    """Anonymise the personal data of apprentices completed or withdrawn before a date (names,
    ULN, date of birth, email, comments, and the same in the audit log); outcomes and grades
    stay for statistics."""
    from flask import current_app

    from epa import clock
    from epa.apprentices.purge import purge
    from epa.rules.dates import parse_iso_date
    from epa.rules.retention import cutoff_refusal, latest_cutoff

    years = current_app.config["RETENTION_YEARS"]
    today = clock.today()
    before = latest_cutoff(today, years) if before_text is None else parse_iso_date(before_text)
    if before is None:
        _fail(
            f"--before must be a date written YYYY-MM-DD, such as 2020-12-01, not {before_text!r}."
        )
    refusal = cutoff_refusal(before, today, years)
    if refusal:
        _fail(f"{refusal} Nothing was changed.")
    done = purge(before, dry_run=dry_run)
    count = len(done.apprentice_ids)
    whom = f"{count} apprentice{'s' if count != 1 else ''} completed or withdrawn before {before}"
    if dry_run:
        db.session.rollback()
        click.echo(f"Would anonymise {whom}. Nothing was changed (dry run).")
        return
    db.session.commit()
    click.echo(f"Anonymised {whom}: outcomes and grades kept.")
