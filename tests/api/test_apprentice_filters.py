"""GET /api/v1/apprentices filters by organisation, standard, assessor and EPA deadline and sorts;
GET /api/v1/apprentices.csv gives the same selection as a file."""

import csv
from io import StringIO

import pytest

from tests.pages.test_apprentice_lists import lists  # noqa: F401  (the same three apprentices)


def family_names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [item["family_name"] for item in response.get_json()["items"]]


@pytest.fixture
def staff(api, lists):  # noqa: F811
    return api("staff")


def test_each_filter_of_the_contract(staff, lists):  # noqa: F811
    get = lambda query: family_names(staff.get(f"/api/v1/apprentices?{query}"))  # noqa: E731
    assert get("") == ["Adams", "Shah", "Taylor"]
    assert get(f"employer_id={lists['other']['employer']}") == ["Adams"]
    assert get(f"provider_id={lists['provider']}") == ["Shah", "Taylor"]
    assert get("standard=ST0825") == ["Adams", "Shah", "Taylor"]
    assert get(f"assessor_id={lists['assessor']}") == ["Shah"]
    assert get("deadline_before=2027-03-01") == ["Shah"]
    assert get("deadline_before=2027-03-03&sort=-epa_deadline") == ["Taylor", "Shah"]
    assert get("employer_id=&provider_id=&standard=&assessor_id=&deadline_before=&sort=") == [
        "Adams",
        "Shah",
        "Taylor",
    ]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["Adams", "Shah", "Taylor"]),
        ("-name", ["Taylor", "Shah", "Adams"]),
        ("start_date", ["Shah", "Taylor", "Adams"]),
        ("-start_date", ["Adams", "Taylor", "Shah"]),
        ("epa_deadline", ["Shah", "Taylor", "Adams"]),
        ("-epa_deadline", ["Taylor", "Shah", "Adams"]),
    ],
)
def test_each_order_of_the_contract(staff, sort, order):
    assert family_names(staff.get(f"/api/v1/apprentices?sort={sort}")) == order


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("employer_id=999999", "validation_failed", "employer_id"),
        ("provider_id=0", "validation_failed", "provider_id"),
        ("assessor_id=999999", "validation_failed", "assessor_id"),
        ("standard=ST9999", "unknown_standard", "standard"),
        ("deadline_before=2027-02-30", "invalid_date", "deadline_before"),
        ("sort=age", "validation_failed", "sort"),
        ("sort=--name", "validation_failed", "sort"),
    ],
)
def test_a_filter_that_cannot_be_read_is_refused(staff, query, code, field):
    for path in ("/api/v1/apprentices", "/api/v1/apprentices.csv"):
        response = staff.get(f"{path}?{query}")
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == code and field in error["fields"]


def test_the_csv_holds_what_the_list_selects_in_its_order(staff, lists):  # noqa: F811
    response = staff.get(f"/api/v1/apprentices.csv?provider_id={lists['provider']}&sort=-name")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith('apprentices-2026-11-26.csv"')
    rows = list(csv.reader(StringIO(response.data.decode("utf-8-sig"), newline="")))
    assert [row[2] for row in rows[1:]] == ["Taylor", "Shah"]


def test_the_csv_is_for_the_office(api, lists):  # noqa: F811
    assert api("assessor").get("/api/v1/apprentices.csv").status_code == 403
    assert api("admin").get("/api/v1/apprentices.csv").status_code == 200


def test_a_cancelled_booking_does_not_put_an_apprentice_on_the_assessors_list(
    app,
    staff,
    lists,  # noqa: F811
):
    from sqlalchemy import update

    from epa.extensions import db
    from epa.scheduling.models import Assessment, AssessmentStatus

    with app.app_context():
        db.session.execute(
            update(Assessment)
            .where(Assessment.apprentice_id == lists["priya"])
            .values(status=AssessmentStatus.CANCELLED)
        )
        db.session.commit()
    found = family_names(staff.get(f"/api/v1/apprentices?assessor_id={lists['assessor']}"))
    assert found == []
