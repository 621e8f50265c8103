"""One-time password reset links: an administrator issues one, the user opens it and sets a
new password. Only the hash of the link's secret is kept, so a copy of the database opens
nothing (the emailed copy is taken out of the outbox once sent); a newer link, or disabling the
account, ends the older ones."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from epa import clock
from epa.audit.services import record
from epa.auth.models import PasswordReset, User
from epa.auth.services import hash_token, set_password
from epa.errors import ServiceError
from epa.extensions import db
from epa.links import external_url
from epa.mail.outbox import is_sendable_address, queue_message, redact_once_sent

LIFETIME = timedelta(hours=24)
#: longer than any token the service issues: refused before it is hashed and looked up
_LONGEST_TOKEN = 100
redact_once_sent(r"/reset-password/[A-Za-z0-9_-]+", "/reset-password/(removed once sent)")


@dataclass(frozen=True)
class IssuedReset:
    reset_url: str
    expires_at: datetime
    emailed: bool


def issue_reset(user: User, service_name: str) -> IssuedReset:
    """A new link for the user (earlier unused links stop working), emailed to them."""
    if not user.is_enabled:
        raise ServiceError(
            "user_disabled",
            f"{user.name}'s account is disabled: enable it before issuing a password reset link.",
            status=409,
        )
    end_reset_links(user)
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        user=user, token_hash=hash_token(token), expires_at=clock.now() + LIFETIME
    )
    db.session.add(reset)
    db.session.flush()
    url = external_url("auth.reset_password", token=token)
    emailed = is_sendable_address(user.email)
    if emailed:
        queue_message(
            to_address=user.email,
            to_name=user.name,
            subject=f"Set a new password for {service_name}",
            body=_email_body(user, service_name, url),
        )
    record("user", user.id, "password_reset_issued", after={"expires_at": reset.expires_at})
    return IssuedReset(reset_url=url, expires_at=reset.expires_at, emailed=emailed)


def _email_body(user: User, service_name: str, url: str) -> str:
    return (
        f"Dear {user.name},\n\n"
        f"An administrator of {service_name} has asked for your password to be reset.\n\n"
        f"Open this link to choose a new password. It works once, for 24 hours:\n\n{url}\n\n"
        "If you did not expect this email, tell your administrator.\n"
    )


def end_reset_links(user: User) -> None:
    """Stop every unused password reset link of the user from working."""
    live = db.session.scalars(
        select(PasswordReset).where(
            PasswordReset.user_id == user.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.superseded_at.is_(None),
        )
    ).all()
    for reset in live:
        reset.superseded_at = clock.now()


class UnusableLink(ServiceError):
    """A link that cannot set a password; the message says why and what to do."""

    def __init__(self, code: str, message: str, status: int = 410):
        super().__init__(code, message, status=status)


ASK_AGAIN = "Ask your administrator for a new link."


def reset_for(token: str) -> PasswordReset:
    """The live reset the link opens, or UnusableLink saying why it does not work."""
    reset = None
    if token and len(token) <= _LONGEST_TOKEN:
        reset = db.session.scalar(
            select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
        )
    if reset is None:
        raise UnusableLink(
            "reset_link_unknown",
            "This password reset link is not right. Check that you copied the whole link from "
            f"the email. {ASK_AGAIN}",
            status=404,
        )
    if reset.used_at is not None:
        raise UnusableLink(
            "reset_link_used",
            "This password reset link has already been used. Sign in with the password you "
            "chose, or ask your administrator for a new link.",
        )
    if reset.superseded_at is not None or not reset.user.is_enabled:
        raise UnusableLink(
            "reset_link_superseded",
            "This password reset link no longer works: a newer link was issued, or the account "
            "was disabled. Use the newest link you were sent, or ask your administrator.",
        )
    if clock.now() >= reset.expires_at:
        raise UnusableLink(
            "reset_link_expired",
            f"This password reset link has expired: links work for 24 hours. {ASK_AGAIN}",
        )
    return reset


def use_reset(reset: PasswordReset, new_password: str) -> User:
    """Set the password (read by the policy) and spend the link; every session ends."""
    # Spent only if still unspent, so two posts of one link cannot both set a password.
    spent = db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == reset.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.superseded_at.is_(None),
        )
        .values(used_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise UnusableLink(
            "reset_link_used", "This password reset link has just been used or replaced."
        )
    set_password(reset.user, new_password, via=f"reset_link {reset.id}")
    return reset.user
