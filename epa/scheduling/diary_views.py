"""Diaries: the staff's week of bookings, and an assessor's own list and calendar address."""

from datetime import date, timedelta

from flask import render_template, request
from flask_login import current_user
from sqlalchemy.orm import selectinload

from epa import clock
from epa.auth.decorators import roles_required
from epa.auth.models import User
from epa.errors import ServiceError
from epa.extensions import db
from epa.pages.forms import show_service_error
from epa.pagination import fetch_list_page, list_filters, page_count, page_from_args
from epa.rules.dates import parse_iso_date
from epa.rules.local_time import LONDON
from epa.rules.scheduling import bank_holiday_name
from epa.rules.slots import week_of
from epa.scheduling import diaries, list_views, lists, services
from epa.scheduling.blueprint import OFFICE, bp
from epa.scheduling.feed_views import feed_address
from epa.scheduling.instants import midnight
from epa.scheduling.list_forms import AssessmentListForm
from epa.scheduling.models import Assessment

PER_PAGE = 50
#: a week of one large EPAO's bookings can run to thousands: the diary pages through them
DIARY_PER_PAGE = 200
#: an assessor's bookings still to come are few; past ones are paged
UPCOMING_LIMIT = 200


def _with_people(query):
    """Each booking's apprentice, method and assessor, in one query per relation."""
    return query.options(
        selectinload(Assessment.apprentice),
        selectinload(Assessment.method),
        selectinload(Assessment.assessor),
    )


def _monday(raw: str | None) -> date:
    day = parse_iso_date(raw) if raw else None
    if day is None or not date(1900, 1, 8) <= day <= date(2100, 12, 24):
        day = clock.today()  # a week no booking can be in: show this week
    return week_of(day)


def _week_of_bookings(form: AssessmentListForm, monday: date):
    """The week's bookings the diary's filters select (cancelled ones only when asked for), or
    None with each problem beside its box."""
    asked = list_views.read_filters(
        form, {"from": monday, "to": monday + timedelta(days=6), "sort": ""}
    )
    if asked is None:
        return None
    try:
        return lists.list_assessments(current_user, asked, active_only=asked.status is None)
    except ServiceError as error:
        show_service_error(form, error)
        return None


def _diary_filters(form: AssessmentListForm) -> dict:
    return {
        name: values
        for name, values in list_filters(form, request.args).items()
        if name in ("assessor_id", "method", "status")
    }


@bp.get("/diary")
@roles_required(*OFFICE)
def diary():
    """A week of bookings, day by day, for every assessor or one, one method or every one;
    bank holidays marked."""
    monday = _monday(request.args.get("week"))
    form = AssessmentListForm(request.args)
    return _diary_page(form, monday, _week_of_bookings(form, monday))


@bp.get("/diary.csv")
@roles_required(*OFFICE)
def diary_download():
    """The week's bookings the diary's filters select, as a CSV file."""
    monday = _monday(request.args.get("week"))
    form = AssessmentListForm(request.args)
    query = _week_of_bookings(form, monday)
    if query is not None:
        try:
            return lists.download(query, "diary-week-of", day=monday)
        except ServiceError as error:
            show_service_error(form, error)
    return _diary_page(form, monday, None)


def _diary_page(form: AssessmentListForm, monday: date, query):
    """The week's page; with no query (the filters were refused), the boxes say why."""
    page = page_from_args(request.args)
    assessments, total = (
        fetch_list_page(query, page, DIARY_PER_PAGE) if query is not None else ([], 0)
    )
    by_day: dict[date, list[Assessment]] = {}
    for assessment in assessments:
        by_day.setdefault(assessment.starts_at.astimezone(LONDON).date(), []).append(assessment)
    days = [
        monday + timedelta(days=n)
        for n in range(7)
        if n < 5 or by_day.get(monday + timedelta(days=n))
    ]
    html = render_template(
        "scheduling/diary.html",
        form=form,
        filters=_diary_filters(form),
        monday=monday,
        previous_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
        days=days,
        by_day=by_day,
        holidays={day: bank_holiday_name(day) for day in days},
        total=total,
        page=page,
        pages=page_count(total, DIARY_PER_PAGE),
    )
    return html, 200 if query is not None else 422


@bp.get("/my-assessments")
@roles_required("assessor")
def my_assessments():
    """The assessments booked with me: from today on first, then earlier ones, a page at a time."""
    today = midnight(clock.today())
    mine = _with_people(services.visible_assessments(current_user))
    upcoming = db.session.scalars(
        mine.where(Assessment.ends_at >= today)
        .order_by(Assessment.starts_at, Assessment.id)
        .limit(UPCOMING_LIMIT + 1)
    ).all()
    page = page_from_args(request.args)
    past, total = fetch_list_page(
        mine.where(Assessment.ends_at < today).order_by(
            Assessment.starts_at.desc(), Assessment.id.desc()
        ),
        page,
        PER_PAGE,
    )
    return render_template(
        "scheduling/mine.html",
        upcoming=upcoming[:UPCOMING_LIMIT],
        more_upcoming=len(upcoming) > UPCOMING_LIMIT,
        past=past,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
    )


def _issue_and_show(assessor: User):
    """A new feed address for the assessor, shown once; forms that post here carry CSRF."""
    token = diaries.issue_calendar_token(assessor)
    db.session.commit()
    address = feed_address(token)
    page = render_template("scheduling/calendar.html", assessor=assessor, feed_url=address)
    # The address is a secret shown once: no cache may keep the page.
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/calendar", methods=["GET", "POST"])
@roles_required("assessor")
def calendar():
    """Subscribe to my assessments in Outlook or Google: a new private address, shown once."""
    if request.method == "POST":
        return _issue_and_show(current_user)
    return render_template("scheduling/calendar.html", assessor=current_user, feed_url=None)


@bp.post("/assessors/<id:user_id>/calendar")
@roles_required("admin")
def issue_calendar(user_id: int):
    """Issue a new calendar address for an assessor (administrators); the old one stops."""
    return _issue_and_show(diaries.assessor_for(user_id, current_user))
