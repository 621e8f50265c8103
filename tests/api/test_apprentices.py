"""Registering, reading, searching, changing and withdrawing apprentices through the API."""

from datetime import date

import pytest
from sqlalchemy import func, select

from epa.apprentices.models import Apprentice
from epa.audit.models import AuditEvent
from epa.extensions import db
from tests.api.test_conventions import assert_error
from tests.conftest import EVERY_REQUIREMENT_MET


def _count(app, model=Apprentice):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_register_chooses_the_version_by_start_date(app, api, apprentice_data):
    response = api("staff").post("/api/v1/apprentices", json=apprentice_data())
    assert response.status_code == 201
    body = response.get_json()
    assert body["version"] == "1.0" and body["status"] == "registered"
    assert body["standard"] == "ST0825" and body["uln"] == "1234567899"
    assert body["gateway_date"] is None and body["epa_deadline"] is None
    for field in ("given_names", "family_name", "date_of_birth", "email", "start_date"):
        assert body[field] == apprentice_data()[field]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(entity="apprentice"))
        assert event.action == "create" and event.after["uln"] == "1234567899"


@pytest.mark.parametrize(
    "start, version",
    [("2020-03-12", "1.0"), ("2024-09-25", "1.0"), ("2024-09-26", "1.1"), ("2026-01-05", "1.1")],
)
def test_version_boundaries(api, apprentice_data, start, version):
    body = apprentice_data(start_date=start, date_of_birth="1990-01-01")
    response = api("staff").post("/api/v1/apprentices", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == version


def test_a_start_before_any_version_is_refused(app, api, apprentice_data):
    response = api("staff").post(
        "/api/v1/apprentices", json=apprentice_data(start_date="2020-03-11")
    )
    error = assert_error(response, 422, "no_version_for_start_date")
    assert "12 March 2020" in error["fields"]["start_date"]
    assert _count(app) == 0


@pytest.mark.parametrize(
    "uln",
    ["1234567890", "0987654321", "123456789", "12345678901", "abcdefghij", 1234567899, "", None],
)
def test_invalid_uln(app, api, apprentice_data, uln):
    error = assert_error(
        api("staff").post("/api/v1/apprentices", json=apprentice_data(uln=uln)), 422, "invalid_uln"
    )
    assert "uln" in error["fields"]
    assert "not starting with 0" in error["fields"]["uln"]
    assert _count(app) == 0


def test_unknown_standard(api, apprentice_data):
    error = assert_error(
        api("staff").post("/api/v1/apprentices", json=apprentice_data(standard="ST9999")),
        422,
        "unknown_standard",
    )
    assert "standard" in error["fields"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"date_of_birth": "2099-01-01"}, "date_of_birth"),  # born in the future
        ({"date_of_birth": "2025-01-01", "start_date": "2024-01-08"}, "start_date"),
        ({"date_of_birth": "2012-01-01"}, "date_of_birth"),  # 12 on the start date
        ({"date_of_birth": "1899-12-31"}, "date_of_birth"),
        ({"start_date": "9999-12-31"}, "start_date"),
        ({"start_date": "2027-11-27"}, "start_date"),  # more than a year ahead
        ({"date_of_birth": "2001-02-30"}, "date_of_birth"),
        ({"date_of_birth": "12/04/2001"}, "date_of_birth"),
        ({"start_date": "2024-1-8"}, "start_date"),
        ({"start_date": None}, "start_date"),
        ({"date_of_birth": 20010412}, "date_of_birth"),
    ],
)
def test_invalid_dates(app, api, apprentice_data, today, change, field):
    today(date(2026, 11, 26))
    error = assert_error(
        api("staff").post("/api/v1/apprentices", json=apprentice_data(**change)),
        422,
        "invalid_date",
    )
    assert field in error["fields"]
    assert _count(app) == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"given_names": ""}, "given_names"),
        ({"family_name": "   "}, "family_name"),
        ({"family_name": ["Taylor"]}, "family_name"),
        ({"given_names": "Sam\x00"}, "given_names"),
        ({"family_name": "Tay\u202elor"}, "family_name"),
        ({"given_names": "\u2067Sam\u2069"}, "given_names"),
        ({"given_names": "x" * 101}, "given_names"),
        ({"email": "not an address"}, "email"),
        ({"employer_id": 999999}, "employer_id"),
        ({"provider_id": "one"}, "provider_id"),
        ({"employer_id": True}, "employer_id"),
        ({"ehc_plan": "yes"}, "ehc_plan"),
    ],
)
def test_other_invalid_fields_name_the_field(app, api, apprentice_data, change, field):
    error = assert_error(
        api("staff").post("/api/v1/apprentices", json=apprentice_data(**change)),
        422,
        "validation_failed",
    )
    assert field in error["fields"]
    assert _count(app) == 0


def test_every_bad_field_is_named_at_once(api, apprentice_data):
    body = apprentice_data(uln="1", given_names="", email="x", start_date="soon")
    error = assert_error(api("staff").post("/api/v1/apprentices", json=body), 422, "invalid_uln")
    assert set(error["fields"]) >= {"uln", "given_names", "email", "start_date"}


def test_email_and_ehc_plan_may_be_left_out(api, apprentice_data):
    body = apprentice_data()
    del body["email"], body["ehc_plan"]
    response = api("staff").post("/api/v1/apprentices", json=body)
    assert response.status_code == 201
    assert response.get_json()["email"] is None and response.get_json()["ehc_plan"] is False


def test_duplicate_uln_on_the_same_standard_is_409(app, api, apprentice_data):
    client = api("staff")
    assert client.post("/api/v1/apprentices", json=apprentice_data()).status_code == 201
    again = client.post("/api/v1/apprentices", json=apprentice_data(given_names="Other"))
    assert_error(again, 409, "duplicate_apprentice")
    assert _count(app) == 1


def test_the_temporary_uln_may_be_shared(app, api, apprentice_data):
    client = api("staff")
    for name in ("Ann", "Bob"):
        body = apprentice_data(uln="9999999999", given_names=name)
        assert client.post("/api/v1/apprentices", json=body).status_code == 201
    assert _count(app) == 2


def test_the_database_refuses_a_duplicate_uln_even_without_the_service(app, make_apprentice):
    from sqlalchemy.exc import IntegrityError

    first = make_apprentice()
    with app.app_context():
        original = db.session.get(Apprentice, first)
        copy = Apprentice(
            uln=original.uln,
            given_names="X",
            family_name="Y",
            date_of_birth=original.date_of_birth,
            employer_id=original.employer_id,
            provider_id=original.provider_id,
            standard_id=original.standard_id,
            version_id=original.version_id,
            start_date=original.start_date,
            status="registered",
        )
        db.session.add(copy)
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_read_one(api, make_apprentice):
    apprentice_id = make_apprentice()
    body = api("staff").get(f"/api/v1/apprentices/{apprentice_id}").get_json()
    assert body["id"] == apprentice_id and body["family_name"] == "Taylor"
    assert_error(api("staff").get("/api/v1/apprentices/999999"), 404, "not_found")


def test_search_by_exact_uln_or_by_name_ignoring_case(api, make_apprentice):
    make_apprentice(uln="1234567899", given_names="Sam", family_name="Taylor")
    make_apprentice(uln="1000000000", given_names="Priya", family_name="O'Neill-Smith")
    make_apprentice(uln="9999999999", given_names="Samira", family_name="Khan")
    client = api("staff")

    def names(query):
        body = client.get(f"/api/v1/apprentices?{query}").get_json()
        return [a["given_names"] for a in body["items"]]

    assert names("q=1234567899") == ["Sam"]
    assert names("q=123456789") == []  # a ULN matches exactly, not in part
    assert names("q=sam") == ["Samira", "Sam"]  # ordered by family name
    assert names("q=TAYLOR") == ["Sam"]
    assert names("q=sam taylor") == ["Sam"]
    assert names("q=o'neill") == ["Priya"]
    assert names("q=%25") == []  # a literal %, not a wildcard
    assert names("q=") == ["Samira", "Priya", "Sam"]


def test_filter_by_status_and_page(api, make_apprentice):
    for n, uln in enumerate(["1234567899", "1000000000", "9999999999"]):
        make_apprentice(uln=uln, family_name=f"Name{n}")
    client = api("staff")
    body = client.get("/api/v1/apprentices?status=registered&per_page=2&page=2").get_json()
    assert body["total"] == 3 and len(body["items"]) == 1
    assert client.get("/api/v1/apprentices?status=withdrawn").get_json()["total"] == 0
    error = assert_error(client.get("/api/v1/apprentices?status=lost"), 422, "validation_failed")
    assert "status" in error["fields"]


def test_assessors_see_only_apprentices_they_are_booked_to_assess(api, make_apprentice):
    apprentice_id = make_apprentice()
    assessor = api("assessor")
    assert assessor.get("/api/v1/apprentices").get_json()["total"] == 0
    assert_error(assessor.get(f"/api/v1/apprentices/{apprentice_id}"), 403, "forbidden")
    assert_error(assessor.get(f"/api/v1/apprentices/{apprentice_id}/gateway"), 403, "forbidden")


@pytest.mark.parametrize(
    "method, suffix",
    [("post", ""), ("patch", "/{id}"), ("post", "/{id}/withdraw"), ("post", "/{id}/gateway")],
)
def test_assessors_cannot_change_apprentices(api, make_apprentice, method, suffix):
    apprentice_id = make_apprentice()
    path = "/api/v1/apprentices" + suffix.format(id=apprentice_id)
    response = getattr(api("assessor"), method)(path, json={})
    assert_error(response, 403, "forbidden")


def test_update_changes_only_the_fields_given_and_audits_them(app, api, make_apprentice):
    apprentice_id = make_apprentice()
    response = api("staff").patch(
        f"/api/v1/apprentices/{apprentice_id}", json={"family_name": "Taylor-Jones", "email": None}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["family_name"] == "Taylor-Jones" and body["email"] is None
    assert body["given_names"] == "Sam"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="update"))
        assert event.before == {"family_name": "Taylor", "email": "sam.taylor@example.com"}
        assert event.after == {"family_name": "Taylor-Jones", "email": None}


def test_changing_the_start_date_rechooses_the_version(api, make_apprentice):
    apprentice_id = make_apprentice(start_date="2024-09-25")
    client = api("staff")
    body = client.patch(
        f"/api/v1/apprentices/{apprentice_id}", json={"start_date": "2024-09-26"}
    ).get_json()
    assert body["version"] == "1.1"
    error = assert_error(
        client.patch(f"/api/v1/apprentices/{apprentice_id}", json={"start_date": "2019-01-01"}),
        422,
        "no_version_for_start_date",
    )
    assert "start_date" in error["fields"]
    assert client.get(f"/api/v1/apprentices/{apprentice_id}").get_json()["version"] == "1.1"


@pytest.mark.parametrize("status", ["in_epa", "completed"])
def test_the_start_date_is_fixed_once_an_assessment_is_booked(app, api, make_apprentice, status):
    apprentice_id = make_apprentice()
    with app.app_context():
        db.session.get(Apprentice, apprentice_id).status = status
        db.session.commit()
    client = api("staff")
    response = client.patch(
        f"/api/v1/apprentices/{apprentice_id}", json={"start_date": "2024-02-01"}
    )
    assert_error(response, 409, "epa_started")
    same = client.patch(f"/api/v1/apprentices/{apprentice_id}", json={"start_date": "2024-01-08"})
    assert same.status_code == 200  # the same date is not a change


def test_update_refuses_a_uln_registered_to_someone_else(api, make_apprentice):
    make_apprentice(uln="1000000000")
    other = make_apprentice(uln="1234567899")
    response = api("staff").patch(f"/api/v1/apprentices/{other}", json={"uln": "1000000000"})
    assert_error(response, 409, "duplicate_apprentice")


def test_update_with_bad_fields_changes_nothing(app, api, make_apprentice):
    apprentice_id = make_apprentice()
    client = api("staff")
    for body, code in [
        ({"uln": "1234567890"}, "invalid_uln"),
        ({"given_names": ""}, "validation_failed"),
        ({"date_of_birth": "2099-01-01"}, "invalid_date"),
        ({"standard": "ST0001"}, "validation_failed"),
    ]:
        assert_error(client.patch(f"/api/v1/apprentices/{apprentice_id}", json=body), 422, code)
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).filter_by(action="update")
            )
            == 0
        )


def test_withdraw_needs_a_reason_and_is_audited(app, api, make_apprentice):
    apprentice_id = make_apprentice()
    client = api("staff")
    path = f"/api/v1/apprentices/{apprentice_id}/withdraw"
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        error = assert_error(client.post(path, json=body), 422, "validation_failed")
        assert "reason" in error["fields"]
    response = client.post(path, json={"reason": "Left the employer"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "withdrawn"
    assert response.get_json()["withdrawn_reason"] == "Left the employer"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).filter_by(action="withdraw"))
        assert event.reason == "Left the employer" and event.after == {"status": "withdrawn"}
    assert_error(client.post(path, json={"reason": "again"}), 409, "already_withdrawn")


def test_a_completed_apprentice_cannot_be_withdrawn(app, api, make_apprentice):
    apprentice_id = make_apprentice()
    with app.app_context():
        db.session.get(Apprentice, apprentice_id).status = "completed"
        db.session.commit()
    response = api("staff").post(
        f"/api/v1/apprentices/{apprentice_id}/withdraw", json={"reason": "x"}
    )
    assert_error(response, 409, "apprentice_completed")


def test_withdrawing_twice_says_so_even_without_a_reason(api, make_apprentice):
    apprentice_id = make_apprentice()
    client = api("staff")
    path = f"/api/v1/apprentices/{apprentice_id}/withdraw"
    assert client.post(path, json={"reason": "Left"}).status_code == 200
    assert_error(client.post(path, json={}), 409, "already_withdrawn")


@pytest.mark.parametrize(
    "change",
    [{"start_date": "2024-02-05"}, {"date_of_birth": "2001-04-13"}, {"ehc_plan": True}],
)
def test_the_facts_a_passed_gateway_rests_on_cannot_change(api, make_apprentice, today, change):
    today(date(2026, 11, 26))
    apprentice_id = make_apprentice()
    client = api("staff")
    gateway = {**EVERY_REQUIREMENT_MET, "gateway_date": "2025-03-03"}
    assert client.post(f"/api/v1/apprentices/{apprentice_id}/gateway", json=gateway).get_json()[
        "passed"
    ]
    error = assert_error(
        client.patch(f"/api/v1/apprentices/{apprentice_id}", json=change),
        409,
        "gateway_already_passed",
    )
    assert set(error["fields"]) == set(change)
    same = client.patch(f"/api/v1/apprentices/{apprentice_id}", json={"start_date": "2024-01-08"})
    assert same.status_code == 200  # unchanged values are not changes
    assert (
        client.patch(
            f"/api/v1/apprentices/{apprentice_id}", json={"family_name": "Taylor-Reid"}
        ).status_code
        == 200
    )


def test_null_is_not_a_boolean(api, make_apprentice):
    apprentice_id = make_apprentice()
    error = assert_error(
        api("staff").patch(f"/api/v1/apprentices/{apprentice_id}", json={"ehc_plan": None}),
        422,
        "validation_failed",
    )
    assert "ehc_plan" in error["fields"]


def test_the_standard_may_be_named_in_any_case(api, make_apprentice):
    apprentice_id = make_apprentice()
    response = api("staff").patch(
        f"/api/v1/apprentices/{apprentice_id}", json={"standard": "st0825"}
    )
    assert response.status_code == 200


def test_name_search_ignores_case_beyond_ascii(api, make_apprentice):
    make_apprentice(uln="1234567899", given_names="Élodie", family_name="Öztürk")
    client = api("staff")
    for q in ["élodie", "ÉLODIE", "öztürk", "ÖZTÜRK", "élodie öz"]:
        body = client.get("/api/v1/apprentices", query_string={"q": q}).get_json()
        assert [a["family_name"] for a in body["items"]] == ["Öztürk"], q
    renamed = client.get("/api/v1/apprentices", query_string={"q": "taylor"}).get_json()
    assert renamed["total"] == 0


def test_search_follows_a_change_of_name(api, make_apprentice):
    apprentice_id = make_apprentice()
    client = api("staff")
    client.patch(f"/api/v1/apprentices/{apprentice_id}", json={"family_name": "Ångström"})
    body = client.get("/api/v1/apprentices", query_string={"q": "ångström"}).get_json()
    assert body["total"] == 1


def test_a_uln_an_earlier_rule_accepted_stays_while_other_details_change(app, api, make_apprentice):
    """ULNs starting with 0 passed the check digit alone before; such a record can still be
    corrected, as long as its ULN is sent back unchanged."""
    apprentice_id = make_apprentice()
    with app.app_context():
        db.session.get(Apprentice, apprentice_id).uln = "0123456788"
        db.session.commit()
    staff = api("staff")
    path = f"/api/v1/apprentices/{apprentice_id}"
    changed = staff.patch(path, json={"uln": "0123456788", "family_name": "Taylor-Hughes"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["uln"] == "0123456788"
    assert changed.get_json()["family_name"] == "Taylor-Hughes"
    error = assert_error(staff.patch(path, json={"uln": "0987654321"}), 422, "invalid_uln")
    assert "not starting with 0" in error["fields"]["uln"]
