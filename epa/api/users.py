"""Users (administrators manage them), and each user's own password and API tokens."""

from flask import current_app, g
from sqlalchemy import select

from epa.api.contract import ADMIN, ALL, operation
from epa.auth import accounts, resets, services
from epa.auth.models import User
from epa.auth.schemas import (
    PasswordChange,
    PasswordResetIssued,
    Token,
    TokenIssued,
    TokenNew,
    UserChange,
    UserNew,
)
from epa.auth.schemas import User as UserOut
from epa.extensions import db

TAG = "Users"
TOKENS = "API tokens"


@operation(
    "post",
    "/users",
    roles=ADMIN,
    tag=TAG,
    body=UserNew,
    response=UserOut,
    status=201,
    errors={409: ["duplicate_email"]},
)
def create_user(body: UserNew):
    """Add a user"""
    user = services.create_user(body)
    db.session.commit()
    return user


@operation("get", "/users", roles=ADMIN, tag=TAG, response=UserOut, page=True)
def list_users():
    """List users"""
    return select(User).order_by(User.name, User.id)


@operation("get", "/users/<id:user_id>", roles=ADMIN, tag=TAG, response=UserOut)
def get_user(user_id: int):
    """One user"""
    return accounts.get_user(user_id)


@operation(
    "patch",
    "/users/<id:user_id>",
    roles=ADMIN,
    tag=TAG,
    body=UserChange,
    response=UserOut,
    errors={409: ["cannot_disable_self", "last_administrator"]},
)
def change_user(user_id: int, body: UserChange):
    """Change a user's name or role, or disable or re-enable them (disabling signs them out
    everywhere and revokes their API tokens and calendar feed)"""
    user = accounts.change_user(accounts.get_user(user_id), body, g.actor)
    db.session.commit()
    return user


@operation(
    "post",
    "/users/<id:user_id>/password-reset",
    roles=ADMIN,
    tag=TAG,
    response=PasswordResetIssued,
    status=201,
    errors={409: ["user_disabled"]},
)
def issue_password_reset(user_id: int):
    """Issue a one-time password reset link (24 hours; emailed to the user, shown once here)"""
    issued = resets.issue_reset(accounts.get_user(user_id), current_app.config["EPAO_NAME"])
    db.session.commit()
    return issued


@operation(
    "post",
    "/me/password",
    roles=ALL,
    tag=TAG,
    body=PasswordChange,
    status=204,
    errors={422: ["wrong_password"]},
)
def change_own_password(body: PasswordChange):
    """Change your own password (signs you out of the pages everywhere)"""
    services.change_own_password(g.actor, body)
    db.session.commit()
    return "", 204


@operation("get", "/me/tokens", roles=ALL, tag=TOKENS, response=Token, page=True)
def list_own_tokens():
    """Your API tokens that are not revoked, newest first (expired ones included)"""
    return services.live_tokens_query(g.actor)


@operation(
    "post",
    "/me/tokens",
    roles=ALL,
    tag=TOKENS,
    body=TokenNew,
    response=TokenIssued,
    status=201,
    errors={422: ["invalid_date"]},
)
def create_own_token(body: TokenNew):
    """Create an API token (the token is in this response only)"""
    row, token = services.issue_token(g.actor, body)
    db.session.commit()
    return {"id": row.id, "name": row.name, "token": token}


@operation("delete", "/tokens/<id:token_id>", roles=ALL, tag=TOKENS, status=204)
def revoke_token(token_id: int):
    """Revoke an API token (your own; an administrator, anyone's)"""
    services.revoke_token(services.token_for(g.actor, token_id))
    db.session.commit()
    return "", 204
