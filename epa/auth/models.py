"""Users and their API tokens."""

import enum
import secrets
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from epa import clock
from epa.extensions import db
from epa.types import UTCDateTime


class Role(enum.StrEnum):
    """What a user may do; each is also the word stored and shown in the API."""

    ADMIN = "admin"
    STAFF = "staff"
    ASSESSOR = "assessor"


#: The roles as plain words, in the order the service lists them.
ROLES = tuple(role.value for role in Role)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-case, so sign-in and uniqueness ignore case
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    #: werkzeug's scrypt hash; never the password itself
    password_hash: Mapped[str] = mapped_column(String(255))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: part of the signed-in session's id: a new one on sign-out ends every copy of the session
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    #: SHA-256 of the assessor's calendar feed token; a new token replaces (revokes) the old
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    @property
    def enabled(self) -> bool:
        """As the API names it."""
        return self.is_enabled

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


class SignInFailure(db.Model):
    """A failed sign-in, kept briefly so repeated guessing of one account can be slowed."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (
        Index("ix_sign_in_failures_email_occurred_at", "email", "occurred_at"),
        Index("ix_sign_in_failures_address_occurred_at", "address", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: as typed, lower-cased (it need not belong to a user)
    email: Mapped[str] = mapped_column(String(254))
    #: the address the try came from (behind TRUSTED_PROXIES, the client's)
    address: Mapped[str] = mapped_column(String(45))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: what its owner calls it ("Nightly export script")
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the token: tokens are long and random, so a fast hash is enough
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the first characters, shown so a person can tell their tokens apart
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    #: kept to the minute at best: a write on every request would cost more than it tells
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the last London date the token works; None: until it is revoked
    expires_on: Mapped[date | None]
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and today > self.expires_on


class PasswordReset(db.Model):
    """A one-time link to set a new password; only the hash of its secret is kept."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when a newer link, or disabling the account, made this one stop working
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
