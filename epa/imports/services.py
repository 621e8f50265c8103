"""Registering apprentices from the contract's spreadsheet: every row, or none of them.

Each row is checked by the rules the register form and the API use (`read_registration`,
`check_registration`), against records loaded for the whole file in a few queries; every
problem in every row is collected, and any problem rolls the whole import back. A good file is
then written in bulk, with the audit event registering writes for each apprentice.
"""

import logging
from collections.abc import Callable

from sqlalchemy import select

from epa.apprentices.bulk import LoadedRecords, RegisteredMeanwhile, chunks, register_many
from epa.apprentices.services import ALREADY_REGISTERED, check_registration, read_registration
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
#: rows between reports of progress
PROGRESS_EVERY = 500
RACE_REFUSAL = (
    "Nothing was imported: another change to the same records was saved while the file was "
    "being imported. Upload the whole file again."
)


def template_file() -> tuple[str, bytes]:
    """The file to fill in: one sheet holding only the header row, and its file name."""
    return TEMPLATE_NAME, generate_xlsx(SHEET_NAME, list(reading.HEADERS), [])


def import_apprentices(
    data: bytes,
    filename: str | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Register every apprentice in the file and return how many; timed and counted.

    `progress(done, total)` is told how far it has got every PROGRESS_EVERY rows and at the
    end, in rows: each row counts half when checked and half when written. Nothing is
    committed here: the caller commits.
    """
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


def _import_apprentices(data: bytes, filename: str | None, progress) -> int:
    """Register every apprentice in the file and return how many; any problem refuses all.

    A refused file raises `import_rejected` with `rows`: every problem as
    {row, column, message}, the row being the spreadsheet's (the header is row 1).
    """
    try:
        rows = reading.read_rows(data, filename)
    except reading.FileRefused as refusal:
        raise refused(refusal) from None
    total = len(rows)

    def tell(units: int) -> None:
        if progress is not None:
            progress(units // 2, total)

    importer = _Importer(rows)
    problems = []
    for done, (number, cells) in enumerate(rows, 1):
        problems += importer.check(number, cells)
        if done % PROGRESS_EVERY == 0 or done == total:
            tell(done)
    if not problems:
        try:
            register_many(importer.registrations, lambda written: tell(total + written))
        except RegisteredMeanwhile as race:
            problems = [_registered_meanwhile(importer.numbers[index]) for index in race.indexes]
            if not problems:
                raise ServiceError("import_rejected", RACE_REFUSAL, extra={"rows": []}) from None
    if problems:
        db.session.rollback()
        raise ServiceError(
            "import_rejected", _refusal(problems, len(rows)), extra={"rows": problems}
        )
    log.info("Imported %s apprentices from a spreadsheet", len(rows))
    return len(rows)


def _registered_meanwhile(number: int) -> dict:
    return {"row": number, "column": "ULN", "message": ALREADY_REGISTERED}


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
    """One file's rows checked by the register form's rules against records loaded at once:
    the employers and providers it names, every standard, and its ULNs already registered."""

    def __init__(self, rows: list[tuple[int, dict]]):
        self.records = LoadedRecords((cell_text(cells["ULN"]) or "").strip() for _, cells in rows)
        #: the employer's name as read, or the problem with it, by the cell's value
        self.employer_names = {
            value: _employer_name(value) for value in {cells["Employer"] for _, cells in rows}
        }
        self.employers = _employers_named(
            command.name for command in self.employer_names.values() if not isinstance(command, str)
        )
        self.providers = _providers_numbered(cells["Provider UKPRN"] for _, cells in rows)
        for model, found in ((Employer, self.employers), (Provider, self.providers)):
            for record_id in found.values():
                self.records.know(model, record_id)
        #: (standard, ULN) -> the row it was first on
        self.first_rows: dict[tuple[str, str], int] = {}
        #: what each good row registers, and that row's number
        self.registrations: list[tuple] = []
        self.numbers: list[int] = []

    def check(self, number: int, cells: dict) -> list[dict]:
        """Check one row's apprentice; its problems as {row, column, message}."""
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
            command = read_registration(body, self.records)
            standard, version = check_registration(command, self.records)
        except ServiceError as error:
            for field, message in (error.fields or {"": error.message}).items():
                found.setdefault(COLUMNS.get(field, ""), message)
        else:
            if not found:
                self.registrations.append((command, standard, version))
                self.numbers.append(number)
        return [
            {"row": number, "column": column, "message": message.rstrip(".")}
            for column, message in sorted(found.items(), key=lambda item: _ORDER.get(item[0], 99))
        ]

    def _employer(self, value, found: dict) -> int | None:
        """The employer of that name (ignoring case), added when new."""
        command = self.employer_names[value]
        if isinstance(command, str):
            found["Employer"] = command
            return None
        key = employer_name_key(command.name)
        if key not in self.employers:
            try:
                self.employers[key] = create_employer(command).id
            except ServiceError as error:
                found["Employer"] = error.fields.get("name", error.message)
                return None
            self.records.know(Employer, self.employers[key])
        return self.employers[key]

    def _provider(self, value, found: dict) -> int | None:
        """The registered provider with that UKPRN."""
        ukprn = (cell_text(value) or "").strip()
        if not ukprn:
            found["Provider UKPRN"] = "Enter the training provider's UKPRN"
            return None
        if not is_valid_ukprn(ukprn):
            found["Provider UKPRN"] = "Enter a UKPRN of 8 digits starting with 1, like 10012345"
            return None
        provider_id = self.providers.get(ukprn)
        if provider_id is None:
            found["Provider UKPRN"] = (
                f"No training provider with UKPRN {ukprn} is registered; add the provider, "
                "then upload the file again"
            )
        return provider_id

    def _check_repeat(self, number: int, body: dict, found: dict) -> None:
        """An apprentice is on a standard once: a second row for them is a problem."""
        uln = (body["uln"] or "").strip()
        standard = (body["standard"] or "").strip().upper()
        if not standard or uln == TEMPORARY_ULN or not is_valid_uln(uln):
            return
        first = self.first_rows.setdefault((standard, uln), number)
        if first != number:
            found["ULN"] = f"The ULN {uln} is also on row {first}; each apprentice goes on one row"


def _employer_name(value) -> EmployerNew | str:
    """The employer a cell names, or the problem with it."""
    problems = Problems()
    return EmployerNew.read({"name": cell_text(value)}, problems) or problems.fields["name"]


def _employers_named(names) -> dict[str, int]:
    """The ids of the employers with these names, by name key, in a query per CHUNK of them."""
    keys = {employer_name_key(name) for name in names}
    found: dict[str, int] = {}
    for chunk in chunks(sorted(keys)):
        query = select(Employer.name_key, Employer.id).where(Employer.name_key.in_(chunk))
        found.update(db.session.execute(query).all())
    return found


def _providers_numbered(values) -> dict[str, int]:
    """The ids of the providers the cells give the UKPRN of, by UKPRN."""
    ukprns = {text.strip() for text in map(cell_text, set(values)) if text}
    found: dict[str, int] = {}
    for chunk in chunks(sorted(ukprn for ukprn in ukprns if is_valid_ukprn(ukprn))):
        query = select(Provider.ukprn, Provider.id).where(Provider.ukprn.in_(chunk))
        found.update(db.session.execute(query).all())
    return found


def _cell(read, cells: dict, column: str, found: dict):
    try:
        return read(cells[column])
    except CellProblem as problem:
        found[column] = str(problem)
        return None
