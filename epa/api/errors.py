"""The API's one error body: {"error": {"code", "message", "fields"}}."""

from flask import jsonify

from epa.shapes import Shape


class ErrorDetail(Shape):
    code: str
    message: str
    #: what to fix, by field name (a list's items as `name.0.field`)
    fields: dict[str, str]


class Error(Shape):
    """Every refusal's body; `code` is the contract's error code."""

    error: ErrorDetail


DEFAULTS = {
    400: ("malformed_request", "The request body must be a JSON object."),
    401: ("unauthenticated", "Send a valid API token as 'Authorization: Bearer <token>'."),
    403: ("forbidden", "Your role may not do this."),
    404: ("not_found", "There is nothing at this address."),
    405: ("method_not_allowed", "This address does not accept that HTTP method."),
    413: ("file_too_large", "The request is larger than this service accepts."),
    414: ("uri_too_long", "The address is too long; send fewer or shorter query parameters."),
    415: ("malformed_request", "Send the body as application/json."),
    422: ("validation_failed", "Some fields are missing or not valid."),
    429: ("rate_limited", "Too many requests; try again after the time Retry-After gives."),
    500: ("internal_error", "Something went wrong on our side; it has been logged. Try again."),
    503: ("database_unavailable", "The database is not answering; try again shortly."),
}


def api_error_response(
    status: int,
    code: str | None = None,
    message: str | None = None,
    fields: dict | None = None,
    **extra,
):
    """A JSON error response; status codes without a contract code fall back to a generic one."""
    default_code, default_message = DEFAULTS.get(
        status, ("http_error", "The request could not be completed.")
    )
    body = {
        "error": {
            "code": code or default_code,
            "message": message or default_message,
            "fields": fields or {},
            **extra,
        }
    }
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="epa"'
    return response
