"""Hand-written parts of the OpenAPI document for operations not yet declared with typed shapes.

Each feature moves out of here as it declares its shapes (epa/api/contract.py); then this goes."""

from epa.apprentices.models import STATUSES
from epa.audit.queries import ENTITIES
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
INSTANT = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601; without an offset, Europe/London wall-clock time",
}
LOCAL_INSTANT = {
    "type": "string",
    "description": "ISO 8601 date and time; without an offset it is Europe/London wall-clock "
    "time, refused (invalid_local_time) when the clocks skip or repeat it",
    "examples": ["2026-12-10T10:00", "2026-12-10T10:00:00+00:00"],
}
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
    "Sourced": _obj(
        ["source", "reference"],
        {
            "source": {
                "type": "string",
                "enum": ["published", "epao"],
                "description": "published: a published source's words or figure; epao: the "
                "EPAO's own wording or reading, where nothing is published",
            },
            "reference": {
                "type": "string",
                "description": "The published source (with its trust), or why the EPAO's own is "
                "used",
            },
        },
    ),
    "FactSources": {
        "type": "object",
        "description": "Where each fact comes from, by the fact's name "
        "(grading facts as grading.method_grades, grading.overall_grades, grading.overall)",
        "additionalProperties": _ref("Sourced"),
    },
    "Theme": {
        "allOf": [
            _ref("Sourced"),
            _obj(
                ["name", "ksbs", "ksbs_source", "ksbs_reference"],
                {
                    "name": STR,
                    "ksbs": {"type": "array", "items": STR},
                    "ksbs_source": {
                        "type": "string",
                        "enum": ["published", "epao"],
                        "description": "Where the theme's KSB grouping comes from; it may be "
                        "the EPAO's reading where the theme's words are published",
                    },
                    "ksbs_reference": STR,
                },
            ),
        ]
    },
    "Criterion": {
        "allOf": [
            _ref("Sourced"),
            _obj(
                ["id", "theme", "ksbs", "grade", "text"],
                {
                    "id": STR,
                    "theme": {
                        "type": "string",
                        "description": "The name of one of the method's themes",
                    },
                    "ksbs": {"type": "array", "items": STR},
                    "grade": {"type": "string", "enum": ["pass", "distinction"]},
                    "text": STR,
                },
            ),
        ]
    },
    "Method": _obj(
        [
            "code",
            "name",
            "duration_minutes",
            "earliest_days_after_gateway",
            "min_notice_days",
            "sources",
            "themes",
        ],
        {
            "code": STR,
            "name": STR,
            "duration_minutes": INT,
            "earliest_days_after_gateway": INT,
            "min_notice_days": INT,
            "sources": _ref("FactSources"),
            "themes": {"type": "array", "items": _ref("Theme")},
            "criteria": {"type": "array", "items": _ref("Criterion")},
        },
    ),
    "CitedSource": _obj(
        ["code", "description", "trust"],
        {
            "code": {"type": "string", "description": "How references cite it, such as S2"},
            "description": STR,
            "trust": {
                "type": "string",
                "enum": ["official", "provider", "apprentice"],
                "description": "Who wrote it: the Institute (official), a training provider or "
                "EPAO, or an apprentice's own notes",
            },
            "address": STR,
        },
    ),
    "Version": _obj(
        ["reference", "version", "ksbs", "plan", "plan_note", "sources"],
        {
            "reference": STR,
            "title": STR,
            "level": INT,
            "version": STR,
            "earliest_start_date": DATE,
            "latest_start_date": NULLABLE_DATE,
            "change": STR,
            "sources": {
                "type": "array",
                "description": "The sources that the plan's references cite",
                "items": _ref("CitedSource"),
            },
            "plan_note": {
                "description": "A note on the whole plan, such as a plan carried over from an "
                "earlier version until its revision is published; null when there is none",
                "oneOf": [
                    {"type": "null"},
                    {"allOf": [_ref("Sourced"), _obj(["text"], {"text": STR})]},
                ],
            },
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
                ["methods", "grading", "sources"],
                {
                    "min_months_before_gateway": INT,
                    "max_months_before_gateway": INT,
                    "epa_period_months": INT,
                    "resit_within_months": INT,
                    "retake_within_months": INT,
                    "all_methods_within_months": INT,
                    "retry_grade_cap": STR,
                    "sources": _ref("FactSources"),
                    "methods": {"type": "array", "items": _ref("Method")},
                    "grading": _obj(
                        ["method_grades", "overall"],
                        {
                            "method_grades": {"type": "array", "items": STR},
                            "overall_grades": {"type": "array", "items": STR},
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
    "Assessment": _obj(
        [
            "id",
            "apprentice_id",
            "method",
            "assessor_id",
            "starts_at",
            "ends_at",
            "location",
            "status",
            "attempt",
            "retry",
            "sequence",
        ],
        {
            "id": INT,
            "apprentice_id": INT,
            "method": STR,
            "assessor_id": INT,
            "starts_at": INSTANT,
            "ends_at": INSTANT,
            "location": {"type": ["string", "null"]},
            "status": {"type": "string", "enum": ["booked", "cancelled"]},
            "attempt": {
                **INT,
                "description": "Counts sittings of the method within its EPA (cancelled ones "
                "left out); a restarted EPA starts again at 1",
            },
            "retry": {"type": ["string", "null"], "enum": ["resit", "retake", None]},
            "epa_round": {**INT, "description": "The apprentice's EPA it was booked in"},
            "counted": {
                **BOOL,
                "description": "False once the EPA it belongs to was restarted: it stays on "
                "record but no longer counts",
            },
            "exceptional_circumstances": BOOL,
            "backdated": BOOL,
            "sequence": INT,
            "cancel_reason": {"type": ["string", "null"]},
        },
    ),
    "Conflict": _obj(
        ["id", "assessor_id", "employer_id", "provider_id"],
        {
            "id": INT,
            "assessor_id": INT,
            "employer_id": {"type": ["integer", "null"]},
            "provider_id": {"type": ["integer", "null"]},
            "organisation": STR,
        },
    ),
    "Unavailability": _obj(
        ["id", "assessor_id", "starts_at", "ends_at", "reason"],
        {"id": INT, "assessor_id": INT, "starts_at": INSTANT, "ends_at": INSTANT, "reason": STR},
    ),
    "Result": _obj(
        ["method_grade", "submitted"],
        {
            "assessment_id": INT,
            "criteria": {"type": "object", "additionalProperties": {"type": "boolean"}},
            "comments": {"type": ["string", "null"]},
            "method_grade": {
                "type": ["string", "null"],
                "enum": ["fail", "pass", "distinction", None],
                "description": "As judged, also for a resit or retake: the retry cap applies "
                "to the outcome's overall grade",
            },
            "submitted": BOOL,
            "submitted_at": {"type": ["string", "null"], "format": "date-time"},
            "criteria_judged": {
                "type": ["array", "null"],
                "items": _ref("Criterion"),
                "description": "Once submitted: the method's criteria as they stood at "
                "submission, in the plan's order, which `criteria` judges; a later change to "
                "the plan does not alter them. Null for a draft, judged against the method's "
                "criteria today",
            },
        },
    ),
    "Outcome": _obj(
        [
            "methods",
            "overall_grade",
            "uncapped_grade",
            "capped",
            "cap_reason",
            "status",
            "achievement_date",
            "confirmed_by",
        ],
        {
            "methods": {
                "type": "object",
                "description": "Each method's latest submitted attempt; nulls until there is one",
                "additionalProperties": _obj(
                    ["grade", "attempt", "retry"],
                    {
                        "grade": {"type": ["string", "null"]},
                        "attempt": {"type": ["integer", "null"]},
                        "retry": {"type": ["string", "null"]},
                    },
                ),
            },
            "overall_grade": {
                "type": ["string", "null"],
                "description": "From the grading table over each method's latest submitted "
                "grade, at most the plan's retry_grade_cap when any counted attempt is a resit "
                "or retake booked without exceptional circumstances; as confirmed once confirmed",
            },
            "uncapped_grade": {
                "type": ["string", "null"],
                "description": "The grading table's grade without the retry cap",
            },
            "capped": {**BOOL, "description": "True when the retry cap lowered the grade"},
            "cap_reason": {
                "type": ["string", "null"],
                "description": "Why the grade was capped, in plain words; null when not capped",
            },
            "status": {"type": "string", "enum": ["incomplete", "provisional", "confirmed"]},
            "achievement_date": NULLABLE_DATE,
            "epa_date": NULLABLE_DATE,
            "confirmed_by": {"type": ["object", "null"]},
            "epa_round": {**INT, "description": "The apprentice's EPA this outcome is of"},
        },
    ),
    "AuditEvent": _obj(
        [
            "id",
            "occurred_at",
            "entity",
            "entity_id",
            "action",
            "actor",
            "channel",
            "before",
            "after",
            "reason",
        ],
        {
            "id": INT,
            "occurred_at": {"type": "string", "format": "date-time"},
            "entity": {"type": "string", "enum": list(ENTITIES)},
            "entity_id": STR,
            "action": {
                "type": "string",
                "description": "create, update, delete, or a named action such as withdraw "
                "or change_version",
            },
            "actor": {
                "type": ["object", "null"],
                "description": "The user who made the change; null for the command line",
                "required": ["id", "name"],
                "properties": {"id": INT, "name": STR},
            },
            "channel": {"type": "string", "enum": ["web", "api", "cli"]},
            "before": {
                "type": ["object", "null"],
                "description": "The changed fields as they were (null for a create)",
            },
            "after": {
                "type": ["object", "null"],
                "description": "The changed fields as they became (null for a delete)",
            },
            "reason": {"type": ["string", "null"]},
        },
    ),
}

ALL = ["admin", "staff", "assessor"]
OFFICE = ["admin", "staff"]
BOOKING_REFUSALS = [
    "gateway_not_passed",
    "unknown_method",
    "not_an_assessor",
    "in_the_past",
    "outside_epa_period",
    "epa_time_limit_passed",
    "insufficient_notice",
    "apprentice_withdrawn",
    "non_working_day",
    "outside_working_hours",
    "backdated_not_held",
    "invalid_local_time",
    "retry_not_allowed",
    "retry_window_passed",
    "retry_required",
    "validation_failed",
]
BOOKING_CONFLICTS = [
    "assessor_double_booked",
    "apprentice_double_booked",
    "assessor_unavailable",
    "assessor_conflict_of_interest",
    "method_already_booked",
    "earlier_epa",
    "version_changed",
]
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
    "/api/v1/assessments": {
        "get": _op(
            "Assessments by start time; assessors see only their own",
            ALL,
            {
                "200": {"description": "A page of assessments", **_json(_page_of("Assessment"))},
                "422": _error("A filter is not valid", ["invalid_date", "validation_failed"]),
            },
            params=[
                {"name": "assessor_id", "in": "query", "schema": INT},
                {"name": "apprentice_id", "in": "query", "schema": INT},
                {"name": "from", "in": "query", "schema": DATE},
                {"name": "to", "in": "query", "schema": DATE},
                {
                    "name": "status",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["booked", "cancelled"]},
                },
                *PAGE_PARAMS,
            ],
            tag="Assessments",
        ),
        "post": _op(
            "Book an assessment method with an assessor",
            OFFICE,
            {
                "201": {"description": "Booked", **_json(_ref("Assessment"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error(
                    "Clashes with the diary or an existing booking, or the EPA was restarted "
                    "(earlier_epa) or the apprentice's version changed (version_changed) while "
                    "it was being booked",
                    BOOKING_CONFLICTS,
                ),
                "422": _error("A rule or field refuses the booking", BOOKING_REFUSALS),
            },
            body=_obj(
                ["apprentice_id", "method", "assessor_id", "starts_at"],
                {
                    "apprentice_id": INT,
                    "method": STR,
                    "assessor_id": INT,
                    "starts_at": LOCAL_INSTANT,
                    "location": {"type": ["string", "null"], "maxLength": 500},
                    "retry": {"type": ["string", "null"], "enum": ["resit", "retake", None]},
                    "exceptional_circumstances": {
                        **BOOL,
                        "description": "Admin only: lifts the retry cap on the EPA grade and "
                        "the limit of all_methods_within_months from the EPA's first assessment",
                    },
                    "backdated": {**BOOL, "description": "Admin only: an assessment already held"},
                },
            ),
            tag="Assessments",
        ),
    },
    "/api/v1/assessments/{assessment_id}": {
        "get": _op(
            "One assessment",
            ALL,
            {"200": {"description": "The assessment", **_json(_ref("Assessment"))}, **NOT_FOUND},
            params=[_id_param("assessment_id")],
            tag="Assessments",
        ),
        "patch": _op(
            "Reschedule: a new time, assessor or location; the sequence rises",
            OFFICE,
            {
                "200": {"description": "The assessment", **_json(_ref("Assessment"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error(
                    "Clashes with the diary, graded, or of an earlier EPA (restarted since)",
                    [*BOOKING_CONFLICTS, "result_submitted"],
                ),
                "422": _error(
                    "A rule or field refuses the change",
                    [*BOOKING_REFUSALS, "assessment_cancelled"],
                ),
            },
            params=[_id_param("assessment_id")],
            body=_obj(
                [],
                {
                    "starts_at": LOCAL_INSTANT,
                    "assessor_id": INT,
                    "location": {"type": ["string", "null"], "maxLength": 500},
                    "exceptional_circumstances": {
                        "type": "boolean",
                        "description": "Administrators only: recorded on the booking, it lets "
                        "the move pass the time limit for all methods (and lifts the retry cap "
                        "for it, as on a booking); once recorded it stays",
                    },
                },
            ),
            tag="Assessments",
        ),
    },
    "/api/v1/assessments/{assessment_id}/cancel": {
        "post": _op(
            "Cancel an assessment with a reason; the sequence rises",
            OFFICE,
            {
                "200": {"description": "The cancelled assessment", **_json(_ref("Assessment"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error(
                    "Already cancelled, graded, or of an EPA since restarted",
                    ["already_cancelled", "result_submitted", "earlier_epa"],
                ),
                "422": _error("The reason is missing", ["validation_failed"]),
            },
            params=[_id_param("assessment_id")],
            body=_obj(["reason"], {"reason": REASON}),
            tag="Assessments",
        )
    },
    "/api/v1/assessments/{assessment_id}/invite.ics": {
        "get": _op(
            "The booking's calendar file (METHOD:REQUEST, or METHOD:CANCEL once cancelled)",
            ALL,
            {
                "200": {
                    "description": "An iCalendar file",
                    "content": {"text/calendar": {"schema": {"type": "string"}}},
                },
                **NOT_FOUND,
            },
            params=[_id_param("assessment_id")],
            tag="Assessments",
        )
    },
    "/api/v1/users/{user_id}/conflicts": {
        "get": _op(
            "An assessor's declared conflicts of interest",
            ALL,
            {
                "200": {"description": "A page of conflicts", **_json(_page_of("Conflict"))},
                **NOT_FOUND,
                "422": _error("Not an assessor", ["not_an_assessor", "validation_failed"]),
            },
            params=[_id_param("user_id"), *PAGE_PARAMS],
            tag="Assessors",
        ),
        "post": _op(
            "Declare an employer or provider the assessor may not assess",
            OFFICE,
            {
                "201": {"description": "Recorded", **_json(_ref("Conflict"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error("Already recorded", ["duplicate_conflict"]),
                "422": _error("Not valid", ["not_an_assessor", "validation_failed"]),
            },
            params=[_id_param("user_id")],
            body={
                "type": "object",
                "properties": {"employer_id": INT, "provider_id": INT},
                "description": "Exactly one of employer_id and provider_id",
            },
            tag="Assessors",
        ),
    },
    "/api/v1/users/{user_id}/conflicts/{conflict_id}": {
        "delete": _op(
            "Remove a declared conflict of interest",
            OFFICE,
            {
                "204": {"description": "Removed"},
                **NOT_FOUND,
                "422": _error("Not an assessor", ["not_an_assessor"]),
            },
            params=[_id_param("user_id"), _id_param("conflict_id")],
            tag="Assessors",
        )
    },
    "/api/v1/users/{user_id}/unavailability": {
        "get": _op(
            "An assessor's recorded unavailability",
            ALL,
            {
                "200": {"description": "A page of periods", **_json(_page_of("Unavailability"))},
                **NOT_FOUND,
                "422": _error("Not an assessor", ["not_an_assessor", "validation_failed"]),
            },
            params=[_id_param("user_id"), *PAGE_PARAMS],
            tag="Assessors",
        ),
        "post": _op(
            "Record a time the assessor cannot be booked (assessors: their own)",
            ALL,
            {
                "201": {"description": "Recorded", **_json(_ref("Unavailability"))},
                **BAD_BODY,
                **NOT_FOUND,
                "422": _error(
                    "Not valid", ["not_an_assessor", "invalid_local_time", "validation_failed"]
                ),
            },
            params=[_id_param("user_id")],
            body=_obj(
                ["starts_at", "ends_at", "reason"],
                {"starts_at": LOCAL_INSTANT, "ends_at": LOCAL_INSTANT, "reason": REASON},
            ),
            tag="Assessors",
        ),
    },
    "/api/v1/users/{user_id}/unavailability/{period_id}": {
        "delete": _op(
            "Remove recorded unavailability",
            ALL,
            {
                "204": {"description": "Removed"},
                **NOT_FOUND,
                "422": _error("Not an assessor", ["not_an_assessor"]),
            },
            params=[_id_param("user_id"), _id_param("period_id")],
            tag="Assessors",
        )
    },
    "/api/v1/users/{user_id}/calendar-token": {
        "post": _op(
            "A new private calendar feed address (admin, or the assessor); revokes the old",
            ALL,
            {
                "201": {
                    "description": "The feed address",
                    **_json(_obj(["feed_url"], {"feed_url": {"type": "string", "format": "uri"}})),
                },
                **NOT_FOUND,
                "422": _error("Not an assessor", ["not_an_assessor"]),
            },
            params=[_id_param("user_id")],
            tag="Assessors",
        )
    },
    "/api/v1/assessments/{assessment_id}/result": {
        "get": _op(
            "The result so far",
            ALL,
            {"200": {"description": "The result", **_json(_ref("Result"))}, **NOT_FOUND},
            params=[_id_param("assessment_id")],
            tag="Grading",
        ),
        "put": _op(
            "Save a draft result: judgements merged, null clears one (the booked assessor)",
            ["assessor"],
            {
                "200": {"description": "The draft", **_json(_ref("Result"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error("Submitted results are locked", ["result_locked"]),
                "422": _error(
                    "Not now, or not valid",
                    [
                        "unknown_criterion",
                        "assessment_not_held",
                        "assessment_cancelled",
                        "validation_failed",
                    ],
                ),
            },
            params=[_id_param("assessment_id")],
            body=_obj(
                [],
                {
                    "criteria": {
                        "type": "object",
                        "additionalProperties": {"type": ["boolean", "null"]},
                    },
                    "comments": {"type": ["string", "null"]},
                },
            ),
            tag="Grading",
        ),
    },
    "/api/v1/assessments/{assessment_id}/result/submit": {
        "post": _op(
            "Submit the result: every criterion judged; it is then locked",
            ["assessor"],
            {
                "200": {"description": "The submitted result", **_json(_ref("Result"))},
                **NOT_FOUND,
                "409": _error("Already submitted", ["result_locked"]),
                "422": _error(
                    "Not complete, or not now",
                    ["criteria_incomplete", "assessment_not_held", "assessment_cancelled"],
                ),
            },
            params=[_id_param("assessment_id")],
            tag="Grading",
        )
    },
    "/api/v1/assessments/{assessment_id}/result/reopen": {
        "post": _op(
            "Reopen a submitted result, with a reason; the outcome is un-confirmed",
            ["admin"],
            {
                "200": {"description": "The reopened result", **_json(_ref("Result"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error(
                    "Not submitted, or a later attempt rests on it",
                    ["result_not_submitted", "later_attempt_exists"],
                ),
                "422": _error("The reason is missing", ["validation_failed"]),
            },
            params=[_id_param("assessment_id")],
            body=_obj(["reason"], {"reason": REASON}),
            tag="Grading",
        )
    },
    "/api/v1/apprentices/{apprentice_id}/outcome": {
        "get": _op(
            "Each method's latest submitted grade, the overall grade and the sign-off",
            ALL,
            {"200": {"description": "The outcome", **_json(_ref("Outcome"))}, **NOT_FOUND},
            params=[_id_param("apprentice_id")],
            tag="Grading",
        )
    },
    "/api/v1/apprentices/{apprentice_id}/epa/restart": {
        "post": _op(
            "Restart the whole EPA, with a reason: earlier assessments stay on record (counted: "
            "false) but no longer count for the outcome, retries, method_already_booked, attempt "
            "numbers or the time limit; bookings not yet held are cancelled; the outcome is "
            "incomplete again; a new EPA period (epa_round + 1) starts on today's London date",
            ["admin"],
            {
                "200": {"description": "The new EPA's outcome", **_json(_ref("Outcome"))},
                **BAD_BODY,
                **NOT_FOUND,
                "409": _error(
                    "Completed with a confirmed pass or better", ["apprentice_completed"]
                ),
                "422": _error(
                    "No EPA to restart, or the reason is missing",
                    ["gateway_not_passed", "apprentice_withdrawn", "validation_failed"],
                ),
            },
            params=[_id_param("apprentice_id")],
            body=_obj(["reason"], {"reason": REASON}),
            tag="Grading",
        )
    },
    "/api/v1/apprentices/{apprentice_id}/outcome/confirm": {
        "post": _op(
            "Quality-assurance sign-off of a provisional outcome",
            OFFICE,
            {
                "200": {"description": "The confirmed outcome", **_json(_ref("Outcome"))},
                **NOT_FOUND,
                "409": _error("Already confirmed", ["already_confirmed"]),
                "422": _error("Not complete", ["outcome_incomplete", "apprentice_withdrawn"]),
            },
            params=[_id_param("apprentice_id")],
            tag="Grading",
        )
    },
    "/api/v1/exports/outcomes.xlsx": {
        "get": _op(
            "Confirmed outcomes achieved in a date range, one row per apprentice (sheet Outcomes)",
            OFFICE,
            {
                "200": {
                    "description": "An xlsx file: a header row, then one row per confirmed "
                    "outcome whose achievement date is in the range; dates are date cells and "
                    "text is never a formula",
                    "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                },
                "422": _error(
                    "A date is not a real YYYY-MM-DD date, or the range ends before it starts",
                    ["invalid_date", "validation_failed"],
                ),
            },
            params=[
                {
                    "name": "from",
                    "in": "query",
                    "schema": DATE,
                    "description": "First achievement date (counts); default 12 months before `to`",
                },
                {
                    "name": "to",
                    "in": "query",
                    "schema": DATE,
                    "description": "Last achievement date (counts); default today (London)",
                },
            ],
            tag="Exports",
        )
    },
    "/api/v1/exports/bookings.xlsx": {
        "get": _op(
            "Assessments starting in a date range, cancelled ones included (sheet Bookings)",
            OFFICE,
            {
                "200": {
                    "description": "An xlsx file: a header row, then one row per assessment "
                    "whose start (London date) is in the range, by start time; times are "
                    "London wall-clock date-time cells",
                    "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                },
                "422": _error(
                    "A date is not a real YYYY-MM-DD date, or the range ends before it starts",
                    ["invalid_date", "validation_failed"],
                ),
            },
            params=[
                {
                    "name": "from",
                    "in": "query",
                    "schema": DATE,
                    "description": "First London date (counts); default today (London)",
                },
                {
                    "name": "to",
                    "in": "query",
                    "schema": DATE,
                    "description": "Last London date (counts); default 12 months after `from`",
                },
            ],
            tag="Exports",
        )
    },
    "/api/v1/audit": {
        "get": _op(
            "Who changed which record, when, before and after, and why; newest first",
            ["admin"],
            {
                "200": {"description": "A page of audit events", **_json(_page_of("AuditEvent"))},
                "422": _error(
                    "A filter or paging parameter is not valid",
                    ["validation_failed", "invalid_date"],
                ),
            },
            params=[
                {
                    "name": "entity",
                    "in": "query",
                    "schema": {"type": "string", "enum": list(ENTITIES)},
                    "description": "The record type",
                },
                {
                    "name": "entity_id",
                    "in": "query",
                    "schema": {"type": "string", "maxLength": 64},
                    "description": "The record's id",
                },
                {
                    "name": "user_id",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1},
                    "description": "Only changes made by this user",
                },
                {
                    "name": "from",
                    "in": "query",
                    "schema": DATE,
                    "description": "First London date (counts)",
                },
                {
                    "name": "to",
                    "in": "query",
                    "schema": DATE,
                    "description": "Last London date (counts); not before `from`",
                },
                *PAGE_PARAMS,
            ],
            tag="Audit",
        )
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
