"""One page of a query and how many rows the whole holds, for the API and the pages alike.

An exact count of a long list costs as much as reading every row of it, on every page, though
the number is only shown. Above EXACT_UP_TO rows a page says "about N" instead: PostgreSQL's
planner estimate, read without running the query; SQLite has none, so its pages say
"more than N". The cost of a page is then bounded whatever the size of the list.
"""

import json
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Column, Integer, Select, Table, bindparam, func, select

from epa.extensions import db

#: Lists up to this long are counted exactly, beyond it estimated.
EXACT_UP_TO = 10_000


@dataclass(frozen=True, eq=False)
class Total:
    """How many rows a list holds, as a page shows it: exactly, or about so many."""

    value: int
    #: "" when exact, else how it is worded: "about" or "more than"
    qualifier: str = ""

    @property
    def exact(self) -> bool:
        return not self.qualifier

    def __str__(self) -> str:
        return f"{self.qualifier} {self.value:,}".strip()

    def __int__(self) -> int:
        return self.value

    def __bool__(self) -> bool:
        return self.value > 0

    def __eq__(self, other) -> bool:
        if isinstance(other, Total):
            return (self.value, self.qualifier) == (other.value, other.qualifier)
        return self.exact and self.value == other

    def __hash__(self) -> int:
        return hash((self.value, self.qualifier))

    # Ordered by the number, as "more than 50 shown" reads it.
    def __lt__(self, other) -> bool:
        return self.value < int(other)

    def __gt__(self, other) -> bool:
        return self.value > int(other)

    def __le__(self, other) -> bool:
        return self.value <= int(other)

    def __ge__(self, other) -> bool:
        return self.value >= int(other)

    @classmethod
    def sum(cls, totals) -> "Total":
        """The totals added up: about so many when any of them is not exact."""
        totals = list(totals)
        exact = all(total.exact for total in totals)
        return cls(sum(total.value for total in totals), "" if exact else "about")


class Pages(int):
    """How many pages a list fills: an int that also says whether it is known exactly."""

    exact: bool = True

    def __new__(cls, count: int, exact: bool = True):
        pages = super().__new__(cls, count)
        pages.exact = exact
        return pages


#: Tables the database counts for itself as rows come and go (a tally table kept by triggers,
#: the sum of whose `n` is the table's row count), by table.
_TALLIES: dict[Table, tuple[Table, Table]] = {}


def keep_tally(table: Table, tally: Table) -> None:
    """Count a whole-table list of `table` from `tally` (see `fetch_page`)."""
    _TALLIES[table] = (table, tally)


def fetch_page(query, page: int, per_page: int, counted=None) -> tuple[list, int]:
    """The rows of page `page` (from 1) and the exact number of rows (the API's `total`).

    A select of one mapped class gives its objects; given `counted`, the select of the same
    rows as objects, `query` reads columns of them (`epa.shape_columns`) and gives its rows."""
    tallied = _page_with_tally(query, page, per_page, counted)
    if tallied is not None:
        return tallied
    sliced = query.limit(per_page).offset((page - 1) * per_page)
    if counted is None:
        return db.session.scalars(sliced).all(), exact_total(query)
    return db.session.execute(sliced).all(), exact_total(counted)


def _page_with_tally(query, page: int, per_page: int, counted=None) -> tuple[list, int] | None:
    """A page of a whole tallied table with its total in the same statement (one round trip
    fewer on every request for the busiest list); None when the table keeps no tally."""
    statement = _tallied_page(query, counted)
    if statement is None:
        return None
    found = db.session.execute(
        statement, {"page_limit": per_page, "page_offset": (page - 1) * per_page}
    ).all()
    if not found:  # past the last page: no row to carry the total
        return [], exact_total(query if counted is None else counted)
    # (rows of columns keep the total as their last column, and their names)
    rows = [row[0] for row in found] if counted is None else found
    return rows, int(found[0][-1])


@lru_cache(maxsize=256)
def _tallied_page(query, counted=None):
    """The page statement of a tallied list, its limit and offset left as parameters: a search
    that gives the same statement object each time (epa.apprentices.services.search) then
    gives this one too, its cache key worked out once."""
    tally = _tally_of(query if counted is None else counted)
    if tally is None:
        return None
    total = select(func.coalesce(func.sum(tally.c.n), 0)).scalar_subquery()
    return (
        query.add_columns(total.label("tallied_total"))
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
    )


def exact_total(query) -> int:
    """How many rows a select gives: read from the table's tally when it selects the whole of a
    table the database counts, else counted."""
    tally = _tally_of(query)
    if tally is not None:
        return int(db.session.scalar(select(func.coalesce(func.sum(tally.c.n), 0))))
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def _tally_of(query) -> Table | None:
    """The tally counting every row `query` selects: only for a plain select of one whole table's
    columns (no filter, join, grouping, distinct or limit; eager loads add no rows)."""
    if not _TALLIES or not isinstance(query, Select) or query.whereclause is not None:
        return None
    froms = query.columns_clause_froms
    # (an ORM select names its table annotated, equal to the table itself)
    table, tally = _TALLIES.get(froms[0], (None, None)) if len(froms) == 1 else (None, None)
    if tally is None:
        return None
    reshaped = (
        query._from_obj
        or query._setup_joins
        or query._group_by_clauses
        or query._having_criteria
        or query._distinct
        or query._distinct_on
        or any(
            clause is not None
            for clause in (query._limit_clause, query._offset_clause, query._fetch_clause)
        )
    )
    if reshaped or not all(
        isinstance(column, Column) and column.table is table for column in query.selected_columns
    ):
        return None
    return tally


def fetch_list_page(query, page: int, per_page: int, counted=None) -> tuple[list, Total]:
    """The rows of page `page` (from 1) and the size of the whole list as a page shows it;
    `counted` as for `fetch_page`."""
    tallied = _page_with_tally(query, page, per_page, counted)
    if tallied is not None:
        return tallied[0], Total(tallied[1])
    sliced = query.limit(per_page).offset((page - 1) * per_page)
    if counted is None:
        return db.session.scalars(sliced).all(), list_total(query)
    return db.session.execute(sliced).all(), list_total(counted)


def list_total(query) -> Total:
    """The size of the list a select gives: exact up to EXACT_UP_TO rows, estimated beyond,
    at the cost of at most EXACT_UP_TO rows read (or exact at once from a table's tally)."""
    if _tally_of(query) is not None:
        return Total(exact_total(query))
    query = query.order_by(None)
    if db.engine.dialect.name == "postgresql":
        estimate = _planner_rows(query)
        if estimate > EXACT_UP_TO:
            return Total(_round(estimate), "about")
    capped = db.session.scalar(
        select(func.count()).select_from(query.limit(EXACT_UP_TO + 1).subquery())
    )
    if capped > EXACT_UP_TO:
        return Total(EXACT_UP_TO, "more than")
    return Total(capped)


def _planner_rows(query) -> int:
    """PostgreSQL's estimate of the rows a select returns (EXPLAIN, nothing run)."""
    compiled = query.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    plan = db.session.connection().exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params
    )
    found = plan.scalar()
    found = json.loads(found) if isinstance(found, str) else found
    return int(found[0]["Plan"]["Plan Rows"])


def _round(estimate: int) -> int:
    """Two significant figures: an estimate should not look exact."""
    digits = len(str(estimate)) - 2
    return round(estimate, -digits) if digits > 0 else estimate


def page_from_args(args, default: int = 1) -> int:
    """A page number from a query string, forgiving anything that is not one (pages only)."""
    raw = args.get("page", "")
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**6:
        return int(raw)
    return default


def page_count(total, per_page: int) -> Pages:
    """How many pages `total` rows fill; an empty list still has one page."""
    return Pages(max(1, -(-int(total) // per_page)), getattr(total, "exact", True))


def list_filters(form, args) -> dict[str, list[str]]:
    """The filters and order a list's form reads from the query string, as the address carries
    them (a date's three boxes share a name), for its pager and download links to keep."""
    names = {field.name for field in form}
    return {
        name: values
        for name, values in args.to_dict(flat=False).items()
        if name in names and name != "page" and any(values)
    }
