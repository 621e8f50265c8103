"""The availability grid page: every assessor's week at a glance, for staff choosing a time."""

from datetime import date, timedelta

from flask import render_template, request
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField

from epa import clock
from epa.auth.decorators import roles_required
from epa.pages.widgets import GovLongSelect
from epa.pagination import page_count, page_from_args
from epa.rules.dates import parse_iso_date
from epa.rules.slots import week_of
from epa.scheduling import availability
from epa.scheduling.blueprint import OFFICE, bp

#: the weeks whose London midnights every database and the calendar can hold
EARLIEST_WEEK, LATEST_WEEK = date(1900, 1, 8), date(2100, 12, 24)
#: a row is a week of one assessor's diary, written twice (a table for wide screens, lists for
#: narrow ones): 200 assessors on one page came to a megabyte, too much to read or to move
#: through with a screen reader, so the grid pages through the assessors
ASSESSORS_PER_PAGE = 25


class AvailabilityForm(FlaskForm):
    """The week and the filters, read from the query string so a view can be shared."""

    class Meta:
        csrf = False  # it only reads

    week = StringField(
        "Week of",
        widget=GovTextInput(),
        description="Any date in the week, for example 2026-12-07",
    )
    standard_id = SelectField("Standard", widget=GovSelect(), validate_choice=False)
    # Every active assessor: written as the long lists are (epa.pages.widgets), not an option
    # macro each.
    assessor_id = SelectField("Assessor", widget=GovLongSelect(), validate_choice=False)

    def __init__(self, formdata, *, standards, assessors):
        super().__init__(formdata)
        self.standard_id.choices = [("", "All standards"), *_choices(standards)]
        self.assessor_id.choices = [("", "All assessors"), *_choices(assessors)]

    def monday(self) -> date | None:
        """The Monday of the week asked for, this week when none was; None (and the problem
        beside the box) for a date the grid cannot show."""
        text = (self.week.data or "").strip()
        day = parse_iso_date(text) if text else clock.today()
        if day is None:
            self.week.errors = ["Enter the week as a real date, for example 2026-12-07"]
            return None
        if not EARLIEST_WEEK <= day <= LATEST_WEEK:
            self.week.errors = ["Enter a date from 1900 to 2100"]
            return None
        self.week.data = week_of(day).isoformat()
        return week_of(day)

    def chosen(self, field, message: str) -> int | None:
        """The id chosen in a filter, None for all; an id not on offer is a problem."""
        value = (field.data or "").strip()
        if not value:
            return None
        if value not in {key for key, _ in field.choices}:
            field.errors = [message]
            return None
        return int(value)


def _choices(named) -> list[tuple[str, str]]:
    return [(str(item.id), item.name) for item in named]


@bp.get("/diary/availability")
@roles_required(*OFFICE)
def availability_grid():
    """A week with a row per active assessor and a column per working day: what each has
    booked (initials only), when they are unavailable or not working, and when they are free."""
    assessors = availability.active_assessors()
    form = AvailabilityForm(request.args, standards=availability.standards(), assessors=assessors)
    monday = form.monday()
    standard_id = form.chosen(form.standard_id, "Choose a standard from the list")
    assessor_id = form.chosen(form.assessor_id, "Choose an assessor from the list")
    if form.errors:
        return render_template("scheduling/availability.html", form=form, week=None), 422
    if assessor_id is not None:
        assessors = [a for a in assessors if a.id == assessor_id]
    pages = page_count(len(assessors), ASSESSORS_PER_PAGE)
    # Past the last page (fewer assessors than when the address was shared): the last page.
    page = min(page_from_args(request.args), pages)
    first = (page - 1) * ASSESSORS_PER_PAGE
    shown = assessors[first : first + ASSESSORS_PER_PAGE]
    filters = {"standard_id": standard_id, "assessor_id": assessor_id}
    return render_template(
        "scheduling/availability.html",
        form=form,
        week=availability.week(
            monday, shown, standard_id, columns_for=assessors if pages > 1 else None
        ),
        filters={name: value for name, value in filters.items() if value is not None},
        page=page,
        pages=pages,
        first=first + 1,
        last=first + len(shown),
        assessor_count=len(assessors),
        previous_week=monday - timedelta(days=7),
        next_week=monday + timedelta(days=7),
        this_week=week_of(clock.today()),
    )
