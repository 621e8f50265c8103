"""Bearer-token authentication and role checks for the API."""

from flask import g, request

from epa.auth.services import bearer_token, user_for_token
from epa.errors import ServiceError


def authenticate_request() -> None:
    """Resolve the bearer token to a user before any API view runs."""
    g.channel = "api"
    token = bearer_token(request.headers.get("Authorization", ""))
    user = user_for_token(token) if token is not None else None
    if user is None:
        raise ServiceError(
            "unauthenticated",
            "Send a valid API token as 'Authorization: Bearer <token>'.",
            status=401,
        )
    g.actor = user


def require_role(allowed) -> None:
    """A 403 unless the caller holds one of the allowed roles."""
    if g.actor.role not in allowed:
        raise ServiceError(
            "forbidden",
            f"Your role ({g.actor.role}) may not do this; it needs " + " or ".join(allowed) + ".",
            status=403,
        )
