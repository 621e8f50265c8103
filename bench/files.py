"""The import of a spreadsheet of apprentices and the outcomes return, each against the
plainest way to do the same work, in the same process: baseline, subject, baseline, subject...

- Import: `epa.imports.services.import_apprentices` on a file of N rows (every rule checked,
  every row audited), against one executemany inserting the same rows (their ids resolved,
  their search names made). Each round has a file of new ULNs; both insert its rows and are
  rolled back.
- Outcomes return: `epa.exports.services.export_file("outcomes", ...)` (query and workbook),
  against openpyxl write-only writing the same cells (read back from the subject's file).
- Memory: tracemalloc's peak over its start during the first, untimed, export (the warm-up,
  whose file gives the cells). Not the resident size: by then the process holds memory freed
  by earlier work, which an export reuses without growing.
"""

import io
import random
import time
import tracemalloc
from datetime import date, timedelta

from openpyxl import Workbook, load_workbook
from sqlalchemy import insert, select

from epa.apprentices.models import Apprentice
from epa.apprentices.services import search_name
from epa.organisations.models import Employer, Provider
from epa.standards.models import Standard, StandardVersion

ROUNDS = 3


def valid_ulns(rng: random.Random, count: int) -> list[str]:
    """Unique learner numbers that pass the check digit (`rules.identifiers.is_valid_uln`)."""
    found = set()
    while len(found) < count:
        first = str(rng.randrange(100_000_000, 1_000_000_000))
        remainder = sum(int(d) * w for d, w in zip(first, range(10, 1, -1), strict=True)) % 11
        if remainder:
            found.add(first + str(10 - remainder))
    return sorted(found)


class ImportFiles:
    """The spreadsheet and the executemany's rows, for a round's new ULNs."""

    def __init__(self, db, rows: int, rng: random.Random):
        self.db, self.count, self.rng = db, rows, rng
        self.employers = db.session.execute(select(Employer.id, Employer.name).limit(50)).all()
        self.providers = db.session.execute(select(Provider.id, Provider.ukprn).limit(20)).all()
        standard = db.session.scalar(select(Standard))
        self.standard = (standard.id, standard.reference)
        self.versions = db.session.execute(
            select(StandardVersion.id, StandardVersion.earliest_start_date)
            .where(StandardVersion.standard_id == standard.id)
            .order_by(StandardVersion.earliest_start_date)
        ).all()
        self.ulns = iter(valid_ulns(rng, rows * (ROUNDS + 1)))

    def make(self) -> tuple[bytes, list[dict]]:
        rng = self.rng
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Apprentices")
        sheet.append(
            ["ULN", "Given names", "Family name", "Date of birth", "Email", "Employer"]
            + ["Provider UKPRN", "Standard", "Start date", "EHC plan"]
        )
        rows = []
        latest = self.versions[-1][1]
        for n in range(self.count):
            uln = next(self.ulns)
            given, family = f"Imported {n}", rng.choice(["Taylor", "Okafor", "Ó Sé", "Price"])
            employer_id, employer = rng.choice(self.employers)
            provider_id, ukprn = rng.choice(self.providers)
            starts = latest + timedelta(days=rng.randint(0, 200))
            born = starts - timedelta(days=rng.randint(6600, 9000))
            sheet.append(
                [uln, given, family, born, None, employer, ukprn, self.standard[1], starts, "No"]
            )
            rows.append(
                {
                    "uln": uln,
                    "given_names": given,
                    "family_name": family,
                    "search_name": search_name(given, family),
                    "date_of_birth": born,
                    "email": None,
                    "employer_id": employer_id,
                    "provider_id": provider_id,
                    "standard_id": self.standard[0],
                    "version_id": self.versions[-1][0],
                    "start_date": starts,
                    "ehc_plan": False,
                    "status": "registered",
                }
            )
        data = io.BytesIO()
        book.save(data)
        return data.getvalue(), rows


def import_rounds(db, files: ImportFiles) -> list[tuple[float, float]]:
    """(bulk insert seconds, import seconds) per round."""
    from epa.imports.services import import_apprentices

    rounds = []
    for _ in range(ROUNDS):
        data, rows = files.make()
        started = time.perf_counter()
        db.session.execute(insert(Apprentice), rows)
        db.session.flush()
        baseline = time.perf_counter() - started
        db.session.rollback()
        started = time.perf_counter()
        created = import_apprentices(data, "apprentices.xlsx")
        db.session.flush()
        subject = time.perf_counter() - started
        db.session.rollback()
        if created != files.count:
            raise SystemExit(f"the import registered {created} of {files.count} rows")
        rounds.append((baseline, subject))
        print(f"    import round: bulk insert {baseline:.2f} s, import {subject:.2f} s", flush=True)
    return rounds


def export_outcomes(app, first: date, last: date) -> bytes:
    from epa.exports.schemas import ExportRange
    from epa.exports.services import export_file

    asked = ExportRange.model_validate({"from": first, "to": last})
    with app.test_request_context():
        return export_file("outcomes", asked, user_id=1).get_data()


def write_only(cells: list[tuple]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Outcomes")
    for row in cells:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def export_rounds(app, first: date, last: date) -> tuple[list[tuple[float, float]], int, float]:
    """(openpyxl seconds, export seconds) per round, the rows written, and the first export's
    memory growth in MB (tracemalloc's peak over its start)."""
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    data = export_outcomes(app, first, last)  # warms up, and gives the cells
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    cells = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        write_only(cells)
        baseline = time.perf_counter() - started
        started = time.perf_counter()
        export_outcomes(app, first, last)
        subject = time.perf_counter() - started
        rounds.append((baseline, subject))
        print(f"    export round: openpyxl {baseline:.2f} s, export {subject:.2f} s", flush=True)
    return rounds, len(cells) - 1, (peak - start) / 1024 / 1024
