"""The end-point assessment service: `create_app` builds the Flask application."""

import os

import flask.templating
from flask import Flask, request
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.exceptions import RequestURITooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from epa import config
from epa.json_provider import JSONProvider

#: The longest request target (path and query string) the service reads, in characters; a
#: longer one is refused with 414 (`uri_too_long` under /api/). gunicorn.conf.py lets request
#: lines of up to 8,190 bytes through, so that up to there the app, not the server, answers.
MAX_TARGET_LENGTH = 4096


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, error handlers, commands."""
    app = Flask(
        __name__,
        instance_path=str(config.INSTANCE_PATH),
        static_folder=str(config.PROJECT_ROOT / "static"),
        template_folder=str(config.PROJECT_ROOT / "templates"),
    )
    app.json = JSONProvider(app)
    app.config.from_mapping(config.settings_from(dict(os.environ)))
    if test_config:
        app.config.from_mapping(test_config)
    config.check_secret_key(app)
    os.makedirs(app.instance_path, exist_ok=True)
    app.url_map.converters["id"] = IdConverter
    app.url_map.merge_slashes = False  # `/api/v1//x` is not found, rather than redirected
    # First, so the request id and timer are set before any other hook can answer (sign-in's
    # redirect, CSRF's refusal, a 414): every answer is logged with its id and duration.
    register_logging(app)
    register_templates(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_proxy(app)
    register_target_limit(app)
    return app


class IdConverter(IntegerConverter):
    """A record id in a path: ASCII digits, and an id no database column can hold is simply
    not found.

    Out-of-range ids become 0 (no row has it) instead of failing the match, because a
    failed match on one of several rules for a path makes the router answer 405.
    """

    #: Not `\d`, which would also take other scripts' digits (`/users/١` as user 1).
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        # More than ten digits is out of range anyway (and Python refuses to read thousands).
        number = int(value) if len(value) <= 10 else 0
        return number if 0 < number < 2**31 else 0


def register_target_limit(app: Flask) -> None:
    """Refuse an over-long request target before anything else reads it."""

    @app.before_request
    def refuse_long_targets():
        if _target_length(request.environ) > MAX_TARGET_LENGTH:
            raise RequestURITooLarge(
                f"The address is longer than the {MAX_TARGET_LENGTH:,} characters this service "
                "reads; send fewer or shorter query parameters."
            )


def _target_length(environ: dict) -> int:
    # gunicorn gives the target as sent (RAW_URI, query included); others may give the path
    # alone, or nothing, so the query string is added when it is not there.
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    return len(raw) + (len(query) + 1 if query and "?" not in raw else 0)


class TemplateEnvironment(flask.templating.Environment):
    """Flask's, with each template's globals a plain dict rather than Jinja's ChainMap: Jinja
    compares a template's global names with the page's on every import of a macro file, and
    with a ChainMap that comparison is a Python loop per name, a tenth of a list page's time.
    Every global is in place before the first template loads (create_app registers them all)."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def register_templates(app: Flask) -> None:
    """Our templates first, then the GOV.UK Frontend macros and WTForms widgets."""
    from govuk_frontend_wtf.main import WTFormsHelpers

    app.jinja_environment = TemplateEnvironment
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(config.PROJECT_ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)


def register_extensions(app: Flask) -> None:
    from epa import models, persistence  # noqa: F401  (models on the metadata; SQLite pragmas)
    from epa.auth.sessions import init_sessions
    from epa.connections import init_connections
    from epa.dashboard import standing  # noqa: F401  (keeps each apprentice's standing on commit)
    from epa.extensions import csrf, db, migrate
    from epa.guards import init_guards
    from epa.jobs.queue import init_app as init_jobs

    db.init_app(app)
    init_connections(app)  # before any hook that reads the database
    migrate.init_app(app, db, directory=str(config.PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    init_guards(app)
    init_sessions(app)
    init_jobs(app)
    import epa.jobs.tasks  # noqa: F401  (the tasks, on every Celery app made after it)


def register_blueprints(app: Flask) -> None:
    from epa.api import bp as api_bp
    from epa.api.limits import init_limits
    from epa.apprentices.views import bp as apprentices_bp
    from epa.audit.views import bp as audit_bp
    from epa.auth.user_views import bp as users_bp
    from epa.auth.views import bp as auth_bp
    from epa.dashboard.views import bp as dashboard_bp
    from epa.exports.views import bp as exports_bp
    from epa.extensions import csrf
    from epa.gateway.views import bp as gateway_bp
    from epa.grading.views import bp as grading_bp
    from epa.imports.views import bp as imports_bp
    from epa.jobs.views import bp as jobs_bp
    from epa.ops.views import bp as ops_bp
    from epa.organisations.views import bp as organisations_bp
    from epa.pages.views import bp as pages_bp
    from epa.planning.views import bp as planning_bp
    from epa.scheduling.feed_views import bp as feed_bp
    from epa.scheduling.views import bp as scheduling_bp
    from epa.standards.views import bp as standards_bp

    csrf.exempt(api_bp)  # the API takes bearer tokens, never the session cookie
    for blueprint in (
        ops_bp,
        auth_bp,
        users_bp,
        pages_bp,
        standards_bp,
        apprentices_bp,
        gateway_bp,
        scheduling_bp,
        planning_bp,
        grading_bp,
        feed_bp,
        exports_bp,
        dashboard_bp,
        imports_bp,
        jobs_bp,
        audit_bp,
        organisations_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    init_limits(app)


def register_errorhandlers(app: Flask) -> None:
    from epa.pages.errors import init_errorhandlers

    init_errorhandlers(app)


def register_commands(app: Flask) -> None:
    from epa.cli import epa_cli

    app.cli.add_command(epa_cli)


def register_proxy(app: Flask) -> None:
    """Trust X-Forwarded-* only from as many proxies as the deployment says sit in front."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_logging(app: Flask) -> None:
    """JSON log lines with request ids, and the request metrics."""
    from epa.ops.logs import init_logging

    init_logging(app)
