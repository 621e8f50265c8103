"""The filters of the staff's assessment list and the diary, read from the query string."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect
from sqlalchemy import func, select
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from epa.apprentices.forms import assessor_options, options_with_all
from epa.extensions import db
from epa.pages.forms import LinkedDateField, NamedAsTheApi
from epa.pages.widgets import GovLongSelect
from epa.rules.stages import STAGE_LABELS
from epa.standards.models import AssessmentMethod


class AssessmentListForm(NamedAsTheApi, FlaskForm):
    """The assessment list's filters and order, read from the query string; the date boxes are
    named `from` and `to` as in the API."""

    class Meta:
        csrf = False  # a list changes nothing

    assessor_id = SelectField("Assessor", widget=GovLongSelect(), validate_choice=False)
    method = SelectField("Method", widget=GovSelect(), validate_choice=False)
    status = SelectField(
        "Status",
        widget=GovSelect(),
        validate_choice=False,
        choices=options_with_all("All statuses", STAGE_LABELS.items()),
    )
    date_from = LinkedDateField(
        "From",
        name="from",
        what="from date",
        example="1 12 2026",
        description="For example, 1 12 2026",
    )
    date_to = LinkedDateField(
        "To", name="to", what="to date", example="31 12 2026", description="For example, 31 12 2026"
    )
    sort = SelectField(
        "Sort by",
        widget=GovSelect(),
        validate_choice=False,
        choices=[
            SelectChoice("starts_at", "Date (soonest first)"),
            SelectChoice("-starts_at", "Date (latest first)"),
            SelectChoice("apprentice", "Apprentice (A to Z)"),
            SelectChoice("-apprentice", "Apprentice (Z to A)"),
        ],
    )

    FIELDS = {
        "assessor_id": "assessor_id",
        "method": "method",
        "status": "status",
        "from": "date_from",
        "to": "date_to",
        "sort": "sort",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessor_id.choices = assessor_options()
        self.method.choices = options_with_all(
            "All methods",
            db.session.execute(
                select(AssessmentMethod.code, func.min(AssessmentMethod.name))
                .group_by(AssessmentMethod.code)
                .order_by(func.min(AssessmentMethod.name), AssessmentMethod.code)
            ),
        )
