"""Users (administrators manage them)."""

from flask import jsonify
from sqlalchemy import select

from epa.api import bp
from epa.api.auth import roles
from epa.api.requests import json_body, paginate
from epa.auth import services
from epa.auth.models import User
from epa.errors import NotFound
from epa.extensions import db


@bp.post("/users")
@roles("admin")
def create_user():
    """Add a user with a role and a password."""
    body = json_body()
    user = services.create_user(
        body.get("email"), body.get("name"), body.get("role"), body.get("password")
    )
    db.session.commit()
    return jsonify(user.public()), 201


@bp.get("/users")
@roles("admin")
def list_users():
    """Users by name."""
    return jsonify(paginate(select(User).order_by(User.name, User.id), User.public))


@bp.get("/users/<id:user_id>")
@roles("admin")
def get_user(user_id: int):
    """One user."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    return jsonify(user.public())
