"""Registering apprentices in bulk from the contract's spreadsheet template."""

from typing import Annotated

from flask import g, jsonify, request
from pydantic import ConfigDict, Field

from epa.api.contract import OFFICE, operation
from epa.api.errors import ErrorDetail, api_error_response
from epa.api.jobs import started
from epa.errors import ServiceError
from epa.exports.services import send_xlsx
from epa.extensions import db
from epa.imports import services
from epa.imports.jobs import start_import
from epa.imports.schemas import NO_FILE, XLSX, ImportProblem, ImportResult, ImportUpload
from epa.jobs.schemas import JobStarted
from epa.shapes import Shape

TAG = "Imports"


class ImportErrorDetail(ErrorDetail):
    # Only an import_rejected refusal lists rows: the document must not promise them always.
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    rows: Annotated[
        list[ImportProblem], Field(description="import_rejected only: every problem in the file")
    ] = []


class ImportError(Shape):  # the contract's name for this body; Python's own is not used here
    """A refused import: nothing was registered; `rows` names every problem in the file."""

    error: ImportErrorDetail


@operation("get", "/imports/apprentices/template.xlsx", roles=OFFICE, tag=TAG, content=XLSX)
def apprentices_import_template():
    """The apprentices import template: one sheet holding only the header row"""
    return send_xlsx(*services.template_file())


@operation(
    "post",
    "/imports/apprentices",
    roles=OFFICE,
    tag=TAG,
    body=ImportUpload,
    read_body=False,
    body_media="multipart/form-data",
    response=ImportResult,
    status=201,
    also={202: JobStarted},
    errors={
        422: ["import_rejected", "unreadable_file", "wrong_columns", "no_rows", "too_many_rows"]
    },
    error_shapes={422: ImportError},
)
def import_apprentices():
    """Register every apprentice in a filled-in template, or none of them: 201 with the count
    when the work was done before the answer, otherwise 202 with the job to follow"""
    upload = request.files.get("file")
    if upload is None:
        raise ServiceError(
            "validation_failed",
            "Send the filled-in template as the multipart/form-data field 'file'.",
            fields={"file": NO_FILE},
        )
    job = start_import(upload, user=g.actor, channel="api")
    db.session.commit()
    db.session.refresh(job)  # a worker may have finished it already
    if job.status == "succeeded":
        return job.result
    if job.status == "failed":
        error = dict(job.error)
        return api_error_response(422, error.pop("code"), error.pop("message"), **error)
    reply = jsonify(JobStarted.of(started(job)))
    reply.status_code = 202
    return reply
