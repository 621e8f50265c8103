"""The API's conventions: bearer tokens, roles, the error body and pagination."""

import pytest


def assert_error(response, status, code):
    assert response.status_code == status, response.data
    assert response.is_json, response.data
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].endswith(".")
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ", "Bearer nonsense", "Basic dXNlcjpwYXNz", "bearer  "],
)
def test_missing_or_bad_token_is_401(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/standards", headers=headers)
    assert_error(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_cookie_does_not_authenticate_the_api(client, signed_in):
    signed_in("admin")
    assert_error(client.get("/api/v1/users"), 401, "unauthenticated")


def test_token_of_a_disabled_user_is_refused(app, client, make_user, make_token):
    from epa.auth.models import User
    from epa.extensions import db

    user_id = make_user("admin")
    token = make_token(user_id=user_id)
    with app.app_context():
        db.session.get(User, user_id).is_enabled = False
        db.session.commit()
    response = client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})
    assert_error(response, 401, "unauthenticated")


ROLE_MATRIX = [
    ("GET", "/api/v1/standards", {"admin", "staff", "assessor"}),
    ("GET", "/api/v1/employers", {"admin", "staff"}),
    ("POST", "/api/v1/employers", {"admin", "staff"}),
    ("GET", "/api/v1/providers", {"admin", "staff"}),
    ("POST", "/api/v1/providers", {"admin", "staff"}),
    ("GET", "/api/v1/users", {"admin"}),
    ("POST", "/api/v1/users", {"admin"}),
]


@pytest.mark.parametrize("method, path, allowed", ROLE_MATRIX)
@pytest.mark.parametrize("role", ["admin", "staff", "assessor"])
def test_role_checks(api, method, path, allowed, role):
    client = api(role)
    response = client.get(path) if method == "GET" else client.post(path, json={})
    assert response.status_code < 500, response.data
    if role in allowed:
        assert response.status_code != 403, response.data
    else:
        error = assert_error(response, 403, "forbidden")
        assert role in error["message"]


def test_forbidden_requests_change_nothing(app, api):
    from sqlalchemy import func, select

    from epa.auth.models import User
    from epa.extensions import db

    response = api("staff").post(
        "/api/v1/users",
        json={
            "email": "x@epao.example",
            "name": "X",
            "role": "admin",
            "password": "plum radiator otter",
        },
    )
    assert_error(response, 403, "forbidden")
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(User).filter_by(role="admin")) == 0
        )


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('"text"', "application/json"),
        ("", "application/json"),
        ("name=x", "application/x-www-form-urlencoded"),
        ('{"name": ', "application/json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(client, make_token, data, content_type):
    token = make_token("staff")
    response = client.post(
        "/api/v1/employers",
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
    )
    assert_error(response, 400, "malformed_request")


def test_unknown_path_is_a_json_404(api, client):
    assert_error(api("staff").get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.get("/api/nothing"), 404, "not_found")


def test_unknown_record_is_a_json_404(api):
    assert_error(api("staff").get("/api/v1/employers/999999"), 404, "not_found")
    assert_error(api("admin").get("/api/v1/users/999999"), 404, "not_found")


def test_wrong_method_is_a_json_405(api):
    assert_error(api("staff").delete("/api/v1/employers"), 405, "method_not_allowed")


def test_oversized_body_is_a_json_413(app, api):
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = api("staff").post("/api/v1/employers", json={"name": huge})
    assert_error(response, 413, "file_too_large")


def test_an_unexpected_failure_is_a_json_500_without_a_stack_trace(app, api, monkeypatch):
    from epa.organisations import services

    def explode(name):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "create_employer", explode)
    response = api("staff").post("/api/v1/employers", json={"name": "Acme"})
    error = assert_error(response, 500, "internal_error")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in error["message"]


def test_database_unavailable_is_a_json_503(app, api, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from epa.organisations import services

    def down(name):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(services, "create_employer", down)
    assert_error(
        api("staff").post("/api/v1/employers", json={"name": "A"}), 503, "database_unavailable"
    )


def test_pagination(api):
    client = api("staff")
    for n in range(5):
        assert client.post("/api/v1/employers", json={"name": f"Employer {n}"}).status_code == 201
    body = client.get("/api/v1/employers?page=2&per_page=2").get_json()
    assert body["page"] == 2 and body["per_page"] == 2 and body["total"] == 5
    assert [e["name"] for e in body["items"]] == ["Employer 2", "Employer 3"]
    default = client.get("/api/v1/employers").get_json()
    assert default["per_page"] == 50 and len(default["items"]) == 5
    beyond = client.get("/api/v1/employers?page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 5


@pytest.mark.parametrize(
    "query, field",
    [
        ("page=0", "page"),
        ("page=x", "page"),
        ("per_page=201", "per_page"),
        ("per_page=-1", "per_page"),
        ("per_page=0", "per_page"),
    ],
)
def test_bad_pagination_is_422_naming_the_field(api, query, field):
    error = assert_error(api("staff").get(f"/api/v1/employers?{query}"), 422, "validation_failed")
    assert field in error["fields"]


def test_per_page_200_is_allowed(api):
    assert api("staff").get("/api/v1/employers?per_page=200").status_code == 200


@pytest.mark.parametrize("record_id", ["0", "2147483648", "99999999999999999999999"])
def test_ids_no_column_can_hold_are_not_found(api, record_id):
    assert_error(api("admin").get(f"/api/v1/users/{record_id}"), 404, "not_found")


def test_405_says_which_methods_are_allowed(api):
    response = api("staff").delete("/api/v1/employers")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Acme\u0000Ltd"},
        {"name": "ok", "extra": ["a", {"b": "\u0000"}]},
    ],
)
def test_a_null_character_in_json_is_a_422_naming_the_field(app, api, body):
    from epa.organisations.models import Employer

    error = assert_error(
        api("staff").post("/api/v1/employers", json=body), 422, "validation_failed"
    )
    assert error["fields"]
    with app.app_context():
        assert db_count(Employer) == 0


def test_a_lone_surrogate_in_json_is_refused(client, make_token):
    token = make_token("staff")
    response = client.post(
        "/api/v1/employers",
        data='{"name": "\\ud800"}',
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert_error(response, 422, "validation_failed")


def test_absurdly_nested_json_is_400(client, make_token):
    token = make_token("staff")
    response = client.post(
        "/api/v1/employers",
        data="[" * 100_000 + "]" * 100_000,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert_error(response, 400, "malformed_request")


@pytest.mark.parametrize(
    "path, status, code",
    [
        ("/api/v1/standards/ST0825%00/versions/1.0", 404, "not_found"),
        ("/api/v1/employers?page=1%00", 400, "malformed_request"),
        ("/api", 404, "not_found"),
        ("/api/v1//employers", 404, "not_found"),
    ],
)
def test_odd_paths_get_json_errors(api, path, status, code):
    assert_error(api("staff").get(path), status, code)


def test_the_413_message_states_the_limit(app, api):
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    error = assert_error(
        api("staff").post("/api/v1/employers", json={"name": huge}), 413, "file_too_large"
    )
    assert f"{app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB" in error["message"]


def db_count(model):
    from sqlalchemy import func, select

    from epa.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("suffix", ["", "/gateway"])
def test_an_id_too_large_for_any_row_is_404_on_every_route(api, suffix):
    path = f"/api/v1/apprentices/2111555303921{suffix}"
    assert_error(api("staff").get(path), 404, "not_found")


def test_options_is_a_json_405_naming_the_methods(client):
    response = client.options("/api/v1/employers")
    assert_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}


def test_options_on_an_unknown_api_path_is_a_json_404(client):
    assert_error(client.options("/api/v1/nothing-here"), 404, "not_found")


def test_an_over_long_address_is_a_json_414(api):
    from epa import MAX_TARGET_LENGTH

    client = api("staff")
    path = "/api/v1/employers?per_page=5&name="
    longest = path + "x" * (MAX_TARGET_LENGTH - len(path))
    assert client.get(longest).status_code == 200
    error = assert_error(client.get(longest + "x"), 414, "uri_too_long")
    assert f"{MAX_TARGET_LENGTH:,} characters" in error["message"]


def test_gunicorn_lets_the_app_answer_over_long_addresses():
    import ast

    from epa import MAX_TARGET_LENGTH
    from tests.conftest import ROOT

    # Read, not run: running the settings file would set the metrics folder for the whole run.
    tree = ast.parse((ROOT / "gunicorn.conf.py").read_text())
    settings = {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
    }
    # The longest target the app answers for, with room for a method, spaces and the protocol.
    assert settings["limit_request_line"] >= MAX_TARGET_LENGTH + len("OPTIONS  HTTP/1.1") + 1


@pytest.mark.parametrize("record_id", ["١", "１", "9" * 4000])
def test_an_id_is_ascii_digits_and_a_huge_one_is_not_found(api, record_id):
    assert_error(api("admin").get(f"/api/v1/users/{record_id}"), 404, "not_found")


def test_a_form_part_without_a_name_is_no_server_error(api):
    boundary = "b0undary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data\r\n\r\nfalse\r\n--{boundary}--\r\n"
    ).encode()
    response = api("staff").post(
        "/api/v1/imports/apprentices",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert 400 <= response.status_code < 500, response.data
    assert response.is_json
