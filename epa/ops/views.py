"""Health check and the GOV.UK Frontend assets."""

from flask import Blueprint, current_app, jsonify, send_from_directory

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """200 while the process can answer; it does not touch the database."""
    return jsonify({"status": "ok"})


@bp.get("/assets/<path:filename>")
def assets(filename: str):
    """GOV.UK Frontend's images from its pinned npm package."""
    return send_from_directory(current_app.config["GOVUK_ASSETS_PATH"], filename, max_age=86400)
