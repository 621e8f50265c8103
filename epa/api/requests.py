"""Reading API requests: JSON bodies, pagination and typed fields."""

from flask import current_app, request

from epa.errors import ServiceError
from epa.guards import unstorable
from epa.pagination import fetch_page
from epa.shape_columns import as_columns

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000


def json_body() -> dict:
    """The request body as a JSON object, or a 400 malformed_request."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nesting deep enough to exhaust the parser
        data = None
    if not isinstance(data, dict):
        raise ServiceError(
            "malformed_request",
            "The request body must be a JSON object sent as application/json.",
            status=400,
        )
    for field, value in data.items():
        if _holds_unstorable_text(field) or _holds_unstorable_text(value):
            raise ServiceError(
                "validation_failed",
                f"'{field}' contains characters that cannot be stored (a null character or "
                "broken Unicode); remove them.",
                fields={str(field): "Contains a null character or broken Unicode"},
            )
    return data


def _holds_unstorable_text(value, depth: int = 0) -> bool:
    if isinstance(value, str):
        return unstorable(value)
    if depth > 20:
        return True
    if isinstance(value, dict):
        return any(
            _holds_unstorable_text(k, depth + 1) or _holds_unstorable_text(v, depth + 1)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_holds_unstorable_text(v, depth + 1) for v in value)
    return False


def _whole_number(name: str, default: int, largest: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= largest:
        raise ServiceError(
            "validation_failed",
            f"'{name}' must be a whole number from 1 to {largest}.",
            fields={name: f"Must be a whole number from 1 to {largest}"},
        )
    return int(raw)


def page_args() -> tuple[int, int]:
    return _whole_number("page", 1, MAX_PAGE), _whole_number("per_page", 50, MAX_PER_PAGE)


def paginate(query, shape) -> dict:
    """Run a select for one page and count the whole; the contract's list body, each item in
    the response's shape (read as plain columns where the shape allows)."""
    page, per_page = page_args()
    columns = as_columns(query, shape)
    if columns is None:
        rows, total = fetch_page(query, page, per_page)
        items = shape.many(rows)
    else:
        rows, total = fetch_page(columns.query, page, per_page, counted=query)
        items = [columns.to_item(row) for row in rows]
        if current_app.config.get("CHECK_SHAPE_COLUMNS"):
            _check_columns(query, shape, page, per_page, (items, total))
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
    }


def _check_columns(query, shape, page: int, per_page: int, made: tuple) -> None:
    """The answer read from columns must be the one the ORM and pydantic give."""
    rows, total = fetch_page(query, page, per_page)
    expected = (shape.many(rows), total)
    if made != expected:
        raise AssertionError(
            f"{shape.__name__} read from columns differs from the ORM's: {made!r} != {expected!r}"
        )
