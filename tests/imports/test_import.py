"""Importing apprentices from the template through the API: all rows or none, and hostile files
answered quickly with a 4xx while the service keeps serving."""

import os
import re
import zipfile
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.extensions import db
from epa.imports import reading
from epa.organisations.models import Employer
from tests.api.test_conventions import assert_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "ULN",
    "Given names",
    "Family name",
    "Date of birth",
    "Email",
    "Employer",
    "Provider UKPRN",
    "Standard",
    "Start date",
    "EHC plan",
]
IMPORT = "/api/v1/imports/apprentices"
TEMPLATE = "/api/v1/imports/apprentices/template.xlsx"
#: a hostile file must be refused well inside this (generous on a slow machine)
SHEET = "xl/worksheets/sheet1.xml"
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def uln(n: int) -> str:
    """The n-th valid ULN (the check digit worked out as the contract says)."""
    prefix = 100_000_000 + n
    while True:
        digits = f"{prefix:09d}"
        remainder = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if remainder:
            return digits + str(10 - remainder)
        prefix += 1_000_000


def row(**overrides) -> list:
    """A good row in template order; keyword names are the headers in snake case."""
    values = {
        "uln": "1234567899",
        "given_names": "Sam",
        "family_name": "Taylor",
        "date_of_birth": date(2001, 4, 12),
        "email": "sam.taylor@example.com",
        "employer": "Northwind Digital Ltd",
        "provider_ukprn": "10012345",
        "standard": "ST0825",
        "start_date": date(2024, 1, 8),
        "ehc_plan": "No",
    }
    values.update(overrides)
    return list(values.values())


def xlsx(rows, headers=HEADERS) -> bytes:
    """A workbook as Excel users make one: a header row, then the rows (None: a blank row)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Apprentices"
    sheet.append(headers)
    for values in rows:
        sheet.append(values or [])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def multipart(fields: dict, files: dict[str, tuple[bytes, str]]) -> dict:
    """A multipart/form-data body, encoded here in memory: the test client would spool a large
    one to a temporary file it never closes (a ResourceWarning, an error under this config)."""
    values = dict(fields)
    for name, (data, filename) in files.items():
        values[name] = FileStorage(BytesIO(data), filename=filename, content_type=XLSX)
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(client, data: bytes, filename="apprentices.xlsx", path=IMPORT, **fields):
    """Post the file as the API takes it; `client` is an ApiClient, or the bare test client."""
    return client.post(path, **multipart(fields, {"file": (data, filename)}))


def counts(app) -> dict:
    with app.app_context():
        return {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Apprentice, Employer, AuditEvent)
        }


def with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The same xlsx with one part's content replaced."""
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info.filename))
        target.writestr(name, content)
    return out.getvalue()


def with_shared_strings(data: bytes) -> bytes:
    """The xlsx as Excel writes one: text in a shared string table, not inline in the sheet."""
    with zipfile.ZipFile(BytesIO(data)) as source:
        sheet = source.read(SHEET).decode()
        types = source.read("[Content_Types].xml").decode()
    strings: list[str] = []

    def shared(match):
        strings.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(r'<c r="(\w+)" t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', shared, sheet)
    table = "".join(f"<si><t>{text}</t></si>" for text in strings)
    types = types.replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    data = with_part(data, SHEET, sheet.encode())
    data = with_part(data, "[Content_Types].xml", types.encode())
    return with_part(
        data,
        "xl/sharedStrings.xml",
        f'<sst xmlns="{SHEET_NS}" count="{len(strings)}">{table}</sst>'.encode(),
    )


def sheet_with(doctype: str, cell: str) -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype}<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1">'
        f'<c r="A1" t="inlineStr"><is><t>{cell}</t></is></c></row></sheetData></worksheet>'
    ).encode()


def billion_laughs(root: str) -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return f"<!DOCTYPE {root} [{''.join(entities)}]>"


def bomb(data: bytes, size: int, filler: bytes = b"\0") -> bytes:
    """The xlsx with its sheet replaced by `size` bytes of filler, written a chunk at a time."""
    out = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
        chunk = filler * (1024 * 1024 // len(filler))
        with target.open(SHEET, "w") as part:
            for _ in range(size // len(chunk)):
                part.write(chunk)
    return out.getvalue()


@pytest.fixture
def good(organisations, standard):
    """A one-row file that imports."""
    return xlsx([row()])


@pytest.fixture(scope="module")
def zip_bombs():
    good_file = xlsx([row()])
    return {
        "200 MB of zeros": bomb(good_file, 200 * 1024 * 1024),
        "20 MB of spaces (packed over 100:1)": bomb(good_file, 20 * 1024 * 1024, b" "),
    }


# ---- good files -------------------------------------------------------------------------


def test_a_good_file_registers_every_row(app, api, organisations, standard):
    staff = api("staff")
    before = counts(app)
    data = xlsx(
        [
            row(),
            # typed as numbers in Excel; dates as text; a new employer, then again in other case
            row(
                uln=int(uln(1)),
                given_names="Priya",
                employer="Contoso Apprenticeships",
                provider_ukprn=10012345.0,
                date_of_birth="2000-02-29",
                start_date="2024-10-01",
                ehc_plan="yes",
                email=None,
            ),
            None,  # a blank row is skipped
            row(uln=float(uln(2)), employer="  CONTOSO apprenticeships ", ehc_plan=None),
            row(uln="9999999999", given_names="Alex"),
            row(uln="9999999999", given_names="Jo"),  # the temporary ULN may be shared
        ]
    )
    response = upload(staff, data)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"created": 5}
    after = counts(app)
    assert after["Apprentice"] == before["Apprentice"] + 5
    assert after["Employer"] == before["Employer"] + 1  # created once, found the second time
    with app.app_context():
        by_uln = {a.uln + a.given_names: a for a in db.session.scalars(select(Apprentice)).all()}
        sam = by_uln["1234567899Sam"]
        priya = by_uln[uln(1) + "Priya"]
        third = by_uln[uln(2) + "Sam"]
        assert (sam.version.version, priya.version.version) == ("1.0", "1.1")
        assert sam.ehc_plan is False and priya.ehc_plan is True and third.ehc_plan is False
        assert priya.date_of_birth == date(2000, 2, 29) and priya.email is None
        assert priya.employer_id == third.employer_id != sam.employer_id
        assert db.session.get(Employer, priya.employer_id).name == "Contoso Apprenticeships"
        actions = db.session.scalars(select(AuditEvent.entity).order_by(AuditEvent.id)).all()
        assert actions.count("apprentice") >= 5 and actions.count("employer") >= 1


def test_the_template_is_one_sheet_with_the_header_row(api):
    response = api("admin").get(TEMPLATE)
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.data), read_only=True)
    assert len(workbook.worksheets) == 1
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert rows == [tuple(HEADERS)]


def test_a_file_as_excel_writes_it_imports(app, api, organisations, standard):
    staff = api("staff")
    data = with_shared_strings(xlsx([row(), row(uln=uln(9), employer="Shared & Co")]))
    response = upload(staff, data)
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"created": 2}
    with app.app_context():
        assert db.session.scalar(select(Employer).where(Employer.name == "Shared & Co"))


def test_the_template_filled_in_imports(app, api, organisations, standard):
    staff = api("staff")
    workbook = load_workbook(BytesIO(staff.get(TEMPLATE).data))
    workbook.active.append(row())
    buffer = BytesIO()
    workbook.save(buffer)
    response = upload(staff, buffer.getvalue())
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"created": 1}


# ---- bad rows: all reported, nothing written ----------------------------------------------


@pytest.mark.parametrize(
    "bad, column, words",
    [
        (row(uln="1234567890"), "ULN", "check digit"),
        (row(start_date=date(2019, 1, 7)), "Start date", "version"),
        (row(provider_ukprn="10099999"), "Provider UKPRN", "10099999"),
        (row(provider_ukprn="9"), "Provider UKPRN", "8 digits"),
        (row(date_of_birth="12/04/2001"), "Date of birth", "YYYY-MM-DD"),
        (row(date_of_birth=date(2025, 7, 1)), "Date of birth", "past"),
        (row(date_of_birth=12345), "Date of birth", "date"),
        (row(ehc_plan="Maybe"), "EHC plan", "Yes or No"),
        (row(given_names="  "), "Given names", "given names"),
        (row(employer=None), "Employer", "employer"),
        (row(standard="ST9999"), "Standard", "ST9999"),
        (row(email="not an email"), "Email", "email"),
    ],
    ids=[
        "bad ULN",
        "no version for the start date",
        "unknown provider",
        "malformed UKPRN",
        "bad date text",
        "born in the future",
        "a number for a date",
        "bad EHC value",
        "missing name",
        "missing employer",
        "unknown standard",
        "bad email",
    ],
)
def test_a_bad_row_rejects_the_whole_file(
    app, api, organisations, standard, today, bad, column, words
):
    today(date(2025, 6, 1))
    staff = api("staff")
    before = counts(app)
    data = xlsx([row(uln=uln(7), employer="A New Employer Ltd"), bad])
    error = assert_error(upload(staff, data), 422, "import_rejected")
    assert [(p["row"], p["column"]) for p in error["rows"]] == [(3, column)], error["rows"]
    assert words.casefold() in error["rows"][0]["message"].casefold()
    assert "Nothing was imported" in error["message"]
    assert counts(app) == before


def test_a_uln_twice_in_the_file_is_a_problem_on_the_second_row(app, api, organisations, standard):
    staff = api("staff")
    before = counts(app)
    data = xlsx([row(), row(uln=uln(3)), row(given_names="Samuel")])
    error = assert_error(upload(staff, data), 422, "import_rejected")
    assert [(p["row"], p["column"]) for p in error["rows"]] == [(4, "ULN")]
    assert "row 2" in error["rows"][0]["message"]
    assert counts(app) == before


def test_an_apprentice_already_registered_is_a_problem(app, api, make_apprentice):
    make_apprentice(uln=uln(4))
    staff = api("staff")
    before = counts(app)
    error = assert_error(upload(staff, xlsx([row(), row(uln=uln(4))])), 422, "import_rejected")
    assert error["rows"] == [
        {"row": 3, "column": "ULN", "message": "This ULN is already registered on this standard"}
    ]
    assert counts(app) == before


def test_every_problem_of_every_row_is_listed_in_order(app, api, organisations, standard):
    staff = api("staff")
    before = counts(app)
    data = xlsx(
        [
            row(uln="123", ehc_plan="perhaps", family_name=""),
            None,
            None,
            row(uln=uln(5), date_of_birth="2001-02-30", provider_ukprn="10000000"),
            row(uln=uln(6)),
        ]
    )
    error = assert_error(upload(staff, data), 422, "import_rejected")
    assert [(p["row"], p["column"]) for p in error["rows"]] == [
        (2, "ULN"),
        (2, "Family name"),
        (2, "EHC plan"),
        (5, "Date of birth"),
        (5, "Provider UKPRN"),
    ]
    assert "5 problems in 2 rows of 3" in error["message"]
    assert all(p["message"] and not p["message"].endswith(".") for p in error["rows"])
    assert counts(app) == before


# ---- whole-file refusals --------------------------------------------------------------------


def test_a_header_that_is_not_the_template_is_refused(app, api, organisations, standard):
    staff = api("staff")
    renamed = [*HEADERS[:4], "E-mail", *HEADERS[5:]]
    error = assert_error(upload(staff, xlsx([row()], headers=renamed)), 422, "wrong_columns")
    assert "missing Email" in error["message"] and "E-mail" in error["message"]
    error = assert_error(upload(staff, xlsx([row()], headers=HEADERS[:-1])), 422, "wrong_columns")
    assert "missing EHC plan" in error["message"]


def test_a_template_without_rows_is_refused(api, organisations, standard):
    staff = api("staff")
    assert_error(upload(staff, xlsx([None, None])), 422, "no_rows")


def test_no_file_field_is_a_validation_failure(api):
    staff = api("staff")
    error = assert_error(
        staff.post(IMPORT, **multipart({"other": "x"}, {})), 422, "validation_failed"
    )
    assert "file" in error["fields"]
    assert_error(staff.post(IMPORT, json={"file": "x"}), 422, "validation_failed")


def test_more_than_20000_rows_is_refused_with_the_limit(app, api, organisations, standard):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Apprentices")
    sheet.append(HEADERS)
    for number in range(reading.MAX_ROWS + 1):
        sheet.append([number])  # one cell is enough to count: the rows are never checked
    buffer = BytesIO()
    workbook.save(buffer)
    staff = api("staff")
    before = counts(app)
    error = assert_error(upload(staff, buffer.getvalue()), 422, "too_many_rows")
    assert "20,000" in error["message"]
    assert counts(app) == before


def test_a_file_over_10_mb_is_refused(api, organisations, standard):
    staff = api("staff")
    data = os.urandom(reading.MAX_FILE_BYTES + 1)
    error = assert_error(upload(staff, data), 413, "file_too_large")
    assert "10 MB" in error["message"]


def test_a_request_over_12_mb_is_refused(api):
    staff = api("staff")
    error = assert_error(upload(staff, b"\0" * (12 * 1024 * 1024 + 1)), 413, "file_too_large")
    assert "12 MB" in error["message"]


def _hostile_files(good_file: bytes) -> dict[str, tuple[bytes, str]]:
    external = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    strings = (
        f'<?xml version="1.0"?>{billion_laughs("sst")}<sst xmlns="{SHEET_NS}" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    ).encode()
    return {
        "billion laughs in the sheet": (
            with_part(good_file, SHEET, sheet_with(billion_laughs("worksheet"), "&lol9;")),
            "apprentices.xlsx",
        ),
        "billion laughs in the shared strings": (
            with_part(with_shared_strings(good_file), "xl/sharedStrings.xml", strings),
            "apprentices.xlsx",
        ),
        "external entity": (
            with_part(good_file, SHEET, sheet_with(external, "&x;")),
            "apprentices.xlsx",
        ),
        "truncated": (good_file[: len(good_file) // 2], "apprentices.xlsx"),
        "not a zip": (b"ULN,Given names\n1234567899,Sam\n", "apprentices.xlsx"),
        "a zip that is not a spreadsheet": (_plain_zip(), "apprentices.xlsx"),
        "a csv file": (",".join(HEADERS).encode() + b"\n", "apprentices.csv"),
        "an xlsx named .csv": (good_file, "apprentices.csv"),
        "rows past Excel's last": (
            with_part(
                good_file,
                SHEET,
                _part(good_file, SHEET).replace(
                    b"</sheetData>",
                    b'<row r="2000000000"><c r="A2000000000"><v>1</v></c></row></sheetData>',
                ),
            ),
            "apprentices.xlsx",
        ),
    }


def _part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.read(name)


def _plain_zip() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return out.getvalue()


HOSTILE = [
    "billion laughs in the sheet",
    "billion laughs in the shared strings",
    "external entity",
    "truncated",
    "not a zip",
    "a zip that is not a spreadsheet",
    "a csv file",
    "an xlsx named .csv",
    "rows past Excel's last",
]


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_or_broken_file_is_refused_quickly_and_the_service_keeps_serving(
    app, api, good, kind
):
    data, filename = _hostile_files(good)[kind]
    staff = api("staff")
    before = counts(app)
    response = upload(staff, data, filename)
    error = assert_error(response, 422, "unreadable_file")
    assert "xlsx" in error["message"]
    assert b"root:" not in response.data
    assert counts(app) == before
    assert upload(staff, good).status_code == 201  # still serving


@pytest.mark.parametrize("kind", ["200 MB of zeros", "20 MB of spaces (packed over 100:1)"])
def test_a_zip_bomb_is_refused_quickly(app, api, good, zip_bombs, kind):
    staff = api("staff")
    error = assert_error(upload(staff, zip_bombs[kind]), 422, "unreadable_file")
    assert "unpacks" in error["message"]
    assert upload(staff, good).status_code == 201  # still serving


# ---- roles --------------------------------------------------------------------------------


def test_assessors_may_not_import(api, good):
    assessor = api("assessor")
    assert_error(assessor.get(TEMPLATE), 403, "forbidden")
    assert_error(upload(assessor, good), 403, "forbidden")


def test_no_token_is_401(client, good):
    assert_error(upload(client, good), 401, "unauthenticated")


# ---- reading cells (pure) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [
        (None, None),
        ("Sam", "Sam"),
        (1234567899, "1234567899"),
        (1234567899.0, "1234567899"),
        (10012345.5, "10012345.5"),
        (True, "TRUE"),
        (datetime(2001, 4, 12), "2001-04-12"),
    ],
)
def test_cell_text(value, text):
    assert reading.cell_text(value) == text


@pytest.mark.parametrize(
    "value, day",
    [
        (None, None),
        ("  ", None),
        (datetime(2001, 4, 12), date(2001, 4, 12)),
        (date(2001, 4, 12), date(2001, 4, 12)),
        (" 2001-04-12 ", "2001-04-12"),  # the service reads the text
    ],
)
def test_cell_date(value, day):
    assert reading.cell_date(value) == day


@pytest.mark.parametrize("value", [36993, 1.5, True, datetime(2001, 4, 12, 13, 0)])
def test_cell_date_refuses_other_values(value):
    with pytest.raises(reading.CellProblem):
        reading.cell_date(value)


@pytest.mark.parametrize(
    "value, answer",
    [(None, False), ("", False), ("Yes", True), ("YES", True), (" no ", False), (True, True)],
)
def test_cell_yes_no(value, answer):
    assert reading.cell_yes_no(value) is answer


@pytest.mark.parametrize("value", ["Maybe", "Y", 1, 0])
def test_cell_yes_no_refuses_anything_else(value):
    with pytest.raises(reading.CellProblem):
        reading.cell_yes_no(value)


def test_a_row_lost_to_a_simultaneous_request_is_its_only_problem(
    app, api, make_apprentice, monkeypatch
):
    """When another request registers the same apprentice after the file was checked, the
    database's unique index refuses the rows: the whole import rolls back (employers added with
    it too), and the refusal names that row."""
    from epa.apprentices.bulk import LoadedRecords

    make_apprentice(uln=uln(2))
    # As though the other registration was saved between the check and the insert.
    monkeypatch.setattr(LoadedRecords, "registered", lambda *args, **kwargs: False)
    staff = api("staff")
    before = counts(app)
    data = xlsx([row(uln=uln(n), employer="Racing Ltd") for n in (1, 2, 3)])
    error = assert_error(upload(staff, data), 422, "import_rejected")
    assert error["rows"] == [
        {"row": 3, "column": "ULN", "message": "This ULN is already registered on this standard"}
    ]
    assert "1 problem in 1 row of 3" in error["message"]
    assert counts(app) == before


def test_a_refusal_by_the_database_naming_no_row_still_rejects_the_file(
    app, api, organisations, standard, monkeypatch
):
    from epa.apprentices import bulk

    def refused(*args, **kwargs):
        raise bulk.RegisteredMeanwhile([])

    monkeypatch.setattr("epa.imports.services.register_many", refused)
    staff = api("staff")
    before = counts(app)
    error = assert_error(upload(staff, xlsx([row()])), 422, "import_rejected")
    assert error["rows"] == [] and "Upload the whole file again" in error["message"]
    assert counts(app) == before


def audited(app, uln_: str) -> dict:
    with app.app_context():
        apprentice = db.session.scalar(select(Apprentice).where(Apprentice.uln == uln_))
        events = db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "apprentice", AuditEvent.entity_id == str(apprentice.id)
            )
        ).all()
        assert len(events) == 1
        event = events[0]
        return {
            "actor_id": event.actor_id,
            "channel": event.channel,
            "action": event.action,
            "before": event.before,
            "after": {**event.after, "uln": "-"},
            "reason": event.reason,
        }


def test_an_imported_apprentice_is_audited_as_one_registered_by_hand(
    app, client, make_user, make_token, organisations, standard
):
    from tests.conftest import ApiClient

    staff_id = make_user("staff")
    staff = ApiClient(client, make_token("staff", user_id=staff_id))
    assert upload(staff, xlsx([row(ehc_plan="Yes", email=None)])).status_code == 201
    employer_id, provider_id = organisations
    by_hand = {
        "uln": uln(8),
        "given_names": "Sam",
        "family_name": "Taylor",
        "date_of_birth": "2001-04-12",
        "employer_id": employer_id,
        "provider_id": provider_id,
        "standard": "st0825",
        "start_date": "2024-01-08",
        "ehc_plan": True,
    }
    assert staff.post("/api/v1/apprentices", json=by_hand).status_code == 201
    imported = audited(app, "1234567899")
    assert imported == audited(app, uln(8))
    assert imported["actor_id"] == staff_id and imported["channel"] == "api"


def test_progress_is_told_in_rows_as_they_are_checked_then_written(ctx, organisations, standard):
    from epa.imports import services

    told = []
    created = services.import_apprentices(
        xlsx([row(uln=uln(n)) for n in range(1, 1202)]),
        "apprentices.xlsx",
        progress=lambda done, total: told.append((done, total)),
    )
    assert created == 1201
    # Each row counts half when checked and half when written.
    assert told == [
        (250, 1201),
        (500, 1201),
        (600, 1201),
        (850, 1201),
        (1100, 1201),
        (1201, 1201),
    ]
    db.session.rollback()


def test_the_statements_an_import_makes_do_not_grow_with_its_rows(
    app, api, organisations, standard
):
    from tests.conftest import statements_made

    staff = api("staff")

    def statements(first: int, rows: int) -> int:
        data = xlsx(
            [
                row(uln=uln(n), employer=f"Employer {n % 3}", given_names=f"Person {n}")
                for n in range(first, first + rows)
            ]
        )
        with statements_made(app) as made:
            assert upload(staff, data).status_code == 201
        return len(made)

    # Each file adds the same three employers' names, the first time only.
    statements(100, 3)
    assert statements(200, 3) == statements(300, 60)


def test_the_first_sheet_reads_as_openpyxls_read_only_sheet_reads_it():
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from epa.imports import sheet_values

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(row())
    sheet.append(row(uln=1234567899, date_of_birth=datetime(2001, 4, 12, 13, 5), ehc_plan=True))
    sheet["B5"] = CellRichText("Plain ", TextBlock(InlineFont(b=True), "bold"), " end")
    sheet["C5"] = "  spaced  "
    sheet["D5"] = 1.5
    sheet["E5"] = "=1+1"
    sheet.cell(row=5, column=60, value="beyond the columns read")
    sheet["A9"] = "after a gap"
    workbook.create_sheet("Second")["A1"] = "never read"
    buffer = BytesIO()
    workbook.save(buffer)
    for data in (buffer.getvalue(), with_shared_strings(xlsx([row(), None, row(uln=uln(1))]))):
        expected_book = load_workbook(BytesIO(data), read_only=True, data_only=True)
        expected_sheet = expected_book.worksheets[0]
        expected_sheet.reset_dimensions()
        expected = list(expected_sheet.iter_rows(max_col=reading.MAX_COLUMNS, values_only=True))
        expected_book.close()
        book = sheet_values.Workbook(data)
        try:
            found = list(book.first_sheet_rows(reading.MAX_COLUMNS))
        finally:
            book.close()
        assert [values for _, values in found] == expected
        assert [number for number, _ in found] == list(range(1, len(expected) + 1))
