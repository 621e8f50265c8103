"""Subject access (UK GDPR): everything held about one apprentice, for an administrator to
give them, as JSON or as a workbook. Each request is audited."""

from flask import g

from epa.api.contract import ADMIN, operation
from epa.apprentices.services import get_apprentice
from epa.apprentices.subject_access import SubjectAccess, subject_access, workbook
from epa.exports.services import XLSX, send_xlsx
from epa.extensions import db

PATH = "/apprentices/<id:apprentice_id>/subject-access"
#: administrators only: the whole record, the assessors' comments and the audit trail
WHO = {"roles": ADMIN, "tag": "Apprentices"}


@operation("get", PATH, **WHO, response=SubjectAccess)
def subject_access_json(apprentice_id: int):
    """Everything held about the apprentice: record, gateway attempts, assessments with results
    and judgements, outcomes and the audit events about them"""
    held = subject_access(get_apprentice(apprentice_id, g.actor), "json")
    db.session.commit()
    return held


@operation("get", f"{PATH}.xlsx", **WHO, content=XLSX)
def subject_access_xlsx(apprentice_id: int):
    """The same as a workbook, a sheet per part"""
    apprentice = get_apprentice(apprentice_id, g.actor)
    held = subject_access(apprentice, "xlsx")
    db.session.commit()
    return send_xlsx(f"subject-access-apprentice-{apprentice.id}.xlsx", workbook(held))
