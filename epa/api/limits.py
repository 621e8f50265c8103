"""The API's rate limit (API.md, "Limits and personal data"): API_RATE_LIMIT requests (1200 a
minute by default; `off` turns it off) per token, and per address for requests without one.
Over it: 429 `rate_limited` with Retry-After.

Counted by Flask-Limiter in Redis when REDIS_URL is set, so every web server and worker shares
one count; without Redis (the embedded single-machine default) each web process counts for
itself. A limit store that cannot be reached lets requests through and says so in the log:
the limit protects the service, and must not be the thing that stops it.
"""

from flask import Flask, current_app, request
from flask_limiter import Limiter

from epa import clock
from epa.api import bp
from epa.auth.services import bearer_token, hash_token


def caller() -> str:
    """Whose requests count together: a token's (by its digest, never the token itself), or
    an address's when no token is sent."""
    token = bearer_token(request.headers.get("Authorization", ""))
    if token is not None:
        return f"token:{hash_token(token)}"
    return f"address:{request.remote_addr or 'unknown'}"


def retry_after() -> int:
    """Seconds until the limit this request broke lets requests through again."""
    current = current_app.extensions["epa_limiter"].current_limit
    if current is None:
        return 60
    return max(1, current.reset_at - int(clock.now().timestamp()))


def init_limits(app: Flask) -> None:
    """A limiter of the app's own (its settings are the app's: tests make several apps)."""
    configured = app.config["API_RATE_LIMIT"]
    limiter = Limiter(
        key_func=caller,
        strategy="fixed-window",
        storage_uri=app.config.get("REDIS_URL") or "memory://",
        key_prefix="epa-api",
        headers_enabled=True,
        swallow_errors=True,
        enabled=configured != "off",
    )
    limiter.init_app(app)
    if configured != "off":
        limiter.limit(configured, key_func=caller)(bp)
    app.extensions["epa_limiter"] = limiter
