"""Creating users, checking passwords and issuing API tokens."""

import hashlib
import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from epa.audit.services import record
from epa.auth.models import ROLES, ApiToken, User
from epa.errors import ServiceError
from epa.extensions import db

MIN_PASSWORD_LENGTH = 12
# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email) -> str:
    """The email as stored: trimmed and lower-case; ServiceError when it is not an address."""
    if not isinstance(email, str) or not email.strip():
        raise ServiceError(
            "validation_failed",
            "Enter an email address.",
            fields={"email": "Enter an email address"},
        )
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise ServiceError(
            "validation_failed",
            "Enter an email address in the correct format, like name@example.com.",
            fields={"email": "Enter an email address in the correct format, like name@example.com"},
        ) from None
    return checked.normalized.lower()


def create_user(email, name, role, password) -> User:
    """Add a user with a hashed password, refusing bad input field by field."""
    fields = {}
    try:
        email = normalise_email(email)
    except ServiceError as error:
        fields.update(error.fields)
    if not isinstance(name, str) or not name.strip():
        fields["name"] = "Enter the person's name"
    elif len(name.strip()) > 200:
        fields["name"] = "Name must be 200 characters or fewer"
    if role not in ROLES:
        fields["role"] = "Role must be one of admin, staff or assessor"
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        fields["password"] = f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    if fields:
        raise ServiceError(
            "validation_failed",
            "The user could not be created: " + "; ".join(fields.values()) + ".",
            fields=fields,
        )
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise ServiceError(
            "duplicate_email",
            f"A user with the email {email} already exists.",
            status=409,
            fields={"email": "A user with this email already exists"},
        )
    user = User(
        email=email, name=name.strip(), role=role, password_hash=generate_password_hash(password)
    )
    db.session.add(user)
    db.session.flush()
    record("user", user.id, "create", after=user.public())
    return user


def authenticate(email, password) -> User | None:
    """The enabled user with that email and password, or None."""
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
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
