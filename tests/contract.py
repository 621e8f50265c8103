"""A test client that holds every API response to the OpenAPI document.

Each response under /api/v1 must have a status the document lists for that operation, and a
JSON body that its schema accepts (extra keys included: response schemas forbid them). A test
that gets an undocumented answer fails, whatever it asserts itself.
"""

import json
import re
from functools import cache

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.exceptions import HTTPException

API = "/api/v1"


class ContractClient(FlaskClient):
    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        if request.path.startswith(API + "/") and request.method != "HEAD":
            check_response(self.application, request.method, request.path, response)
        return response


@cache
def _document() -> str:
    from epa.api.openapi import document

    return json.dumps(document())


def _template(app, method: str, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        rule, _ = adapter.match(path, method=method, return_rule=True)
    except HTTPException:
        return None
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)


@cache
def _validator(path: str | None, method: str, status: str):
    doc = json.loads(_document())
    if path is None:  # no route matched: the plain error body
        schema = {"$ref": "#/components/schemas/Error"}
    else:
        operation = doc["paths"][path][method]
        assert status in operation["responses"], (
            f"{method.upper()} {path} answered {status}, which the document does not list "
            f"(it lists {', '.join(operation['responses'])})"
        )
        content = operation["responses"][status].get("content", {})
        if "application/json" not in content:
            return None
        schema = content["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": doc["components"]})


def check_response(app, method: str, path: str, response) -> None:
    template = _template(app, method, path)
    validator = _validator(template, method.lower(), str(response.status_code))
    if validator is None:
        assert not response.is_json or response.status_code == 204, (
            f"{method} {path} answered JSON where the document promises none"
        )
        return
    assert response.is_json, (
        f"{method} {path} answered {response.status_code} as {response.content_type}, not JSON"
    )
    errors = sorted(validator.iter_errors(response.get_json()), key=lambda e: list(e.path))
    assert not errors, f"{method} {path} {response.status_code} breaks the document: " + "; ".join(
        f"{'/'.join(map(str, e.path)) or 'body'}: {e.message}" for e in errors[:5]
    )
