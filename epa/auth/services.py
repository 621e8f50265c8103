"""Creating users, checking passwords and issuing API tokens."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from epa import clock
from epa.audit.services import record
from epa.auth import schemas
from epa.auth.models import ApiToken, SignInFailure, User, new_session_token
from epa.auth.schemas import UserNew
from epa.errors import ServiceError
from epa.extensions import db
from epa.persistence import Unique, add_unique

DUPLICATE_EMAIL = Unique(
    "duplicate_email",
    "email",
    "A user with the email {row.email} already exists.",
    "A user with this email already exists",
)
#: Five wrong passwords for one email within 15 minutes pause sign-in for that email.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASHES: dict[str, str] = {}


def create_user(new: UserNew) -> User:
    """Add a user with a hashed password; one email (in any case) belongs to one user only."""
    user = User(
        email=new.email.lower(),
        name=new.name,
        role=new.role,
        password_hash=hash_password(new.password),
    )
    add_unique(user, DUPLICATE_EMAIL)
    record("user", user.id, "create", after=schemas.User.of(user))
    return user


def hash_password(password: str) -> str:
    """scrypt by default; the test settings choose a cheaper scrypt so the suite stays quick."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def too_many_failures(email: str) -> bool:
    """Whether this email has failed to sign in too often lately to be tried again yet."""
    since = clock.now() - FAILURE_WINDOW
    failures = db.session.scalar(
        select(func.count())
        .select_from(SignInFailure)
        .where(SignInFailure.email == _email_key(email), SignInFailure.occurred_at >= since)
    )
    return failures >= MAX_FAILURES


def note_failure(email: str) -> None:
    """Keep a failed sign-in (and forget ones old enough not to count)."""
    db.session.execute(
        delete(SignInFailure).where(SignInFailure.occurred_at < clock.now() - FAILURE_WINDOW)
    )
    db.session.add(SignInFailure(email=_email_key(email)))


def forget_failures(email: str) -> None:
    db.session.execute(delete(SignInFailure).where(SignInFailure.email == _email_key(email)))


def _email_key(email: str) -> str:
    return email.strip().lower()[:254]


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops working."""
    user.session_token = new_session_token()


def authenticate(email, password) -> User | None:
    """The enabled user with that email and password, or None."""
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    user = db.session.scalar(select(User).where(User.email == _email_key(email)))
    if user is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASHES:
            _DUMMY_HASHES[method] = hash_password("not-a-real-password")
        check_password_hash(_DUMMY_HASHES[method], password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_enabled:
        return None
    return user


def find_user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise ServiceError("not_found", f"No user has the email {email}.", status=404)
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User) -> str:
    """Issue a new API token for the user; only its hash is kept."""
    token = "epa_" + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=hash_token(token), prefix=token[:12])
    db.session.add(row)
    db.session.flush()
    record("api_token", row.id, "create", after={"user_id": user.id, "prefix": row.prefix})
    return token


def user_for_token(token: str) -> User | None:
    """The enabled user a live token belongs to, or None."""
    if not token:
        return None
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.is_enabled:
        return None
    return row.user
