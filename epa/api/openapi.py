"""The OpenAPI 3.1 document, written from the operations' declarations (epa/api/contract.py).

Paths, summaries and roles are the declarations' own; every schema is generated from the typed
shapes; the errors every operation can give are added here once.
"""

from flask import jsonify
from pydantic.json_schema import models_json_schema

from epa.api import bp
from epa.api.contract import OPERATIONS, Operation
from epa.api.errors import Error
from epa.api.requests import MAX_PAGE, MAX_PER_PAGE
from epa.shapes import ID_SCHEMA

REF = "#/components/schemas/{model}"
#: What each error status means, whatever the operation.
STATUS_MEANING = {
    400: "The body or a query parameter cannot be read",
    401: "No token, or a token that is unknown or revoked",
    403: "The token's role may not do this",
    404: "No such record",
    405: "The address does not take that method",
    409: "It conflicts with what is recorded",
    413: "The request body is too large",
    414: "The address is too long",
    422: "A field is not valid, or a rule refuses it",
    429: "Too many requests from this token (or address, without one): see Retry-After",
    500: "Something failed on the service's side; it has been logged",
    503: "The database is not answering",
}
#: Errors any operation can give, by status.
COMMON_ERRORS = {
    400: ["malformed_request"],
    401: ["unauthenticated"],
    403: ["forbidden"],
    405: ["method_not_allowed"],
    413: ["file_too_large"],
    414: ["uri_too_long"],
    429: ["rate_limited"],
    500: ["internal_error"],
    503: ["database_unavailable"],
}
PAGE_PARAMS = [
    {
        "name": name,
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": largest, "default": default},
    }
    for name, largest, default in (("page", MAX_PAGE, 1), ("per_page", MAX_PER_PAGE, 50))
]


THIS_DOCUMENT = {
    "summary": "This document",
    "security": [],
    "responses": {
        "200": {
            "description": "The OpenAPI document",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
}


def _ref(model) -> dict:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _page_of(model) -> dict:
    number = {"type": "integer", "minimum": 0}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": _ref(model)},
            "page": number,
            "per_page": number,
            "total": number,
        },
    }


def _errors(op: Operation) -> dict[int, list[str]]:
    errors = {status: list(codes) for status, codes in COMMON_ERRORS.items()}
    if "{" in op.path:
        errors[404] = ["not_found"]
    if op.body or op.query or op.page:
        errors[422] = ["validation_failed"]
    for status, codes in op.errors.items():
        listed = errors.setdefault(status, [])
        listed += [code for code in codes if code not in listed]
    return dict(sorted(errors.items()))


def _error_response(op: Operation, status: int, codes: list[str]) -> dict:
    return {
        "description": f"{STATUS_MEANING[status]} (error codes: {', '.join(codes)})",
        **_json(_ref(op.error_shapes.get(status, Error))),
        "x-error-codes": codes,
    }


def _parameters(op: Operation, components: dict) -> list[dict]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": _path_schema(name)}
        for name in _path_names(op.path)
    ]
    if op.query is not None:
        schema = components[op.query.__name__]
        params += [
            {
                "name": name,
                "in": "query",
                "required": name in schema.get("required", []),
                "schema": prop,
            }
            for name, prop in schema["properties"].items()
        ]
    return params + (PAGE_PARAMS if op.page else [])


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _path_schema(name: str) -> dict:
    counted = name.endswith("_id") or name == "index"  # a plan's row is numbered from 1
    return ID_SCHEMA if counted else {"type": "string", "minLength": 1}


def _success(op: Operation) -> dict:
    if op.content:
        schema = {"type": "string", "contentMediaType": op.content}
        return {"description": op.summary, "content": {op.content: {"schema": schema}}}
    if op.response is None:
        return {"description": op.summary}
    schema = _page_of(op.response) if op.page else _ref(op.response)
    return {"description": op.summary, **_json(schema)}


def _operation(op: Operation, components: dict) -> dict:
    described = {
        "summary": op.summary,
        "description": f"Roles: {', '.join(op.roles)}.",
        "tags": [op.tag],
        "security": [{"bearer": []}],
        "responses": {
            str(op.status): _success(op),
            **{
                str(status): {"description": (shape.__doc__ or "").strip(), **_json(_ref(shape))}
                for status, shape in op.also.items()
            },
            **{
                str(status): _error_response(op, status, codes)
                for status, codes in _errors(op).items()
            },
        },
    }
    params = _parameters(op, components)
    if params:
        described["parameters"] = params
    if op.body is not None:
        described["requestBody"] = {
            "required": True,
            "content": {op.body_media: {"schema": _ref(op.body)}},
        }
    return described


def _components() -> dict:
    inputs = {m for op in OPERATIONS for m in (op.body, op.query) if m is not None}
    outputs = {Error, *(op.response for op in OPERATIONS if op.response is not None)}
    outputs |= {shape for op in OPERATIONS for shape in op.error_shapes.values()}
    outputs |= {shape for op in OPERATIONS for shape in op.also.values()}
    models = [(m, "validation") for m in inputs] + [(m, "serialization") for m in outputs]
    models.sort(key=lambda pair: pair[0].__name__)
    _, schema = models_json_schema(models, ref_template=REF)
    return schema.get("$defs", {})


def document() -> dict:
    components = _components()
    paths: dict = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, components)
    paths["/api/v1/openapi.json"] = {"get": THIS_DOCUMENT}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "End-point assessment API",
            "version": "1.0.0",
            "description": "Everything the pages do, for EPAOs that automate their work. "
            "Conventions: docs/api.md.",
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document."""
    return jsonify(document())
