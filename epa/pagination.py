"""One page of a query and the count of the whole, for the API and the pages alike."""

from sqlalchemy import func, select

from epa.extensions import db


def fetch_page(query, page: int, per_page: int) -> tuple[list, int]:
    """The rows of page `page` (from 1) and the total number of rows."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def page_from_args(args, default: int = 1) -> int:
    """A page number from a query string, forgiving anything that is not one (pages only)."""
    raw = args.get("page", "")
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**6:
        return int(raw)
    return default


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows fill; an empty list still has one page."""
    return max(1, -(-total // per_page))


def list_filters(form, args) -> dict[str, list[str]]:
    """The filters and order a list's form reads from the query string, as the address carries
    them (a date's three boxes share a name), for its pager and download links to keep."""
    names = {field.name for field in form}
    return {
        name: values
        for name, values in args.to_dict(flat=False).items()
        if name in names and name != "page" and any(values)
    }
