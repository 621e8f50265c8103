"""The exports page: a date range and two downloads, for administrators and staff."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from epa.extensions import db
from epa.grading.models import Outcome

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def range_query(start: date | None, end: date | None) -> dict:
    """The query string the page's form sends: three boxes per date, under one name."""
    query = {}
    for name, day in (("from", start), ("to", end)):
        query[name] = [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]
    return query


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_the_page_offers_both_downloads(client, signed_in, role):
    signed_in(role)
    page = client.get("/exports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1" in html and "Exports" in html
    assert 'method="post"' in html and 'action="/exports"' in html
    assert 'name="csrf_token"' in html
    assert 'value="outcomes" name="kind"' in html
    assert 'value="bookings" name="kind"' in html
    for name in ("from", "to"):
        assert f'id="{name}-day"' in html and f'name="{name}"' in html
    assert 'href="/exports"' in html  # in the navigation


def test_assessors_get_403_and_no_navigation_item(client, signed_in):
    signed_in("assessor")
    assert client.get("/exports").status_code == 403
    assert client.get("/exports/outcomes.xlsx").status_code == 403
    assert client.get("/exports/bookings.xlsx").status_code == 403
    assert 'href="/exports"' not in client.get("/").get_data(as_text=True)


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/exports/outcomes.xlsx")
    assert response.status_code in (302, 401, 403)
    assert response.mimetype != XLSX


def test_downloads_are_plain_gets_without_a_csrf_token(app, client, signed_in, booking_world):
    signed_in("staff")
    with app.app_context():
        db.session.add(
            Outcome(
                apprentice_id=booking_world["apprentice"],
                overall_grade="pass",
                epa_date=date(2026, 11, 20),
                achievement_date=date(2026, 11, 20),
                confirmed_at=datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
            )
        )
        db.session.commit()
    response = client.get(
        "/exports/outcomes.xlsx", query_string=range_query(date(2026, 11, 1), date(2026, 11, 30))
    )
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == XLSX
    assert (
        'filename="outcomes-2026-11-01-to-2026-11-30.xlsx"'
        in (response.headers["Content-Disposition"])
    )
    sheet = load_workbook(BytesIO(response.data))["Outcomes"]
    assert sheet["A2"].value == "1234567899"
    assert sheet.max_row == 2


def test_blank_dates_take_the_defaults(client, signed_in, booking_world):
    signed_in("admin")
    response = client.get("/exports/bookings.xlsx", query_string=range_query(None, None))
    assert response.status_code == 200
    assert (
        'filename="bookings-2026-11-26-to-2027-11-26.xlsx"'
        in (response.headers["Content-Disposition"])
    )
    sheet = load_workbook(BytesIO(response.data))["Bookings"]
    assert sheet["A1"].value == "Assessment ID" and sheet.max_row == 1


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"from": ["30", "2", "2027"], "to": ["", "", ""]}, "from", "real date"),
        ({"from": ["", "", ""], "to": ["1", "", "2027"]}, "to", "must include a month"),
        ({"from": ["1", "1", "1800"], "to": ["", "", ""]}, "from", "between 1900 and 2100"),
        (
            {"from": ["2", "2", "2027"], "to": ["1", "2", "2027"]},
            "to",
            "must be the same as or after",
        ),
    ],
)
@pytest.mark.parametrize("kind", ["outcomes", "bookings"])
def test_bad_dates_are_shown_beside_the_field(
    client, signed_in, booking_world, kind, query, field, message
):
    signed_in("staff")
    response = client.get(f"/exports/{kind}.xlsx", query_string=query)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "<title>Error: Exports" in html
    assert f'href="#{field}-day"' in html  # the summary links to the field's day box
    assert f'id="{field}-error"' in html  # the message sits beside the field itself
    error_start = html.index(f'id="{field}-error"')
    assert message in html[error_start : error_start + 400]
    # What was typed is kept in the boxes.
    if query[field][0]:
        assert f'value="{query[field][0]}"' in html
