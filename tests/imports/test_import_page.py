"""The import page: the template, an upload with CSRF, then the count or every problem."""

import os
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from epa.imports import reading
from tests.conftest import csrf_token
from tests.imports.test_import import HEADERS, XLSX, counts, multipart, row, uln, xlsx


def post_file(client, data: bytes, filename="apprentices.xlsx", *, token=True):
    fields = {"csrf_token": csrf_token(client.get("/imports").data)} if token else {}
    return client.post("/imports", **multipart(fields, {"file": (data, filename)}))


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_the_page_offers_the_template_and_an_upload(client, signed_in, role):
    signed_in(role)
    page = client.get("/imports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1" in html and "Import apprentices" in html
    assert 'href="/imports/template.xlsx"' in html
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html and 'name="file"' in html
    assert 'name="csrf_token"' in html
    assert "10 MB" in html and "20,000" in html
    assert 'href="/imports"' in client.get("/apprentices/").get_data(as_text=True)


def test_the_template_downloads_from_the_page(client, signed_in):
    signed_in("staff")
    response = client.get("/imports/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    workbook = load_workbook(BytesIO(response.data), read_only=True)
    assert [tuple(r) for r in workbook.worksheets[0].iter_rows(values_only=True)] == [
        tuple(HEADERS)
    ]
    workbook.close()


def test_a_good_file_registers_and_says_how_many(app, client, signed_in, organisations, standard):
    signed_in("staff")
    before = counts(app)
    response = post_file(client, xlsx([row(), row(uln=uln(1), given_names="Priya")]))
    assert response.status_code == 303
    assert "/jobs/" in response.headers["Location"]
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Import complete" in result and "2 apprentices were registered" in result
    assert 'href="/apprentices/"' in result
    assert counts(app)["Apprentice"] == before["Apprentice"] + 2


def test_one_apprentice_is_counted_in_the_singular(client, signed_in, organisations, standard):
    signed_in("admin")
    response = post_file(client, xlsx([row()]))
    assert response.status_code == 303
    assert "1 apprentice was registered" in client.get(response.location).get_data(as_text=True)


def test_a_rejected_file_lists_every_problem(
    app, client, signed_in, organisations, standard, today
):
    today(date(2025, 6, 1))
    signed_in("staff")
    before = counts(app)
    data = xlsx(
        [
            row(employer="Brand New Employer"),
            row(uln=uln(2), date_of_birth=date(2025, 7, 1)),
            row(uln=uln(3), provider_ukprn="10099999", ehc_plan="Maybe"),
        ]
    )
    response = client.get(post_file(client, data).location)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert "<title>Error: " in html
    assert "Nothing was imported: 3 problems in 2 rows of 3" in html
    assert 'href="/imports"' in html  # to upload the corrected file
    assert "Row 3, Date of birth: The date of birth must be in the past" in html
    assert "Row 4, Provider UKPRN: No training provider with UKPRN 10099999" in html
    assert "Row 4, EHC plan: Enter Yes or No" in html
    assert counts(app) == before


def test_a_long_list_of_problems_is_cut_with_a_count(client, signed_in, organisations, standard):
    signed_in("staff")
    rows = [row(uln="9999999999", ehc_plan="Maybe") for _ in range(205)]
    html = client.get(post_file(client, xlsx(rows)).location).get_data(as_text=True)
    assert "Row 201, EHC plan" in html and "Row 202, EHC plan" not in html
    assert "There are 5 more problems not listed here" in html


@pytest.mark.parametrize(
    "data, filename, words",
    [
        (b"ULN,Given names\n", "apprentices.csv", "only .xlsx files"),
        (b"not a spreadsheet", "apprentices.xlsx", "cannot be read"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused_beside_the_upload(
    client, signed_in, organisations, standard, data, filename, words
):
    signed_in("staff")
    response = post_file(client, data, filename)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert words in html and 'href="#file"' in html and "govuk-file-upload--error" in html


def test_no_file_chosen_is_a_problem(client, signed_in):
    signed_in("staff")
    token = csrf_token(client.get("/imports").data)
    response = client.post("/imports", **multipart({"csrf_token": token}, {}))
    assert response.status_code == 422
    assert "Select the filled-in template" in response.get_data(as_text=True)


def test_too_large_files_are_refused_on_the_page(client, signed_in, organisations, standard):
    signed_in("staff")
    response = post_file(client, os.urandom(reading.MAX_FILE_BYTES + 1))
    assert response.status_code == 413
    assert "larger than 10 MB" in response.get_data(as_text=True)
    # Over the whole request's limit, the page still says what to do.
    response = post_file(client, b"\0" * (12 * 1024 * 1024 + 1))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "The file must be smaller than 10 MB" in html and 'name="file"' in html


def test_an_upload_without_the_csrf_token_is_refused(
    app, client, signed_in, organisations, standard
):
    signed_in("staff")
    before = counts(app)
    response = post_file(client, xlsx([row()]), token=False)
    assert response.status_code == 400
    assert counts(app) == before


def test_assessors_get_403(client, signed_in):
    signed_in("assessor")
    assert client.get("/imports").status_code == 403
    assert client.get("/imports/template.xlsx").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/imports")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_imported_apprentice_is_audited_as_one_registered_on_the_form(
    app, client, signed_in, organisations, standard
):
    from tests.imports.test_import import audited
    from tests.pages.test_apprentice_pages import register_form

    staff_id = signed_in("staff")
    queued = post_file(client, xlsx([row()]))
    assert queued.status_code == 303
    assert "Import complete" in client.get(queued.location).get_data(as_text=True)
    response = client.post(
        "/apprentices/new", data=register_form(client, organisations, uln=uln(8), ehc_plan=None)
    )
    assert response.status_code == 302
    imported = audited(app, "1234567899")
    assert imported == audited(app, uln(8))
    assert imported["actor_id"] == staff_id and imported["channel"] == "web"
