"""Employers and training providers."""

from flask import jsonify
from sqlalchemy import select

from epa.api import bp
from epa.api.auth import roles
from epa.api.requests import json_body, paginate
from epa.extensions import db
from epa.organisations import services
from epa.organisations.models import Employer, Provider


@bp.post("/employers")
@roles("admin", "staff")
def create_employer():
    """Register an employer."""
    employer = services.create_employer(json_body().get("name"))
    db.session.commit()
    return jsonify(employer.public()), 201


@bp.get("/employers")
@roles("admin", "staff")
def list_employers():
    """Employers by name."""
    return jsonify(paginate(select(Employer).order_by(Employer.name, Employer.id), Employer.public))


@bp.get("/employers/<id:employer_id>")
@roles("admin", "staff")
def get_employer(employer_id: int):
    """One employer."""
    return jsonify(services.get_employer(employer_id).public())


@bp.post("/providers")
@roles("admin", "staff")
def create_provider():
    """Register a training provider by its UKPRN."""
    body = json_body()
    provider = services.create_provider(body.get("name"), body.get("ukprn"))
    db.session.commit()
    return jsonify(provider.public()), 201


@bp.get("/providers")
@roles("admin", "staff")
def list_providers():
    """Training providers by name."""
    return jsonify(paginate(select(Provider).order_by(Provider.name, Provider.id), Provider.public))


@bp.get("/providers/<id:provider_id>")
@roles("admin", "staff")
def get_provider(provider_id: int):
    """One training provider."""
    return jsonify(services.get_provider(provider_id).public())
