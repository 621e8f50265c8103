"""Hand-written parts of the OpenAPI document for operations not yet declared with typed shapes.

Each feature moves out of here as it declares its shapes (epa/api/contract.py); then this goes."""

from epa.apprentices.models import STATUSES
from epa.rules.gateway import LEVELS, REASON_CODES, WARNING_CODES


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
    "400": _error("The body or a query parameter cannot be read", ["malformed_request"]),
    "401": _error("No token, or a token that is unknown or revoked", ["unauthenticated"]),
    "403": _error("The token's role may not do this", ["forbidden"]),
    "405": _error("The address does not take that method", ["method_not_allowed"]),
    "413": _error("The request body is too large", ["file_too_large"]),
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
BOOL = {"type": "boolean"}
REASON = {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "\\S"}
ULN = {"type": "string", "pattern": "^[1-9][0-9]{9}$"}
LEVEL = {"type": "string", "enum": list(LEVELS)}
NAME = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"}
PERSON_NAME = {**NAME, "maxLength": 100}
UKPRN = {"type": "string", "pattern": "^1[0-9]{7}$"}
EMAIL = {"type": "string", "format": "email", "maxLength": 254}
INT = {"type": "integer"}
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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
    "ImportError": _obj(
        ["error"],
        {
            "error": _obj(
                ["code", "message", "fields"],
                {
                    "code": STR,
                    "message": STR,
                    "fields": {"type": "object", "additionalProperties": STR},
                    "rows": {
                        "type": "array",
                        "description": "import_rejected only: every problem in the file",
                        "items": _obj(
                            ["row", "column", "message"],
                            {
                                "row": {
                                    "type": "integer",
                                    "description": "The spreadsheet's row number (header: 1)",
                                },
                                "column": {
                                    "type": "string",
                                    "description": "The column's header; empty for the row",
                                },
                                "message": STR,
                            },
                        ),
                    },
                },
            )
        },
    ),
    "Apprentice": _obj(
        [
            "id",
            "uln",
            "given_names",
            "family_name",
            "date_of_birth",
            "employer_id",
            "provider_id",
            "standard",
            "version",
            "start_date",
            "ehc_plan",
            "status",
        ],
        {
            "id": INT,
            "uln": {"type": "string", "pattern": "^[0-9]{10}$"},
            "given_names": STR,
            "family_name": STR,
            "date_of_birth": DATE,
            "email": {"type": ["string", "null"]},
            "employer_id": INT,
            "provider_id": INT,
            "standard": STR,
            "version": STR,
            "start_date": DATE,
            "ehc_plan": BOOL,
            "status": {"type": "string", "enum": list(STATUSES)},
            "gateway_date": NULLABLE_DATE,
            "epa_deadline": NULLABLE_DATE,
            "epa_round": {
                **INT,
                "description": "1, then one more each time an administrator restarts the EPA",
            },
            "epa_started_on": {
                **NULLABLE_DATE,
                "description": "The first day of the current EPA period: the gateway date, or "
                "the London date of the last restart",
            },
            "withdrawn_reason": {"type": ["string", "null"]},
        },
    ),
    "GatewayAttempt": _obj(
        ["id", "gateway_date", "passed", "reasons", "warnings", "epa_deadline"],
        {
            "id": INT,
            "gateway_date": DATE,
            "english": LEVEL,
            "maths": LEVEL,
            "bsl": BOOL,
            "employer_confirmed": BOOL,
            "provider_confirmed": BOOL,
            "project_summary_submitted": BOOL,
            "portfolio_submitted": {
                **BOOL,
                "description": "Recorded and shown; no longer a gateway requirement",
            },
            "passed": BOOL,
            "reasons": {
                "type": "array",
                "items": {"type": "string", "enum": list(REASON_CODES)},
                "description": "Unmet requirements; portfolio_missing appears only on attempts "
                "recorded before the published rules (a portfolio is no longer required)",
            },
            "warnings": {
                "type": "array",
                "items": {"type": "string", "enum": list(WARNING_CODES)},
                "description": "Noted, not failed on: long_time_on_programme when the gateway "
                "is more than the version's max_months_before_gateway after the start date",
            },
            "epa_deadline": NULLABLE_DATE,
            "recorded_at": {"type": "string", "format": "date-time"},
        },
    ),
}

ALL = ["admin", "staff", "assessor"]
OFFICE = ["admin", "staff"]
APPRENTICE_BODY = _obj(
    [
        "uln",
        "given_names",
        "family_name",
        "date_of_birth",
        "employer_id",
        "provider_id",
        "standard",
        "start_date",
    ],
    {
        "uln": ULN,
        "given_names": PERSON_NAME,
        "family_name": PERSON_NAME,
        "date_of_birth": DATE,
        "email": {"type": ["string", "null"], "format": "email"},
        "employer_id": {"type": "integer", "minimum": 1},
        "provider_id": {"type": "integer", "minimum": 1},
        "standard": {"type": "string", "examples": ["ST0825"]},
        "start_date": DATE,
        "ehc_plan": BOOL,
    },
)

PATHS = {
    "/api/v1/apprentices": {
        "get": _op(
            "Search apprentices by exact ULN or name; filter by status",
            ALL,
            {
                "200": {"description": "A page of apprentices", **_json(_page_of("Apprentice"))},
                "422": _error("A filter or paging parameter is not valid", ["validation_failed"]),
            },
            params=[
                {
                    "name": "q",
                    "in": "query",
                    "schema": STR,
                    "description": "A ULN (exact) or words of the name (case-insensitive)",
                },
                {
                    "name": "status",
                    "in": "query",
                    "schema": {"type": "string", "enum": list(STATUSES)},
                },
                *PAGE_PARAMS,
            ],
            tag="Apprentices",
        ),
        "post": _op(
            "Register an apprentice",
            OFFICE,
            {
                "201": {"description": "Registered", **_json(_ref("Apprentice"))},
                **BAD_BODY,
                "409": _error("Already registered on that standard", ["duplicate_apprentice"]),
                "422": _error(
                    "A field is missing or not valid",
                    [
                        "invalid_uln",
                        "no_version_for_start_date",
                        "unknown_standard",
                        "invalid_date",
                        "validation_failed",
                    ],
                ),
            },
            body=APPRENTICE_BODY,
            tag="Apprentices",
        ),
    },
    "/api/v1/apprentices/{apprentice_id}": {
        "get": _op(
            "One apprentice",
            ALL,
            {"200": {"description": "The apprentice", **_json(_ref("Apprentice"))}, **NOT_FOUND},
            params=[_id_param("apprentice_id")],
            tag="Apprentices",
        ),
        "patch": _op(
            "Change an apprentice's details; a new start date re-chooses the version from the "
            "start date (undoing any change of version made since)",
            OFFICE,
            {
                "200": {"description": "The changed apprentice", **_json(_ref("Apprentice"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error(
                    "Conflicts with existing data",
                    ["epa_started", "gateway_already_passed", "duplicate_apprentice"],
                ),
                "422": _error(
                    "A field is not valid",
                    [
                        "invalid_uln",
                        "no_version_for_start_date",
                        "invalid_date",
                        "validation_failed",
                    ],
                ),
            },
            params=[_id_param("apprentice_id")],
            body={**APPRENTICE_BODY, "required": []},
            tag="Apprentices",
        ),
    },
    "/api/v1/apprentices/{apprentice_id}/withdraw": {
        "post": _op(
            "Withdraw an apprentice from end-point assessment",
            OFFICE,
            {
                "200": {"description": "The withdrawn apprentice", **_json(_ref("Apprentice"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error(
                    "Completed or already withdrawn", ["apprentice_completed", "already_withdrawn"]
                ),
                "422": _error("The reason is missing", ["validation_failed"]),
            },
            params=[_id_param("apprentice_id")],
            body=_obj(["reason"], {"reason": REASON}),
            tag="Apprentices",
        )
    },
    "/api/v1/apprentices/{apprentice_id}/version": {
        "post": _op(
            "Move an apprentice to a later version of their standard, with a reason, while no "
            "assessment is booked (cancelled ones do not count); later gateway attempts use the "
            "new version's plan. A later change of start_date chooses the version from the "
            "start date again",
            ["admin"],
            {
                "200": {"description": "The apprentice", **_json(_ref("Apprentice"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error(
                    "An assessment is booked or held, or the apprentice is completed or withdrawn",
                    ["assessments_exist", "apprentice_completed", "already_withdrawn"],
                ),
                "422": _error(
                    "The version is not a later version of the standard, or the reason is missing",
                    ["invalid_version", "validation_failed"],
                ),
            },
            params=[_id_param("apprentice_id")],
            body=_obj(
                ["version", "reason"],
                {
                    "version": {
                        "type": "string",
                        "minLength": 1,
                        "description": "A later version of the apprentice's standard; "
                        "versions compare number by number (1.10 is later than 1.9)",
                        "examples": ["1.1"],
                    },
                    "reason": REASON,
                },
            ),
            tag="Apprentices",
        )
    },
    "/api/v1/apprentices/{apprentice_id}/gateway": {
        "get": _op(
            "Every gateway attempt, newest first",
            ALL,
            {
                "200": {"description": "A page of attempts", **_json(_page_of("GatewayAttempt"))},
                **NOT_FOUND,
                **LIST_ERRORS,
            },
            params=[_id_param("apprentice_id"), *PAGE_PARAMS],
            tag="Gateway",
        ),
        "post": _op(
            "Record a gateway attempt; the rules decide whether it passes",
            OFFICE,
            {
                "201": {
                    "description": "The attempt, passed or not",
                    **_json(_ref("GatewayAttempt")),
                },
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error("Gateway already passed", ["gateway_already_passed"]),
                "422": _error(
                    "A field is not valid, or the apprentice is withdrawn",
                    ["invalid_date", "apprentice_withdrawn", "validation_failed"],
                ),
            },
            params=[_id_param("apprentice_id")],
            body=_obj(
                ["gateway_date", "english", "maths"],
                {
                    "gateway_date": DATE,
                    "english": LEVEL,
                    "maths": LEVEL,
                    "bsl": BOOL,
                    "employer_confirmed": BOOL,
                    "provider_confirmed": BOOL,
                    "project_summary_submitted": BOOL,
                    "portfolio_submitted": BOOL,
                },
            ),
            tag="Gateway",
        ),
    },
    "/api/v1/imports/apprentices/template.xlsx": {
        "get": _op(
            "The apprentices import template: one sheet holding only the header row",
            OFFICE,
            {
                "200": {
                    "description": "An xlsx file whose header row is ULN, Given names, "
                    "Family name, Date of birth, Email, Employer, Provider UKPRN, Standard, "
                    "Start date, EHC plan",
                    "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                },
            },
            tag="Imports",
        )
    },
    "/api/v1/imports/apprentices": {
        "post": {
            **_op(
                "Register every apprentice in a filled-in template, or none of them",
                OFFICE,
                {
                    "201": {
                        "description": "Every row was registered",
                        **_json(_obj(["created"], {"created": INT})),
                    },
                    "422": {
                        "description": "Nothing was registered (error codes: import_rejected: "
                        "some rows break the registration rules, every problem is in "
                        "`error.rows`; unreadable_file: not a readable .xlsx file; "
                        "wrong_columns: the header row is not the template's; no_rows; "
                        "too_many_rows: over 20,000 apprentices; validation_failed: no `file`)",
                        **_json(_ref("ImportError")),
                        "x-error-codes": [
                            "import_rejected",
                            "unreadable_file",
                            "wrong_columns",
                            "no_rows",
                            "too_many_rows",
                            "validation_failed",
                        ],
                    },
                },
                tag="Imports",
            ),
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": _obj(
                            ["file"],
                            {
                                "file": {
                                    "type": "string",
                                    "format": "binary",
                                    "description": "The filled-in template (.xlsx, at most "
                                    "10 MB and 20,000 rows); dates as date cells or YYYY-MM-DD "
                                    "text, EHC plan Yes or No",
                                }
                            },
                        )
                    }
                },
            },
        }
    },
}
