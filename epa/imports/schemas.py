"""What the API takes and gives for the apprentices import: the upload, the count, and each
problem a refused file lists."""

from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from epa.imports.reading import MAX_FILE_BYTES, MAX_ROWS
from epa.shapes import Command, Shape

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_FILE = "Attach the filled-in template (an .xlsx file)"


class ImportUpload(Command):
    """The filled-in template, sent as the multipart/form-data field `file`."""

    file: Annotated[
        Any,
        WithJsonSchema(
            {
                "type": "string",
                "format": "binary",
                "description": "The filled-in template (.xlsx, at most "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows); dates as date "
                "cells or YYYY-MM-DD text, EHC plan Yes or No",
            }
        ),
    ]


class ImportResult(Shape):
    """Every row was registered."""

    created: int


class ImportProblem(Shape):
    row: Annotated[int, Field(description="The spreadsheet's row number (the header is row 1)")]
    column: Annotated[str, Field(description="The column's header; empty for the whole row")]
    message: str
