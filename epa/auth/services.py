"""Creating users, checking and changing passwords, and issuing and revoking API tokens."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, func, or_, select, text, update
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
from epa.rules import sign_in_throttle as throttle
from epa.rules.passwords import password_problem
from epa.rules.sign_in_throttle import WINDOW

DUPLICATE_EMAIL = Unique(
    "duplicate_email",
    "email",
    "A user with the email {row.email} already exists.",
    "A user with this email already exists",
)
#: Five wrong passwords for one email within 15 minutes pause sign-in for that email.
#: A token's last use is written at most this often, so reading the API costs no write a request.
LAST_USED_PRECISION = timedelta(minutes=1)
NOT_THEIR_CURRENT = "Your current password is not right"
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASHES: dict[str, str] = {}


def create_user(new: UserNew) -> User:
    """Add a user with a hashed password; one email (in any case) belongs to one user only."""
    refuse_personal_password(new.password, new.name, new.email, "password")
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


def take_a_try(email: str, address: str) -> timedelta:
    """Take one sign-in try of this email from this address: how long it must wait first
    (epa.rules.sign_in_throttle), or nothing, when the try is kept as a failure until the
    password proves right (`forget_failures`).

    Tries of one email, and from one address, are taken one at a time, so many at once cannot
    all find room for one more: a row lock on PostgreSQL, the single writer on SQLite."""
    db.session.commit()  # its own transaction, whose first statement writes (SQLite's lock)
    key, address, now = _email_key(email), address[:45], clock.now()
    if db.session.get_bind().dialect.name == "postgresql":
        for space, value in ((1, key), (2, address)):
            db.session.execute(
                text("SELECT pg_advisory_xact_lock(:space, :key)"),
                {"space": space, "key": _lock_key(value)},
            )
    db.session.execute(delete(SignInFailure).where(SignInFailure.occurred_at <= now - WINDOW))
    mine = SignInFailure(email=key, address=address, occurred_at=now)
    db.session.add(mine)
    db.session.flush()
    others = db.session.execute(
        select(SignInFailure.email, SignInFailure.address, SignInFailure.occurred_at).where(
            SignInFailure.id != mine.id,
            or_(SignInFailure.email == key, SignInFailure.address == address),
        )
    ).all()
    waiting = throttle.wait([throttle.Failure(*row) for row in others], key, address, now)
    if waiting:
        db.session.delete(mine)  # a try that waits is not a failure
    db.session.commit()
    return waiting


def forget_failures(email: str, address: str) -> None:
    """A right password: this email's failures from this address (its try among them) go."""
    db.session.execute(
        delete(SignInFailure).where(
            SignInFailure.email == _email_key(email), SignInFailure.address == address[:45]
        )
    )


def _lock_key(value: str) -> int:
    """A signed 32-bit key for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(value.encode()).digest()[:4], "big", signed=True)


def _email_key(email: str) -> str:
    return email.strip().lower()[:254]


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops working."""
    user.session_token = new_session_token()


def refuse_personal_password(password: str, name: str, email: str, field: str) -> None:
    """The policy's last part, which needs the user: no password made of their own name or
    email address (the rest was read with the request)."""
    refused = password_problem(password, name, email)
    if refused:
        raise ServiceError("validation_failed", f"{refused}.", fields={field: refused})


def set_password(user: User, password: str, via: str = "own_change") -> None:
    """A new password (already read by the policy), ending every signed-in session; the audit
    says how it was set (the user's own change, or a reset link, whose request has no user)."""
    refuse_personal_password(password, user.name, user.email, "new_password")
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


def bearer_token(authorization: str) -> str | None:
    """The token an `Authorization: Bearer <token>` header carries, or None."""
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


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


#: Every API request asks this: the user comes in the same statement, and the statement is
#: built (and its cache key worked out) once.
_LIVE_TOKEN = (
    select(ApiToken)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
    .options(joinedload(ApiToken.user))
)


def user_for_token(token: str) -> User | None:
    """The enabled user a live, unexpired token belongs to, or None."""
    if not token:
        return None
    row = db.session.scalar(_LIVE_TOKEN, {"token_hash": hash_token(token)})
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
