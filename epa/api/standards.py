"""Standards: read-only, loaded from fixtures."""

from flask import jsonify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa.api import bp
from epa.api.auth import roles
from epa.api.requests import paginate
from epa.standards.documents import standard_summary, version_document
from epa.standards.models import Standard
from epa.standards.services import get_version

ALL_ROLES = ("admin", "staff", "assessor")


@bp.get("/standards")
@roles(*ALL_ROLES)
def list_standards():
    """Every standard with its versions' start-date windows."""
    query = select(Standard).options(selectinload(Standard.versions)).order_by(Standard.reference)
    return jsonify(paginate(query, standard_summary))


@bp.get("/standards/<reference>/versions/<version>")
@roles(*ALL_ROLES)
def get_standard_version(reference: str, version: str):
    """One version with its KSBs, assessment plan and grading table."""
    return jsonify(version_document(get_version(reference, version)))
