"""An assessor's conflicts of interest, unavailability and calendar feed address."""

from flask import g, jsonify, url_for
from sqlalchemy import select

from epa.api import bp
from epa.api.auth import roles
from epa.api.requests import json_body, paginate
from epa.errors import ServiceError
from epa.extensions import db
from epa.scheduling import diaries
from epa.scheduling.models import AssessorConflict, Unavailability


@bp.post("/users/<id:user_id>/conflicts")
@roles("admin", "staff")
def add_conflict(user_id: int):
    """Declare an employer or provider the assessor may not assess the apprentices of."""
    assessor = diaries.assessor_for(user_id, g.actor, own_allowed=False)
    conflict = diaries.add_conflict(assessor, json_body())
    db.session.commit()
    return jsonify(diaries.conflict_public(conflict)), 201


@bp.get("/users/<id:user_id>/conflicts")
@roles("admin", "staff", "assessor")
def list_conflicts(user_id: int):
    """The assessor's declared conflicts of interest."""
    assessor = diaries.assessor_for(user_id, g.actor, own_allowed=True)
    query = select(AssessorConflict).where(AssessorConflict.assessor_id == assessor.id)
    return jsonify(paginate(query.order_by(AssessorConflict.id), diaries.conflict_public))


@bp.delete("/users/<id:user_id>/conflicts/<id:conflict_id>")
@roles("admin", "staff")
def remove_conflict(user_id: int, conflict_id: int):
    """Remove a declared conflict of interest."""
    assessor = diaries.assessor_for(user_id, g.actor, own_allowed=False)
    diaries.remove_conflict(assessor, conflict_id)
    db.session.commit()
    return "", 204


@bp.post("/users/<id:user_id>/unavailability")
@roles("admin", "staff", "assessor")
def add_unavailability(user_id: int):
    """Record a time the assessor cannot be booked (assessors: their own)."""
    assessor = diaries.assessor_for(user_id, g.actor, own_allowed=True)
    period = diaries.add_unavailability(assessor, json_body())
    db.session.commit()
    return jsonify(diaries.unavailability_public(period)), 201


@bp.get("/users/<id:user_id>/unavailability")
@roles("admin", "staff", "assessor")
def list_unavailability(user_id: int):
    """The assessor's recorded unavailability, soonest first."""
    assessor = diaries.assessor_for(user_id, g.actor, own_allowed=True)
    query = select(Unavailability).where(Unavailability.assessor_id == assessor.id)
    return jsonify(
        paginate(query.order_by(Unavailability.starts_at), diaries.unavailability_public)
    )


@bp.delete("/users/<id:user_id>/unavailability/<id:period_id>")
@roles("admin", "staff", "assessor")
def remove_unavailability(user_id: int, period_id: int):
    """Remove recorded unavailability."""
    assessor = diaries.assessor_for(user_id, g.actor, own_allowed=True)
    diaries.remove_unavailability(assessor, period_id)
    db.session.commit()
    return "", 204


@bp.post("/users/<id:user_id>/calendar-token")
@roles("admin", "staff", "assessor")
def issue_calendar_token(user_id: int):
    """A new private feed address for the assessor's calendar; the old one stops working."""
    if g.actor.role != "admin" and g.actor.id != user_id:
        raise ServiceError(
            "forbidden", "Only an administrator or the assessor may do this.", status=403
        )
    assessor = diaries.assessor_for(user_id, g.actor, own_allowed=True)
    token = diaries.issue_calendar_token(assessor)
    db.session.commit()
    return jsonify({"feed_url": url_for("feed.calendar", token=token, _external=True)}), 201
