"""Creating users, checking and changing passwords, and issuing and revoking API tokens."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from epa import clock
from epa.audit.services import record
from epa.auth import schemas
from epa.auth.models import ApiToken, SignInFailure, User, new_session_token
from epa.auth.schemas import PasswordChange, TokenNew, UserNew
from epa.errors import NotFound, ServiceError
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
#: A token's last use is written at most this often, so reading the API costs no write a request.
LAST_USED_PRECISION = timedelta(minutes=1)
NOT_THEIR_CURRENT = "Your current password is not right"
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASHES: dict[str, str] = {}


def create_user(new: UserNew) -> User:
    """Add a user with a hashed password; one email (in any case) belongs to one user only."""
    user = User(
        email=new.email.lower(),
        name=new.name,
        role=new.role,
        password_hash=hash_password(new.password),
        is_enabled=True,
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


def set_password(user: User, password: str, via: str = "own_change") -> None:
    """A new password (already read by the policy), ending every signed-in session; the audit
    says how it was set (the user's own change, or a reset link, whose request has no user)."""
    user.password_hash = hash_password(password)
    end_sessions(user)
    record("user", user.id, "password_change", after={"via": via})


def change_own_password(user: User, change: PasswordChange) -> None:
    """The user's own change, which needs their current password."""
    if not check_password_hash(user.password_hash, change.current_password):
        raise ServiceError(
            "wrong_password",
            NOT_THEIR_CURRENT + "; nothing was changed.",
            fields={"current_password": NOT_THEIR_CURRENT},
        )
    set_password(user, change.new_password)


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
    """A new API token, named after its prefix, that works until it is revoked."""
    return issue_token(user)[1]


def issue_token(user: User, new: TokenNew | None = None) -> tuple[ApiToken, str]:
    """Issue a new API token for the user, and the token itself; only its hash is kept."""
    if new is not None and new.expires_on is not None and new.expires_on < clock.today():
        raise ServiceError(
            "invalid_date",
            "The expiry date must be today or later.",
            fields={"expires_on": "The expiry date must be today or later"},
        )
    token = "epa_" + secrets.token_urlsafe(32)
    prefix = token[:12]
    row = ApiToken(
        user=user,
        name=new.name if new is not None else f"Token {prefix}",
        token_hash=hash_token(token),
        prefix=prefix,
        expires_on=new.expires_on if new is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    record("api_token", row.id, "create", after=_token_record(row))
    return row, token


def _token_record(row: ApiToken) -> dict:
    return {
        "user_id": row.user_id,
        "name": row.name,
        "prefix": row.prefix,
        "expires_on": row.expires_on,
    }


def live_tokens_query(user: User):
    """The user's tokens that are not revoked (expired ones too, so they can be told apart),
    newest first."""
    return (
        select(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )


def live_tokens(user: User) -> list[ApiToken]:
    return db.session.scalars(live_tokens_query(user)).all()


def token_for(actor: User, token_id: int, owner: User | None = None) -> ApiToken:
    """A live token its owner, or an administrator, may revoke; anyone else's is not found."""
    row = db.session.get(ApiToken, token_id)
    if (
        row is None
        or row.revoked_at is not None
        or (owner is not None and row.user_id != owner.id)
        or (row.user_id != actor.id and not actor.has_role("admin"))
    ):
        raise NotFound("API token")
    return row


def revoke_token(row: ApiToken) -> None:
    row.revoked_at = clock.now()
    record("api_token", row.id, "revoke", before=_token_record(row))


def revoke_all_tokens(user: User) -> int:
    """Revoke every live token of the user; how many there were."""
    rows = live_tokens(user)
    for row in rows:
        revoke_token(row)
    return len(rows)


def user_for_token(token: str) -> User | None:
    """The enabled user a live, unexpired token belongs to, or None."""
    if not token:
        return None
    # The user comes in the same statement: every API request asks this.
    row = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
        .options(joinedload(ApiToken.user))
    )
    if row is None or row.expired(clock.today()) or not row.user.is_enabled:
        return None
    user = row.user
    _note_use(row)
    return user


def _note_use(row: ApiToken) -> None:
    """Write when the token was used, unless that was written within the last minute; the
    write commits at once, before the request's own work, so even a read keeps it."""
    now = clock.now()
    if row.last_used_at is not None and now - row.last_used_at < LAST_USED_PRECISION:
        return
    try:
        db.session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == row.id,
                or_(
                    ApiToken.last_used_at.is_(None),
                    ApiToken.last_used_at < now - LAST_USED_PRECISION,
                ),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except OperationalError:
        # A database too busy to take the note costs the note, never the request.
        db.session.rollback()
