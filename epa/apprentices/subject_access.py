"""A subject-access answer (UK GDPR, article 15): everything the service holds about one
apprentice, as one JSON document and as a workbook with a sheet per part.

Every column of every row is given as stored, rather than the API's shapes of them, because
the answer is what is held, not what a screen shows: the withdrawal reason, the assessors'
comments and judgements, and each audit event about the apprentice, their gateway attempts,
assessments, results and outcomes, with what each changed. Giving it is itself audited.
"""

import json
from datetime import date, datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from epa.apprentices.models import Apprentice
from epa.audit.services import events_about, record
from epa.extensions import db
from epa.rules.local_time import LONDON
from epa.shapes import Shape

#: the parts of the answer, in the order the workbook's sheets come
PARTS = ("apprentice", "gateway_attempts", "assessments", "outcomes", "audit_events")
SHEET_NAMES = {
    "apprentice": "Apprentice",
    "gateway_attempts": "Gateway attempts",
    "assessments": "Assessments",
    "outcomes": "Outcomes",
    "audit_events": "Audit events",
}


class SubjectAccess(Shape):
    """Everything held about one apprentice: every column of every record, as stored."""

    apprentice: dict[str, Any]
    gateway_attempts: list[dict[str, Any]]
    #: each with its `result` (judgements and comments) or null
    assessments: list[dict[str, Any]]
    #: the outcome of the current EPA, or null
    outcome: dict[str, Any] | None
    #: every EPA's outcome, earlier ones included
    outcomes: list[dict[str, Any]]
    audit_events: list[dict[str, Any]]


def subject_access(apprentice: Apprentice, how: str) -> dict:
    """What is held about the apprentice; `how` (json or xlsx) goes in the audit event."""
    from epa.gateway.models import GatewayAttempt
    from epa.grading.models import Outcome, Result
    from epa.scheduling.models import Assessment

    gateway = _rows(
        select(GatewayAttempt)
        .where(GatewayAttempt.apprentice_id == apprentice.id)
        .order_by(GatewayAttempt.id)
    )
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.apprentice_id == apprentice.id).order_by(Assessment.id)
    ).all()
    results = {
        r.assessment_id: r
        for r in db.session.scalars(
            select(Result).where(Result.assessment_id.in_([a.id for a in assessments]))
        )
    }
    outcomes = db.session.scalars(
        select(Outcome).where(Outcome.apprentice_id == apprentice.id).order_by(Outcome.epa_round)
    ).all()
    held = {
        "apprentice": {
            **_columns(apprentice),
            "employer": apprentice.employer.name,
            "provider": apprentice.provider.name,
            "standard": apprentice.standard.reference,
            "version": apprentice.version.version,
        },
        "gateway_attempts": gateway,
        "assessments": [
            {
                **_columns(a),
                "method": a.method.name,
                "assessor": a.assessor.name,
                "result": _columns(results[a.id]) if a.id in results else None,
            }
            for a in assessments
        ],
        "outcome": _columns(outcomes[-1]) if outcomes else None,
        "outcomes": [_columns(o) for o in outcomes],
    }
    held["audit_events"] = _rows(events_about(records_about(apprentice.id)))
    record("apprentice", apprentice.id, "subject_access", after={"format": how})
    return held


def records_about(apprentice_id: int) -> dict[str, list[int]]:
    """The ids of the records about the apprentice, by the audit log's entity names."""
    from epa.gateway.models import GatewayAttempt
    from epa.grading.models import Outcome, Result
    from epa.scheduling.models import Assessment

    assessments = select(Assessment.id).where(Assessment.apprentice_id == apprentice_id)
    return {
        "apprentice": [apprentice_id],
        "gateway_attempt": list(
            db.session.scalars(
                select(GatewayAttempt.id).where(GatewayAttempt.apprentice_id == apprentice_id)
            )
        ),
        "assessment": list(db.session.scalars(assessments)),
        "result": list(
            db.session.scalars(select(Result.id).where(Result.assessment_id.in_(assessments)))
        ),
        "outcome": list(
            db.session.scalars(select(Outcome.id).where(Outcome.apprentice_id == apprentice_id))
        ),
    }


def workbook(held: dict) -> bytes:
    """The answer as a workbook: the apprentice as field and value, then a sheet per part with
    a row per record (a result's columns beside its assessment's; JSON as text)."""
    book = Workbook()
    book.remove(book.active)
    for part in PARTS:
        sheet = book.create_sheet(SHEET_NAMES[part])
        if part == "apprentice":
            _fill(sheet, ["Field", "Value"], [[k, v] for k, v in held["apprentice"].items()])
            continue
        rows = [_flat(row) for row in held[part]]
        headers = list(dict.fromkeys(key for row in rows for key in row)) or ["(none held)"]
        _fill(sheet, headers, [[row.get(h) for h in headers] for row in rows])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _rows(query) -> list[dict]:
    return [_columns(row) for row in db.session.scalars(query)]


def _columns(row) -> dict:
    """Every column of a row, JSON-ready: dates and instants (UTC) as ISO text."""
    values = {}
    for column in row.__table__.columns:
        value = getattr(row, column.key)
        values[column.key] = value.isoformat() if isinstance(value, date | datetime) else value
    return values


def _flat(row: dict) -> dict:
    """An assessment's result beside it, as result_* columns."""
    flat = {k: v for k, v in row.items() if k != "result"}
    for key, value in (row.get("result") or {}).items():
        flat[f"result_{key}"] = value
    return flat


def _fill(sheet, headers: list[str], rows: list[list]) -> None:
    from epa.exports.spreadsheets import excel_text

    sheet.append(headers)
    for values in rows:
        sheet.append([None] * len(values))
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            if isinstance(value, dict | list):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            if isinstance(value, str):
                value = _as_local(value)
            if isinstance(value, str):
                cell.value = excel_text(value)[0]
                cell.data_type = "s"  # text, never a formula, whatever it starts with
            else:
                cell.value = value
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(60, max(12, len(header) + 2))
    sheet.freeze_panes = "A2"


def _as_local(text: str):
    """An ISO instant as the London wall clock (the workbook's readers' time), else the text."""
    if len(text) >= 19 and text[10:11] == "T" and text[:4].isdigit():
        try:
            instant = datetime.fromisoformat(text)
        except ValueError:
            return text
        if instant.tzinfo is not None:
            return instant.astimezone(LONDON).replace(tzinfo=None)
    return text
