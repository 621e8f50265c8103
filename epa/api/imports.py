"""Registering apprentices in bulk from the contract's spreadsheet template."""

from flask import jsonify, request

from epa.api import bp
from epa.api.auth import roles
from epa.errors import ServiceError
from epa.exports.services import send_xlsx
from epa.extensions import db
from epa.imports import services
from epa.imports.reading import MAX_FILE_BYTES


@bp.get("/imports/apprentices/template.xlsx")
@roles("admin", "staff")
def apprentices_import_template():
    """The spreadsheet to fill in: one sheet holding the header row."""
    return send_xlsx(*services.template_file())


@bp.post("/imports/apprentices")
@roles("admin", "staff")
def import_apprentices():
    """Register every apprentice in the uploaded file, or none of them."""
    upload = request.files.get("file")
    if upload is None:
        raise ServiceError(
            "validation_failed",
            "Send the filled-in template as the multipart/form-data field 'file'.",
            fields={"file": "Attach the filled-in template (an .xlsx file)"},
        )
    # One byte more than allowed is enough to know the file is too large.
    created = services.import_apprentices(upload.read(MAX_FILE_BYTES + 1), upload.filename)
    db.session.commit()
    return jsonify({"created": created}), 201
