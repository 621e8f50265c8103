"""Health check and the GOV.UK Frontend assets."""

import logging
import secrets

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Response, current_app, jsonify, request, send_from_directory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from epa.auth.services import bearer_token
from epa.extensions import db
from epa.ops.metrics import exposition

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    """200 while the process can answer; it does not touch the database."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """200 when the database answers and its schema is at the newest migration, else 503."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError as error:
        log.warning("Not ready: the database does not answer (%s)", type(error).__name__)
        return jsonify({"status": "unavailable", "reason": "database_unavailable"}), 503
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if current != heads:
        log.warning(
            "Not ready: the database is at %s, the newest migration is %s",
            sorted(current),
            sorted(heads),
        )
        return jsonify({"status": "unavailable", "reason": "migrations_pending"}), 503
    return jsonify({"status": "ready"})


@bp.get("/metrics")
def metrics():
    """Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer` it."""
    expected = current_app.config.get("METRICS_TOKEN")
    if expected:
        given = bearer_token(request.headers.get("Authorization", "")) or ""
        if not secrets.compare_digest(given.encode(), expected.encode()):
            return Response(
                "Send the metrics token as 'Authorization: Bearer <METRICS_TOKEN>'.\n",
                status=401,
                content_type="text/plain; charset=utf-8",
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
    body, content_type = exposition()
    return Response(body, content_type=content_type)


@bp.get("/assets/<path:filename>")
def assets(filename: str):
    """GOV.UK Frontend's images from its pinned npm package."""
    return send_from_directory(current_app.config["GOVUK_ASSETS_PATH"], filename, max_age=86400)
