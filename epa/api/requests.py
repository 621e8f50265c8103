"""Reading API requests: JSON bodies, pagination and typed fields."""

from flask import request

from epa.errors import ServiceError
from epa.pagination import fetch_page

MAX_PER_PAGE = 200


def json_body() -> dict:
    """The request body as a JSON object, or a 400 malformed_request."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ServiceError(
            "malformed_request",
            "The request body must be a JSON object sent as application/json.",
            status=400,
        )
    return data


def _positive_int(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ServiceError(
            "validation_failed",
            f"'{name}' must be a whole number of 1 or more.",
            fields={name: "Must be a whole number of 1 or more"},
        )
    return int(raw)


def page_args() -> tuple[int, int]:
    page = _positive_int("page", 1)
    per_page = _positive_int("per_page", 50)
    if per_page > MAX_PER_PAGE:
        raise ServiceError(
            "validation_failed",
            f"'per_page' may be at most {MAX_PER_PAGE}.",
            fields={"per_page": f"Must be at most {MAX_PER_PAGE}"},
        )
    return page, per_page


def paginate(query, serialise) -> dict:
    """Run a select for one page and count the whole; the contract's list body."""
    page, per_page = page_args()
    rows, total = fetch_page(query, page, per_page)
    return {
        "items": [serialise(row) for row in rows],
        "page": page,
        "per_page": per_page,
        "total": total,
    }
