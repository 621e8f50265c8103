"""The OpenAPI 3.1 document of every implemented operation (a test keeps it complete)."""

from flask import jsonify

from epa.api import bp


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _error(description: str, codes: list[str]) -> dict:
    return {
        "description": f"{description} (error codes: {', '.join(codes)})",
        **_json(_ref("Error")),
        "x-error-codes": codes,
    }


COMMON_ERRORS = {
    "401": _error("No token, or a token that is unknown or revoked", ["unauthenticated"]),
    "403": _error("The token's role may not do this", ["forbidden"]),
    "503": _error("The database is not answering", ["database_unavailable"]),
}
PAGE_PARAMS = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
    },
]
LIST_ERRORS = {"422": _error("A paging parameter is not valid", ["validation_failed"])}
BAD_BODY = {"400": _error("The body is not a JSON object", ["malformed_request"])}
NOT_FOUND = {"404": _error("No such record", ["not_found"])}


def _op(summary, roles, responses, *, params=None, body=None, tag=None) -> dict:
    op = {
        "summary": summary,
        "description": f"Roles: {', '.join(roles)}.",
        "tags": [tag] if tag else [],
        "security": [{"bearer": []}],
        "responses": {**responses, **COMMON_ERRORS},
    }
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = {"required": True, **_json(body)}
    return op


def _id_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _page_of(schema: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total"],
        "properties": {
            "items": {"type": "array", "items": _ref(schema)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
    }


def _obj(required: list[str], properties: dict) -> dict:
    return {"type": "object", "required": required, "properties": properties}


STR = {"type": "string"}
NAME = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"}
UKPRN = {"type": "string", "pattern": "^1[0-9]{7}$"}
EMAIL = {"type": "string", "format": "email", "maxLength": 254}
INT = {"type": "integer"}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
ROLE = {"type": "string", "enum": ["admin", "staff", "assessor"]}

SCHEMAS = {
    "Error": _obj(
        ["error"],
        {
            "error": _obj(
                ["code", "message", "fields"],
                {
                    "code": STR,
                    "message": STR,
                    "fields": {"type": "object", "additionalProperties": STR},
                },
            )
        },
    ),
    "VersionSummary": _obj(
        ["version", "earliest_start_date", "latest_start_date"],
        {"version": STR, "earliest_start_date": DATE, "latest_start_date": NULLABLE_DATE},
    ),
    "Standard": _obj(
        ["reference", "title", "level", "versions"],
        {
            "reference": STR,
            "title": STR,
            "level": INT,
            "versions": {"type": "array", "items": _ref("VersionSummary")},
        },
    ),
    "Criterion": _obj(
        ["id", "theme", "ksbs", "grade", "text"],
        {
            "id": STR,
            "theme": STR,
            "ksbs": {"type": "array", "items": STR},
            "grade": {"type": "string", "enum": ["pass", "distinction"]},
            "text": STR,
        },
    ),
    "Method": _obj(
        ["code", "name", "duration_minutes", "earliest_days_after_gateway", "min_notice_days"],
        {
            "code": STR,
            "name": STR,
            "duration_minutes": INT,
            "earliest_days_after_gateway": INT,
            "min_notice_days": INT,
            "criteria": {"type": "array", "items": _ref("Criterion")},
        },
    ),
    "Version": _obj(
        ["reference", "version", "ksbs", "plan"],
        {
            "reference": STR,
            "title": STR,
            "level": INT,
            "version": STR,
            "earliest_start_date": DATE,
            "latest_start_date": NULLABLE_DATE,
            "change": STR,
            "ksbs": {
                "type": "array",
                "items": _obj(
                    ["code", "kind", "text"],
                    {
                        "code": STR,
                        "kind": {"type": "string", "enum": ["knowledge", "skill", "behaviour"]},
                        "text": STR,
                    },
                ),
            },
            "plan": _obj(
                ["methods", "grading"],
                {
                    "min_months_before_gateway": INT,
                    "epa_period_months": INT,
                    "resit_within_months": INT,
                    "retake_within_months": INT,
                    "retry_grade_cap": STR,
                    "methods": {"type": "array", "items": _ref("Method")},
                    "grading": _obj(
                        ["method_grades", "overall"],
                        {
                            "method_grades": {"type": "array", "items": STR},
                            "overall": {
                                "type": "array",
                                "items": {"type": "object", "additionalProperties": STR},
                            },
                        },
                    ),
                },
            ),
        },
    ),
    "Employer": _obj(["id", "name"], {"id": INT, "name": STR}),
    "Provider": _obj(["id", "name", "ukprn"], {"id": INT, "name": STR, "ukprn": UKPRN}),
    "User": _obj(
        ["id", "email", "name", "role"], {"id": INT, "email": STR, "name": STR, "role": ROLE}
    ),
}

ALL = ["admin", "staff", "assessor"]
OFFICE = ["admin", "staff"]

PATHS = {
    "/api/v1/standards": {
        "get": _op(
            "List standards and their versions",
            ALL,
            {
                "200": {"description": "A page of standards", **_json(_page_of("Standard"))},
                **LIST_ERRORS,
            },
            params=PAGE_PARAMS,
            tag="Standards",
        )
    },
    "/api/v1/standards/{reference}/versions/{version}": {
        "get": _op(
            "A version's KSBs, assessment plan and grading table",
            ALL,
            {"200": {"description": "The version", **_json(_ref("Version"))}, **NOT_FOUND},
            params=[
                {"name": "reference", "in": "path", "required": True, "schema": STR},
                {"name": "version", "in": "path", "required": True, "schema": STR},
            ],
            tag="Standards",
        )
    },
    "/api/v1/employers": {
        "get": _op(
            "List employers",
            OFFICE,
            {
                "200": {"description": "A page of employers", **_json(_page_of("Employer"))},
                **LIST_ERRORS,
            },
            params=PAGE_PARAMS,
            tag="Organisations",
        ),
        "post": _op(
            "Register an employer",
            OFFICE,
            {
                "201": {"description": "Created", **_json(_ref("Employer"))},
                **BAD_BODY,
                "409": _error("An employer with that name exists", ["duplicate_employer"]),
                "422": _error("The name is missing", ["validation_failed"]),
            },
            body=_obj(["name"], {"name": NAME}),
            tag="Organisations",
        ),
    },
    "/api/v1/employers/{employer_id}": {
        "get": _op(
            "One employer",
            OFFICE,
            {"200": {"description": "The employer", **_json(_ref("Employer"))}, **NOT_FOUND},
            params=[_id_param("employer_id")],
            tag="Organisations",
        )
    },
    "/api/v1/providers": {
        "get": _op(
            "List training providers",
            OFFICE,
            {
                "200": {"description": "A page of providers", **_json(_page_of("Provider"))},
                **LIST_ERRORS,
            },
            params=PAGE_PARAMS,
            tag="Organisations",
        ),
        "post": _op(
            "Register a training provider",
            OFFICE,
            {
                "201": {"description": "Created", **_json(_ref("Provider"))},
                **BAD_BODY,
                "409": _error("The UKPRN is already registered", ["duplicate_ukprn"]),
                "422": _error("A field is not valid", ["invalid_ukprn", "validation_failed"]),
            },
            body=_obj(["name", "ukprn"], {"name": NAME, "ukprn": UKPRN}),
            tag="Organisations",
        ),
    },
    "/api/v1/providers/{provider_id}": {
        "get": _op(
            "One training provider",
            OFFICE,
            {"200": {"description": "The provider", **_json(_ref("Provider"))}, **NOT_FOUND},
            params=[_id_param("provider_id")],
            tag="Organisations",
        )
    },
    "/api/v1/users": {
        "get": _op(
            "List users",
            ["admin"],
            {"200": {"description": "A page of users", **_json(_page_of("User"))}, **LIST_ERRORS},
            params=PAGE_PARAMS,
            tag="Users",
        ),
        "post": _op(
            "Add a user",
            ["admin"],
            {
                "201": {"description": "Created", **_json(_ref("User"))},
                **BAD_BODY,
                "409": _error("The email is taken", ["duplicate_email"]),
                "422": _error("A field is not valid", ["validation_failed"]),
            },
            body=_obj(
                ["email", "name", "role", "password"],
                {"email": EMAIL, "name": NAME, "role": ROLE, "password": {**STR, "minLength": 12}},
            ),
            tag="Users",
        ),
    },
    "/api/v1/users/{user_id}": {
        "get": _op(
            "One user",
            ["admin"],
            {"200": {"description": "The user", **_json(_ref("User"))}, **NOT_FOUND},
            params=[_id_param("user_id")],
            tag="Users",
        )
    },
    "/api/v1/openapi.json": {
        "get": {
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI document"}},
        }
    },
}


def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "End-point assessment API",
            "version": "1.0.0",
            "description": "Everything the pages do, for EPAOs that automate their work.",
        },
        "servers": [{"url": "/"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document."""
    return jsonify(document())
