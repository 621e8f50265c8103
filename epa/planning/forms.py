"""The planner's forms: which apprentices, over which dates; and where to hold the bookings."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
    GovTextInput,
)
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField

from epa.pages.forms import DayMonthYearField, as_record_id
from epa.pages.widgets import GovLongCheckboxes, GovLongSelect


class CohortFilter(FlaskForm):
    """Who to show for planning: a search and an employer, read from the query string."""

    class Meta:
        csrf = False

    q = StringField("Search by ULN or name", widget=GovTextInput())
    employer_id = SelectField("Employer", widget=GovLongSelect(), validate_choice=False)


class PlanForm(FlaskForm):
    """The apprentices to plan for, and the dates to fill (both optional)."""

    apprentice_ids = SelectMultipleField(
        "Apprentices to plan for",
        widget=GovLongCheckboxes(),
        validate_choice=False,
        description="Every method each still needs is planned (first attempts)",
    )
    starts_on = DayMonthYearField(
        "Plan from (optional)",
        what="from date",
        example="1 2 2027",
        description="Leave blank to start as soon as the rules allow",
    )
    ends_on = DayMonthYearField(
        "Plan to (optional)",
        what="to date",
        example="1 3 2027",
        description="Leave blank for the latest EPA deadline among them",
    )
    submit = SubmitField("Propose a plan", widget=GovSubmitInput())

    def service_data(self) -> dict:
        return {
            "apprentice_ids": [as_record_id(i) for i in self.apprentice_ids.data or []],
            "from": self.starts_on.data.isoformat() if self.starts_on.data else None,
            "to": self.ends_on.data.isoformat() if self.ends_on.data else None,
        }


class BookPlanForm(FlaskForm):
    location = StringField(
        "Location for every booking",
        widget=GovTextInput(),
        description="An address and room, or how to join online. For example, Online "
        "(Microsoft Teams). Each booking can be changed afterwards",
    )
    submit = SubmitField("Book every row", widget=GovSubmitInput())

    def service_data(self) -> dict:
        return {"location": self.location.data}
