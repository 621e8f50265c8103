"""Pages that show a standard's versions, KSBs and assessment plan."""

from flask import Blueprint, render_template

from epa.standards.documents import by_theme, version_document
from epa.standards.services import get_version, list_standards

bp = Blueprint("standards", __name__, url_prefix="/standards")


@bp.get("/")
def index():
    """Every standard and its versions."""
    return render_template("standards/index.html", standards=list_standards())


@bp.get("/<reference>/versions/<version>")
def version(reference: str, version: str):
    """One version's plan: methods, criteria by theme, grading table and KSBs."""
    found = get_version(reference, version)
    return render_template(
        "standards/version.html",
        version=found,
        document=version_document(found),
        by_theme=by_theme,
    )
