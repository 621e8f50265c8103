"""Signed-in sessions for pages: who is asking, and the rule that pages need a sign-in."""

import hashlib
import secrets
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_user

from epa.auth.models import User
from epa.extensions import db, login_manager

# Reachable without signing in; the API and calendar feeds authenticate themselves.
PUBLIC_ENDPOINTS = {
    "auth.sign_in",
    "auth.reset_password",  # the one-time link is the credential
    "static",
    "ops.healthz",
    "ops.assets",
    "ops.readyz",
    "ops.metrics",
    "pages.accessibility",
    "pages.privacy",
    "feed.calendar",  # the secret address is the credential
}
SELF_AUTHENTICATING_BLUEPRINTS = {"api"}
#: Answers that never depend on who asks (probes, files): the user is not loaded for them, so
#: they still answer while the database is away.
NO_USER = {"static", "ops.healthz", "ops.readyz", "ops.metrics", "ops.assets", "feed.calendar"}
#: a year, as the HSTS preload list asks; subdomains are the organisation's own business
HSTS_SECONDS = 365 * 24 * 3600


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def safe_next(target: str | None) -> str | None:
    """A local path to return to after sign-in, never another site.

    Browsers drop tabs and line breaks inside URLs, so `/\t/evil.example` would become
    `//evil.example`: any whitespace or control character makes the target unsafe.
    """
    if not target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def begin_session(user: User) -> None:
    """Sign the user in on this browser: the session is bound to it (`_browser`)."""
    login_user(user)
    session[BROWSER_KEY] = _browser()


#: Where the session keeps the browser it was begun in.
BROWSER_KEY = "_browser"


def _browser() -> str:
    """The browser a request comes from, as far as it says: a digest of its User-Agent.

    Flask-Login's "strong" protection also binds a session to the address, but with permanent
    sessions (which the 8-hour idle limit needs) it only marks them not fresh, so a copied
    cookie went on working anywhere. The address is left out: phones and offices change
    addresses during a day. README, "Sessions", says what else protects a session."""
    agent = request.headers.get("User-Agent", "")
    return hashlib.sha256(agent.encode("utf-8", "surrogatepass")).hexdigest()


def init_sessions(app: Flask) -> None:
    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    # Checked in load_user instead (see _browser): Flask-Login's own check would not end it.
    login_manager.session_protection = None

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        user_id, _, token = session_id.partition(":")
        if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 9 or not token:
            return None
        if not secrets.compare_digest(session.get(BROWSER_KEY, ""), _browser()):
            return None  # a cookie carried to another browser: signed out there
        user = db.session.get(User, int(user_id))
        if user is None or not user.is_enabled:
            return None
        return user if secrets.compare_digest(user.session_token, token) else None

    @app.before_request
    def require_sign_in():
        g.csp_nonce = secrets.token_urlsafe(16)
        if request.blueprint in SELF_AUTHENTICATING_BLUEPRINTS or request.endpoint in NO_USER:
            return None
        g.channel = "web"
        if current_user.is_authenticated:
            g.actor = current_user._get_current_object()
            return None
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        return redirect(url_for("auth.sign_in", next=safe_next(request.full_path.rstrip("?"))))

    @app.context_processor
    def template_globals():
        return {"cspNonce": g.get("csp_nonce"), "service_name": app.config["EPAO_NAME"]}

    @app.after_request
    def security_headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            # Once a browser has reached the service over HTTPS, never over plain HTTP again.
            response.headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            # Pages and API answers carry personal data (and tokens or reset links shown once):
            # keep them out of shared and back-button caches.
            response.headers["Cache-Control"] = "no-store"
        return response
