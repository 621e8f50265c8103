"""Signed-in sessions for pages: who is asking, and the rule that pages need a sign-in."""

import secrets

from flask import Flask, g, redirect, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

from epa.auth.models import User
from epa.extensions import db, login_manager

# Reachable without signing in; the API and calendar feeds authenticate themselves.
PUBLIC_ENDPOINTS = {"auth.sign_in", "static", "ops.healthz", "ops.assets"}
SELF_AUTHENTICATING_BLUEPRINTS = {"api"}


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def safe_next(target: str | None) -> str | None:
    """A local path to return to after sign-in, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def init_sessions(app: Flask) -> None:
    app.session_interface = SessionInterface()
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        return user if user and user.is_enabled else None

    @app.before_request
    def require_sign_in():
        g.csp_nonce = secrets.token_urlsafe(16)
        if request.blueprint in SELF_AUTHENTICATING_BLUEPRINTS:
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
        if request.blueprint != "api" and "Cache-Control" not in response.headers:
            # Pages carry personal data: keep them out of shared and back-button caches.
            response.headers["Cache-Control"] = "no-store"
        return response
