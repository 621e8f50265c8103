"""The OpenAPI document describes exactly the operations the code serves."""

import re

from openapi_spec_validator import validate

from epa.api.openapi import document

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _served(app) -> set[tuple[str, str]]:
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - IGNORED_METHODS:
            served.add((path, method.lower()))
    return served


def _documented(doc) -> set[tuple[str, str]]:
    return {(path, method) for path, ops in doc["paths"].items() for method in ops}


def test_every_served_operation_is_documented_and_nothing_else(app):
    served = _served(app)
    documented = _documented(document())
    assert served - documented == set(), "served but missing from the OpenAPI document"
    assert documented - served == set(), "documented but not served"


def test_the_completeness_check_notices_a_missing_route(app):
    doc = document()
    doc = {**doc, "paths": {k: v for k, v in doc["paths"].items() if k != "/api/v1/employers"}}
    assert _served(app) - _documented(doc) == {
        ("/api/v1/employers", "get"),
        ("/api/v1/employers", "post"),
    }


def test_served_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_every_operation_documents_its_errors_and_roles():
    for path, ops in document()["paths"].items():
        for method, op in ops.items():
            assert op.get("summary"), (path, method)
            if path.endswith("openapi.json"):
                continue
            assert {"401", "403"} <= set(op["responses"]), (path, method)
            assert op["description"].startswith("Roles: "), (path, method)
            codes = {c for r in op["responses"].values() for c in r.get("x-error-codes", [])}
            assert "unauthenticated" in codes and "forbidden" in codes


def test_documented_roles_are_the_roles_the_code_allows(app):
    doc = document()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint == "api.openapi":
            continue
        allowed = getattr(app.view_functions[rule.endpoint], "allowed_roles", None)
        assert allowed, f"{rule.endpoint} has no role check"
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - IGNORED_METHODS:
            description = doc["paths"][path][method.lower()]["description"]
            assert description == f"Roles: {', '.join(allowed)}.", (path, method)
