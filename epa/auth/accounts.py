"""An administrator's changes to a user: name, role, and disabling or re-enabling the account.

Disabling takes every way in away at once: signed-in sessions, API tokens, the calendar feed
and any password reset link. The service always keeps one enabled administrator.
"""

from sqlalchemy import select, text

from epa.audit.services import changes, record
from epa.auth import schemas
from epa.auth.models import Role, User
from epa.auth.resets import end_reset_links
from epa.auth.services import end_sessions, revoke_all_tokens
from epa.errors import NotFound, ServiceError
from epa.extensions import db


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    return user


def change_user(user: User, change: schemas.UserChange, actor: User | None) -> User:
    """Apply the fields sent; `actor` is None on the command line."""
    given = change.given()
    disabling = given.get("enabled") is False and user.is_enabled
    if disabling and actor is not None and actor.id == user.id:
        raise ServiceError(
            "cannot_disable_self",
            "You cannot disable your own account; another administrator can.",
            status=409,
            fields={"enabled": "You cannot disable your own account"},
        )
    still_admin = given.get("role", user.role) == Role.ADMIN and not disabling
    if user.is_enabled and user.role == Role.ADMIN and not still_admin:
        _keep_an_administrator(user, "role" if not disabling else "enabled")
    before = schemas.User.of(user)
    if "name" in given:
        user.name = given["name"]
    if "role" in given:
        user.role = given["role"]
    if disabling:
        user.is_enabled = False
    elif given.get("enabled") is True:
        user.is_enabled = True
    old, new = changes(before, schemas.User.of(user))
    if new:
        action = {False: "disable", True: "enable"}.get(new.get("enabled"), "update")
        if disabling:
            new = {**new, **_take_access_away(user)}
        record("user", user.id, action, before=old, after=new)
    return user


def _keep_an_administrator(user: User, field: str) -> None:
    # Every enabled administrator is locked before they are counted, so two administrators
    # removing each other queue, and the second counts after the first's change: PostgreSQL
    # locks the rows in id order (no deadlock); SQLite's first write takes its one write lock.
    admins = select(User.id).where(User.role == Role.ADMIN, User.is_enabled.is_(True))
    if db.session.get_bind().dialect.name == "postgresql":
        enabled = db.session.scalars(admins.order_by(User.id).with_for_update()).all()
    else:
        db.session.execute(text("UPDATE users SET id = id WHERE role = 'admin'"))
        enabled = db.session.scalars(admins).all()
    if not [admin_id for admin_id in enabled if admin_id != user.id]:
        message = (
            f"{user.name} is the only enabled administrator, and the service needs one: "
            "make another user an administrator first."
        )
        raise ServiceError("last_administrator", message, status=409, fields={field: message})


def _take_access_away(user: User) -> dict:
    end_sessions(user)
    feed = "revoked" if user.calendar_token_hash else None
    user.calendar_token_hash = None
    end_reset_links(user)
    taken = {"api_tokens_revoked": revoke_all_tokens(user)}
    return taken | ({"calendar_feed": feed} if feed else {})
