"""Registering apprentices from the contract's spreadsheet: every row, or none of them.

Each row goes through `register_apprentice`, the rules the register form and the API use;
every problem in every row is collected, and any problem rolls the whole import back.
"""

import logging

from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from epa.apprentices.services import read_registration, register_apprentice
from epa.errors import ServiceError
from epa.exports.spreadsheets import generate_xlsx
from epa.extensions import db
from epa.imports import reading
from epa.imports.reading import CellProblem, cell_date, cell_text, cell_yes_no
from epa.ops.metrics import IMPORT_SECONDS, IMPORTS, timed
from epa.organisations.models import Employer, Provider, employer_name_key
from epa.organisations.schemas import EmployerNew
from epa.organisations.services import create_employer
from epa.rules.identifiers import TEMPORARY_ULN, is_valid_ukprn, is_valid_uln
from epa.shapes import Problems
from epa.standards.models import Standard

log = logging.getLogger("epa.imports")

TEMPLATE_NAME = "apprentices-import-template.xlsx"
SHEET_NAME = "Apprentices"
#: the registration's field names and the template's column for each
COLUMNS = {
    "uln": "ULN",
    "given_names": "Given names",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "email": "Email",
    "employer_id": "Employer",
    "provider_id": "Provider UKPRN",
    "standard": "Standard",
    "start_date": "Start date",
    "ehc_plan": "EHC plan",
}
#: how a column's cell is read where its text will not do
CELL_READERS = {"Date of birth": cell_date, "Start date": cell_date, "EHC plan": cell_yes_no}
_ORDER = {header: index for index, header in enumerate(reading.HEADERS)}


def template_file() -> tuple[str, bytes]:
    """The file to fill in: one sheet holding only the header row, and its file name."""
    return TEMPLATE_NAME, generate_xlsx(SHEET_NAME, list(reading.HEADERS), [])


def import_apprentices(data: bytes, filename: str | None = None, *, progress=None) -> int:
    """Register every apprentice in the file and return how many; timed and counted.

    `progress(done, total)` is told as rows are checked."""
    outcome = "unreadable"
    try:
        with timed(IMPORT_SECONDS):
            created = _import_apprentices(data, filename, progress)
        outcome = "created"
        return created
    except ServiceError as error:
        outcome = "rejected" if error.code == "import_rejected" else "unreadable"
        raise
    finally:
        IMPORTS.labels(outcome=outcome).inc()


def _import_apprentices(data: bytes, filename: str | None = None, progress=None) -> int:
    """Register every apprentice in the file and return how many; any problem refuses all.

    A refused file raises `import_rejected` with `rows`: every problem as
    {row, column, message}, the row being the spreadsheet's (the header is row 1).
    """
    try:
        rows = reading.read_rows(data, filename)
    except reading.FileRefused as refusal:
        raise refused(refusal) from None
    importer = _Importer()
    problems = []
    for done, (number, cells) in enumerate(rows, 1):
        problems += importer.register(number, cells)
        if progress is not None and (done % 500 == 0 or done == len(rows)):
            progress(done, len(rows))
    if problems:
        db.session.rollback()
        raise ServiceError(
            "import_rejected", _refusal(problems, len(rows)), extra={"rows": problems}
        )
    log.info("Imported %s apprentices from a spreadsheet", len(rows))
    return len(rows)


def refused(refusal: reading.FileRefused) -> ServiceError:
    status = 413 if refusal.code == "file_too_large" else 422
    return ServiceError(refusal.code, refusal.message, status=status)


def _refusal(problems: list[dict], total: int) -> str:
    bad_rows = len({problem["row"] for problem in problems})
    return (
        f"Nothing was imported: {_count(len(problems), 'problem')} in "
        f"{_count(bad_rows, 'row')} of {total:,}. Correct them and upload the whole file again."
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class _Importer:
    """One file's rows, with the employers, providers and ULNs met so far."""

    def __init__(self):
        # The session's identity map holds records weakly: held here, each row's look-ups of
        # its employer, provider and standard's versions are answered without a query.
        self.employers: dict[str, Employer] = {}
        self.providers: dict[str, Provider | None] = {}
        self.standards = db.session.scalars(
            select(Standard).options(selectinload(Standard.versions))
        ).all()
        #: (standard, ULN) -> the row it was first on
        self.first_rows: dict[tuple[str, str], int] = {}

    def register(self, number: int, cells: dict) -> list[dict]:
        """Register one row's apprentice; its problems as {row, column, message}."""
        found: dict[str, str] = {}  # column -> message; the first found for a column stays
        body = {
            field: _cell(CELL_READERS.get(column, cell_text), cells, column, found)
            for field, column in COLUMNS.items()
        }
        body["employer_id"] = self._employer(cells["Employer"], found)
        body["provider_id"] = self._provider(cells["Provider UKPRN"], found)
        body["ehc_plan"] = body["ehc_plan"] or False  # a refused cell is reported already
        self._check_repeat(number, body, found)
        try:
            register_apprentice(read_registration(body))
        except ServiceError as error:
            for field, message in (error.fields or {"": error.message}).items():
                found.setdefault(COLUMNS.get(field, ""), message)
        return [
            {"row": number, "column": column, "message": message.rstrip(".")}
            for column, message in sorted(found.items(), key=lambda item: _ORDER.get(item[0], 99))
        ]

    def _employer(self, value, found: dict) -> int | None:
        """The employer of that name (ignoring case), added when new."""
        problems = Problems()
        command = EmployerNew.read({"name": cell_text(value)}, problems)
        if command is None:
            found["Employer"] = problems.fields["name"]
            return None
        name = command.name
        key = employer_name_key(name)
        employer = self.employers.get(key)
        # A refused row's flush may have rolled back an employer added here: look again.
        if employer is None or not inspect(employer).persistent:
            employer = db.session.scalar(select(Employer).where(Employer.name_key == key))
            if employer is None:
                try:
                    employer = create_employer(command)
                except ServiceError as error:
                    found["Employer"] = error.fields.get("name", error.message)
                    return None
            self.employers[key] = employer
        return employer.id

    def _provider(self, value, found: dict) -> int | None:
        """The registered provider with that UKPRN."""
        ukprn = (cell_text(value) or "").strip()
        if not ukprn:
            found["Provider UKPRN"] = "Enter the training provider's UKPRN"
            return None
        if not is_valid_ukprn(ukprn):
            found["Provider UKPRN"] = "Enter a UKPRN of 8 digits starting with 1, like 10012345"
            return None
        if ukprn not in self.providers:
            self.providers[ukprn] = db.session.scalar(
                select(Provider).where(Provider.ukprn == ukprn)
            )
        provider = self.providers[ukprn]
        if provider is None:
            found["Provider UKPRN"] = (
                f"No training provider with UKPRN {ukprn} is registered; add the provider, "
                "then upload the file again"
            )
            return None
        return provider.id

    def _check_repeat(self, number: int, body: dict, found: dict) -> None:
        """An apprentice is on a standard once: a second row for them is a problem."""
        uln = (body["uln"] or "").strip()
        standard = (body["standard"] or "").strip().upper()
        if not standard or uln == TEMPORARY_ULN or not is_valid_uln(uln):
            return
        first = self.first_rows.setdefault((standard, uln), number)
        if first != number:
            found["ULN"] = f"The ULN {uln} is also on row {first}; each apprentice goes on one row"


def _cell(read, cells: dict, column: str, found: dict):
    try:
        return read(cells[column])
    except CellProblem as problem:
        found[column] = str(problem)
        return None
