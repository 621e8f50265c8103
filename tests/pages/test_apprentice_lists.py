"""Staff work from the apprentice list: filters, order, the address that keeps them, and the
download of everything they select."""

import csv
import re
from io import StringIO

import pytest
from sqlalchemy import event

from epa.apprentices import views
from epa.extensions import db
from tests.pages.test_apprentice_pages import error_beside, uln
from tests.pages.test_scheduling_pages import book_directly


@pytest.fixture
def lists(app, booking_world, make_apprentice, make_gateway_passed, signed_in):
    """Three apprentices, signed in as staff on 26 November 2026:
    Sam Taylor (started 2 June 2025, EPA deadline 2 March 2027), Priya Shah (started 1 May
    2025, deadline 1 February 2027, booked with Grace Okafor) and Lena Adams (started 1
    September 2025, registered, no deadline, of another employer and provider)."""
    from epa.organisations.schemas import EmployerNew, ProviderNew
    from epa.organisations.services import create_employer, create_provider

    with app.app_context():
        employer = create_employer(EmployerNew.read({"name": "Acme Rail"}))
        provider = create_provider(ProviderNew.read({"name": "North College", "ukprn": "10000001"}))
        db.session.commit()
        other = {"employer": employer.id, "provider": provider.id}
    priya = make_gateway_passed(
        gateway_date="2026-10-01",
        uln="1000000000",
        given_names="Priya",
        family_name="Shah",
        start_date="2025-05-01",
    )
    book_directly(app, booking_world, apprentice_id=priya)
    lena = make_apprentice(
        uln=uln(300000000),
        given_names="Lena",
        family_name="Adams",
        start_date="2025-09-01",
        employer_id=other["employer"],
        provider_id=other["provider"],
    )
    signed_in("staff")
    return {**booking_world, "priya": priya, "lena": lena, "other": other}


def names(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/apprentices/\d+">([^<]+)</a>', html)


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/apprentices/?{query}")
    assert response.status_code == 200, response.data
    return names(response.get_data(as_text=True))


DEADLINE_3_MARCH = "deadline_before=3&deadline_before=3&deadline_before=2027"


def test_the_list_filters_by_organisation_standard_assessor_status_and_deadline(client, lists):
    assert listed(client) == ["Adams, Lena", "Shah, Priya", "Taylor, Sam"]
    assert listed(client, f"employer_id={lists['other']['employer']}") == ["Adams, Lena"]
    assert listed(client, f"provider_id={lists['provider']}") == ["Shah, Priya", "Taylor, Sam"]
    assert listed(client, "standard=st0825") == ["Adams, Lena", "Shah, Priya", "Taylor, Sam"]
    assert listed(client, f"assessor_id={lists['assessor']}") == ["Shah, Priya"]
    assert listed(client, f"assessor_id={lists['other_assessor']}") == []
    assert listed(client, "status=registered") == ["Adams, Lena"]
    # Before 1 March 2027: Priya's deadline (1 February); Sam's is 2 March; Lena has none.
    one_march = "deadline_before=1&deadline_before=3&deadline_before=2027"
    assert listed(client, one_march) == ["Shah, Priya"]
    assert listed(client, "deadline_before=2027-03-01") == ["Shah, Priya"]  # as the API writes it
    assert listed(client, DEADLINE_3_MARCH) == ["Shah, Priya", "Taylor, Sam"]
    assert listed(client, f"{DEADLINE_3_MARCH}&employer_id={lists['employer']}&q=sam") == [
        "Taylor, Sam"
    ]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["Adams, Lena", "Shah, Priya", "Taylor, Sam"]),
        ("name", ["Adams, Lena", "Shah, Priya", "Taylor, Sam"]),
        ("-name", ["Taylor, Sam", "Shah, Priya", "Adams, Lena"]),
        ("start_date", ["Shah, Priya", "Taylor, Sam", "Adams, Lena"]),
        ("-start_date", ["Adams, Lena", "Taylor, Sam", "Shah, Priya"]),
        # Without a deadline, Lena comes last whichever way the deadlines run.
        ("epa_deadline", ["Shah, Priya", "Taylor, Sam", "Adams, Lena"]),
        ("-epa_deadline", ["Taylor, Sam", "Shah, Priya", "Adams, Lena"]),
    ],
)
def test_the_list_sorts_by_name_start_date_or_deadline(client, lists, sort, order):
    assert listed(client, f"sort={sort}") == order


def test_the_list_shows_each_epa_deadline(client, lists):
    html = client.get("/apprentices/?sort=epa_deadline").get_data(as_text=True)
    assert ">EPA deadline</th>" in html
    for deadline in ("1 February 2027", "2 March 2027", "None yet"):
        assert f'data-label="EPA deadline">{deadline}</td>' in html
    assert 'class="govuk-table epa-table--stacked"' in html


def href(html: str, text: str) -> str:
    match = re.search(rf'href="([^"]+)"[^>]*>\s*(?:<[^>]+>\s*)*{text}', html)
    assert match, f"no link {text}"
    return match.group(1).replace("&amp;", "&")


def test_the_filters_and_the_order_stay_in_the_address_from_page_to_page(
    client, lists, monkeypatch
):
    monkeypatch.setattr(views, "PER_PAGE", 1)
    query = f"provider_id={lists['provider']}&sort=-name&{DEADLINE_3_MARCH}"
    first = client.get(f"/apprentices/?{query}").get_data(as_text=True)
    assert names(first) == ["Taylor, Sam"]
    assert '<option value="-name" selected>' in first
    assert re.search(r'id="deadline_before-year"[^>]*value="2027"', first)
    following = href(first, "Next")
    for part in [f"provider_id={lists['provider']}", "sort=-name", DEADLINE_3_MARCH, "page=2"]:
        assert part in following
    assert names(client.get(following).get_data(as_text=True)) == ["Shah, Priya"]
    download = href(first, "Download these apprentices")
    assert download.startswith("/apprentices/download.csv?")
    for part in [f"provider_id={lists['provider']}", "sort=-name", DEADLINE_3_MARCH]:
        assert part in download
    assert "page=" not in download


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(StringIO(response.data.decode("utf-8-sig"), newline="")))


def test_the_download_holds_every_page_of_what_the_filters_select(
    app, client, lists, monkeypatch, make_apprentice
):
    monkeypatch.setattr(views, "PER_PAGE", 1)
    make_apprentice(
        uln=uln(400000000), given_names="@Evil", family_name="=1+2", start_date="2025-07-01"
    )
    response = client.get(f"/apprentices/download.csv?provider_id={lists['provider']}&sort=-name")
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="apprentices-2026-11-26.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    rows = read_csv(response)
    assert rows[0][:3] == ["ULN", "Given names", "Family name"]
    assert [(row[1], row[2]) for row in rows[1:]] == [
        ("Sam", "Taylor"),
        ("Priya", "Shah"),
        ("'@Evil", "'=1+2"),
    ]
    taylor = dict(zip(rows[0], rows[1], strict=True))
    assert taylor["EPA deadline"] == "2027-03-02" and taylor["Status"] == "Gateway passed"
    assert taylor["Employer"] == "Northwind Digital Ltd" and taylor["Standard"] == "ST0825"
    only_lena = read_csv(
        client.get(f"/apprentices/download.csv?employer_id={lists['other']['employer']}")
    )
    assert [row[2] for row in only_lena[1:]] == ["Adams"]
    assert only_lena[1][-1] == ""  # no deadline


def test_a_download_larger_than_the_limit_is_refused_in_words(client, lists, monkeypatch):
    from epa.exports import downloads

    monkeypatch.setattr(downloads, "MAX_ROWS", 2)
    response = client.get("/apprentices/download.csv")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert "These filters select more than 2 apprentices" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("employer_id=999999", "employer_id", "No employer has the id 999999"),
        ("employer_id=abc", "employer_id", "The employer must be the id of an existing employer"),
        ("provider_id=999999", "provider_id", "No provider has the id 999999"),
        ("standard=ST9999", "standard", "No standard with the reference ST9999 is loaded"),
        ("sort=age", "sort", "The sort must be one of: name, -name, start_date"),
        (
            "deadline_before=31&deadline_before=2&deadline_before=2027",
            "deadline_before",
            "Enter the EPA deadline as a real date, for example 1 3 2027",
        ),
        (
            "deadline_before=1&deadline_before=&deadline_before=2027",
            "deadline_before",
            "The EPA deadline must include a month",
        ),
    ],
)
def test_a_filter_that_cannot_be_read_is_named_and_nothing_is_listed(
    client, lists, query, field, message
):
    for path in ("/apprentices/", "/apprentices/download.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 422 and response.mimetype == "text/html"
        html = response.get_data(as_text=True)
        assert message in error_beside(html, field)
        assert "There is a problem" in html and names(html) == []


def test_an_assessor_filter_must_name_an_assessor(client, lists, make_user):
    staff = make_user("staff")
    html = client.get(f"/apprentices/?assessor_id={staff}").get_data(as_text=True)
    assert f"No assessor has the id {staff}" in error_beside(html, "assessor_id")


def statements_for(app, client, path: str) -> int:
    """How many SQL statements the page at `path` asks."""
    statements = []

    def count(*_):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_list_and_its_download_ask_as_many_queries_for_30_apprentices_as_for_3(
    app, client, lists, make_apprentice, make_gateway_passed
):
    paths = ["/apprentices/?sort=epa_deadline&standard=ST0825", "/apprentices/download.csv"]
    few = [statements_for(app, client, path) for path in paths]
    for n in range(27):
        if n % 3:
            make_apprentice(uln=uln(500000000 + n * 13), family_name=f"Person{n:02d}")
        else:
            make_gateway_passed(
                uln=uln(500000000 + n * 13), family_name=f"Person{n:02d}", start_date="2025-06-02"
            )
    assert len(names(client.get("/apprentices/").get_data(as_text=True))) == 30
    assert [statements_for(app, client, path) for path in paths] == few
