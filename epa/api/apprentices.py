"""Apprentices and their gateway attempts."""

from flask import g, jsonify, request

from epa.api import bp
from epa.api.auth import roles
from epa.api.requests import json_body, paginate
from epa.apprentices import services, version_change
from epa.extensions import db
from epa.gateway import services as gateway

OFFICE = ("admin", "staff")
ALL = ("admin", "staff", "assessor")


@bp.post("/apprentices")
@roles(*OFFICE)
def create_apprentice():
    """Register an apprentice; the version follows from the start date."""
    apprentice = services.register_apprentice(json_body())
    db.session.commit()
    return jsonify(services.public(apprentice)), 201


@bp.get("/apprentices")
@roles(*ALL)
def list_apprentices():
    """Search by exact ULN or by name, filter by status; assessors see only their own."""
    query = services.search(g.actor, request.args.get("q"), request.args.get("status"))
    return jsonify(paginate(query, services.public))


@bp.get("/apprentices/<id:apprentice_id>")
@roles(*ALL)
def get_apprentice(apprentice_id: int):
    """One apprentice."""
    return jsonify(services.public(services.get_apprentice(apprentice_id, g.actor)))


@bp.patch("/apprentices/<id:apprentice_id>")
@roles(*OFFICE)
def update_apprentice(apprentice_id: int):
    """Change an apprentice's details; a new start date re-chooses the version."""
    apprentice = services.get_apprentice(apprentice_id, g.actor)
    services.update_apprentice(apprentice, json_body())
    db.session.commit()
    return jsonify(services.public(apprentice))


@bp.post("/apprentices/<id:apprentice_id>/withdraw")
@roles(*OFFICE)
def withdraw_apprentice(apprentice_id: int):
    """Withdraw an apprentice from end-point assessment, with a reason."""
    apprentice = services.get_apprentice(apprentice_id, g.actor)
    services.withdraw_apprentice(apprentice, json_body())
    db.session.commit()
    return jsonify(services.public(apprentice))


@bp.post("/apprentices/<id:apprentice_id>/version")
@roles("admin")
def change_version(apprentice_id: int):
    """Move an apprentice to a later version of their standard, with a reason."""
    apprentice = services.get_apprentice(apprentice_id, g.actor)
    version_change.change_version(apprentice, json_body())
    db.session.commit()
    return jsonify(services.public(apprentice))


@bp.post("/apprentices/<id:apprentice_id>/gateway")
@roles(*OFFICE)
def record_gateway(apprentice_id: int):
    """Record a gateway attempt; the rules decide whether it passes."""
    apprentice = services.get_apprentice(apprentice_id, g.actor)
    attempt = gateway.record_gateway(apprentice, json_body())
    db.session.commit()
    return jsonify(gateway.public(attempt)), 201


@bp.get("/apprentices/<id:apprentice_id>/gateway")
@roles(*ALL)
def list_gateway_attempts(apprentice_id: int):
    """Every gateway attempt, newest first."""
    apprentice = services.get_apprentice(apprentice_id, g.actor)
    return jsonify(paginate(gateway.attempts_query(apprentice), gateway.public))
