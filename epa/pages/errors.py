"""Error pages in the service's layout, and JSON error bodies under /api/."""

import logging

from flask import Flask, current_app, g, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from epa.api.errors import api_error_response
from epa.api.limits import retry_after
from epa.errors import ServiceError
from epa.extensions import db, login_manager

log = logging.getLogger(__name__)

PAGE_TEMPLATES = {401: "errors/401.html", 403: "errors/403.html", 404: "errors/404.html"}


UNTRUSTED_HOST = "This service does not answer for the address the request named (its Host)."


def _bare(status: int, message: str):
    """A page without the layout, for when the layout itself cannot be drawn."""
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(message)}</title></head><body><main><p>{escape(message)}</p></main>"
        "</body></html>"
    )
    return page, status, {"Content-Type": "text/html; charset=utf-8"}


def _is_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def init_errorhandlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        if _is_api():
            return api_error_response(400, "malformed_request", error.description)
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        db.session.rollback()
        if _is_api():
            return api_error_response(error.status, error.code, error.message, error.fields)
        template = PAGE_TEMPLATES.get(error.status, "errors/generic.html")
        return render_template(template, message=error.message), error.status

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        log.error("Database unavailable on %s %s: %s", request.method, request.path, error)
        db.session.rollback()
        if _is_api():
            return api_error_response(503)
        # The layout shows who is signed in, and finding out would ask the database again:
        # the page is drawn as for someone signed out.
        g._login_user = login_manager.anonymous_user()
        try:
            return render_template("errors/503.html"), 503
        except (OperationalError, InterfaceError):
            log.exception("The unavailable page could not be drawn")
            return _bare(503, "Sorry, the service is unavailable. Try again in a few minutes.")

    @app.errorhandler(RateLimitExceeded)
    def rate_limited(error: RateLimitExceeded):
        wait = retry_after()
        response = api_error_response(
            429,
            "rate_limited",
            f"Too many requests: at most {error.description}. Try again in {wait} seconds.",
        )
        response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        # No address can be built for a host the service does not answer for, so no layout.
        log.warning("Refused %s %s: %s", request.method, request.path, error.description)
        if _is_api():
            return api_error_response(400, "malformed_request", UNTRUSTED_HOST)
        return _bare(400, UNTRUSTED_HOST)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _is_api():
            message = None
            if error.code == 413:
                limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
                message = f"The request is larger than the {limit} MB this service accepts."
            elif error.code in (400, 414) and isinstance(error.description, str):
                message = error.description
            response = api_error_response(error.code or 500, message=message)
            if error.code == 405:
                response.headers["Allow"] = dict(error.get_headers()).get("Allow", "")
            return response
        template = PAGE_TEMPLATES.get(error.code, "errors/generic.html")
        return render_template(template, error=error), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if _is_api():
            return api_error_response(500)
        try:
            return render_template("errors/500.html"), 500
        except Exception:  # the layout itself may be what failed
            log.exception("The error page could not be drawn")
            return InternalServerError.description, 500
