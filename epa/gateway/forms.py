"""The gateway form: the evidence an EPAO officer checks, with hints in their words."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import BooleanField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice

from epa.gateway.schemas import GatewayAttemptNew
from epa.pages.forms import CommandData, DayMonthYearField, GovCheckboxWithHint
from epa.pages.widgets import GovRadioWithHints
from epa.rules.gateway import LEVELS

LEVEL_LABELS = {
    "none": "None",
    "entry3": "Entry level 3",
    "level1": "Level 1",
    "level2": "Level 2 or above",
}
LEVEL_CHOICES = [SelectChoice(level, LEVEL_LABELS[level]) for level in LEVELS]
LEVEL_HINTS = {
    "entry3": "Enough for an apprentice with an EHC plan, legacy statement or equivalent "
    "assessment",
    "level2": "For example, functional skills level 2, or GCSE grade 4 (C) or above",
}


class GatewayForm(CommandData, FlaskForm):
    """One gateway attempt; the service decides whether it passes."""

    command = GatewayAttemptNew

    gateway_date = DayMonthYearField(
        "Gateway date",
        what="gateway date",
        example="15 1 2026",
        description="The day the evidence was checked; the EPA period starts on it. It cannot "
        "be in the future. For example, 15 1 2026",
    )
    english = RadioField(
        "English: the highest level the apprentice holds",
        choices=LEVEL_CHOICES,
        widget=GovRadioWithHints(LEVEL_HINTS),
        validate_choice=False,
        description="Level 2 is needed, or entry level 3 with an EHC plan. Apprentices whose "
        "first language is British Sign Language can hold a BSL qualification instead",
    )
    bsl = BooleanField(
        "The apprentice holds a British Sign Language (BSL) qualification",
        widget=GovCheckboxWithHint(),
        description="For apprentices whose first language is BSL: it counts instead of "
        "English. It does not replace maths",
    )
    maths = RadioField(
        "Maths: the highest level the apprentice holds",
        choices=LEVEL_CHOICES,
        widget=GovRadioWithHints(LEVEL_HINTS),
        validate_choice=False,
        description="Level 2 is needed, or entry level 3 with an EHC plan",
    )
    employer_confirmed = BooleanField(
        "The employer has confirmed the apprentice is ready for end-point assessment",
        widget=GovCheckboxWithHint(),
    )
    provider_confirmed = BooleanField(
        "The training provider confirms the apprentice is ready for end-point assessment",
        widget=GovCheckboxWithHint(),
        description="The provider confirms the apprentice has completed their training",
    )
    project_summary_submitted = BooleanField(
        "The project summary (up to 500 words), with its high-level plan and timelines, has "
        "been submitted",
        widget=GovCheckboxWithHint(),
        description="The apprentice's proposal for the work-based project. A mapping of the "
        "project to the KSBs is recommended too, but not required",
    )
    portfolio_submitted = BooleanField(
        "A portfolio has been submitted",
        widget=GovCheckboxWithHint(),
        description="Recorded for information only: a portfolio is not needed for gateway",
    )
    submit = SubmitField("Record gateway attempt", widget=GovSubmitInput())
