"""What the start pages show each role, and the lists behind the counts that no other page
filters for: apprentices with a method not yet booked, and EPA deadlines coming soon."""

from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup

from epa import clock
from epa.apprentices.models import STATUS_LABELS
from epa.auth.decorators import roles_required
from epa.auth.models import User
from epa.dashboard import queries
from epa.dashboard.chart import (
    GRADE_LABELS,
    GRADES,
    bar_chart_svg,
    bar_rows_svg,
    last_twelve_months,
    month_label,
    monthly_outcomes,
)
from epa.pages.kit import days_left, long_date
from epa.pagination import Total, fetch_list_page, page_count, page_from_args

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
OFFICE = ("admin", "staff")
PER_PAGE = 50
UPCOMING_SHOWN = 10
TO_SUBMIT_SHOWN = 50
CHART_TITLE = "Confirmed outcomes by month"


def _outcomes_chart(today) -> dict:
    """The chart (SVG, escaped by the chart itself) and the table of the same numbers."""
    months, series = monthly_outcomes(queries.confirmed_outcomes(today), today)
    title = f"{CHART_TITLE}, the last 12 months"
    svg = bar_chart_svg(
        months,
        series,
        title=title,
        x_label="Month of the last assessment",
        y_label="Confirmed outcomes",
        id_prefix="outcomes-chart",
    )
    # A phone shows a bar per row instead: columns that narrow would shrink the words.
    rows_svg = bar_rows_svg(
        months, series, title=title, x_label="Confirmed outcomes", id_prefix="outcomes-rows"
    )
    rows = [
        {
            "month": month_label(first),
            "counts": [series[grade][i] for grade in GRADES],
            "total": sum(series[grade][i] for grade in GRADES),
        }
        for i, first in enumerate(last_twelve_months(today))
    ]
    return {
        # bar_chart_svg and bar_rows_svg escape every text they write
        "svg": Markup(svg),  # noqa: S704  # nosec B704
        "rows_svg": Markup(rows_svg),  # noqa: S704  # nosec B704
        "grades": [GRADE_LABELS[grade] for grade in GRADES],
        "rows": rows,
        "totals": [sum(series[grade]) for grade in GRADES],
        "total": sum(sum(series[grade]) for grade in GRADES),
    }


def week_label(monday, sunday) -> str:
    """A week as people write it: "14 to 20 December 2026", "28 December 2026 to 3 January 2027"."""
    if monday.year != sunday.year:
        return f"{long_date(monday)} to {long_date(sunday)}"
    if monday.month != sunday.month:
        return f"{monday.day} {monday:%B} to {long_date(sunday)}"
    return f"{monday.day} to {long_date(sunday)}"


def staff_dashboard() -> dict:
    """The operations start page's counts, each with the link to the list behind it."""
    today = clock.today()
    monday, sunday = queries.week_of(today)
    by_status = queries.status_counts()
    return {
        "statuses": [
            {
                "label": STATUS_LABELS[status],
                "count": count,
                "href": url_for("apprentices.index", status=status),
            }
            for status, count in by_status.items()
        ],
        "all": Total.sum(by_status.values()),
        "not_booked": queries.not_booked_count(),
        "deadline_soon": queries.deadline_soon_count(today),
        "deadline_last": queries.deadline_window(today)[1],
        "this_week": queries.this_week_count(today),
        "week": week_label(monday, sunday),
        "week_href": url_for("scheduling.diary", week=monday.isoformat()),
        "provisional": queries.provisional_count(),
        "chart": _outcomes_chart(today),
    }


def assessor_dashboard(assessor: User) -> dict:
    """An assessor's next assessments and the results they still have to submit."""
    now = clock.now()
    upcoming, upcoming_total = queries.upcoming_for(assessor, now, UPCOMING_SHOWN)
    to_submit, to_submit_total = queries.to_submit_for(assessor, now, TO_SUBMIT_SHOWN)
    return {
        "upcoming": upcoming,
        "upcoming_total": upcoming_total,
        "to_submit": to_submit,
        "to_submit_total": to_submit_total,
    }


def _list_page(query, **context):
    today = clock.today()
    page = page_from_args(request.args)
    apprentices, total = fetch_list_page(query, page, PER_PAGE)
    return render_template(
        "dashboard/apprentices.html",
        apprentices=apprentices,
        methods=queries.unbooked_methods([a.id for a in apprentices]),
        days_left={a.id: days_left(a.epa_deadline, today) for a in apprentices if a.epa_deadline},
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
        endpoint=request.endpoint,
        **context,
    )


@bp.get("/not-booked")
@roles_required(*OFFICE)
def not_booked():
    """Apprentices past gateway with a method not yet booked, the nearest EPA deadline first."""
    return _list_page(
        queries.not_booked(),
        title="Apprentices with a method not yet booked",
        intro="Past gateway and still in end-point assessment, with at least one assessment "
        "method that has no booking (cancelled bookings do not count). The nearest EPA "
        "deadline comes first.",
        empty="Every apprentice past gateway has each method booked.",
    )


@bp.get("/deadlines")
@roles_required(*OFFICE)
def deadlines():
    """Apprentices whose EPA deadline is in the next 30 days without every method booked."""
    first, last = queries.deadline_window(clock.today())
    return _list_page(
        queries.deadline_soon(first),
        title="EPA deadlines in the next 30 days",
        intro=f"Apprentices whose EPA period ends between {long_date(first)} and "
        f"{long_date(last)} and who do not have every assessment method booked. The nearest "
        "deadline comes first.",
        empty="No EPA deadline in the next 30 days is missing a booking.",
    )
