"""Forms to record a result criterion by criterion, submit it, reopen it and sign outcomes off.

They only read the radios and boxes: the grade, the lock and every other rule are the
grading services' (the same ones the API calls).
"""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from epa.pages.forms import ReasonData

#: the radios' values and the judgement each sends to the service
JUDGEMENTS = {"met": True, "not_met": False}
CRITERION_PREFIX = "criterion-"


def criterion_field(code: str) -> str:
    """The form field of a criterion: `criterion-P1`."""
    return f"{CRITERION_PREFIX}{code}"


def radio_value(met: bool | None) -> str | None:
    """The radio to check for a stored judgement; none for a criterion not judged yet."""
    if met is None:
        return None
    return "met" if met else "not_met"


class ResultForm(FlaskForm):
    """The criteria's radios are added per method by `result_form`."""

    def criterion_fields(self):
        """(criterion id, field) for every criterion, in the page's order."""
        return [
            (name.removeprefix(CRITERION_PREFIX), field)
            for name, field in self._fields.items()
            if name.startswith(CRITERION_PREFIX)
        ]

    def service_data(self) -> dict:
        """The body the service takes: every criterion, unchosen ones null (which clears); a
        radio that sent neither choice is left out, so its judgement stays as it was."""
        return {
            "criteria": {
                code: JUDGEMENTS.get(field.data)
                for code, field in self.criterion_fields()
                if not field.errors
            },
            "comments": self.comments.data,
        }

    def show_refusal(self, fields: dict[str, str]) -> bool:
        """Put the service's field messages beside the fields (`criteria.P1` beside that
        criterion's radios, naming it); True when any was placed."""
        placed = False
        for name, message in fields.items():
            code = name.removeprefix("criteria.")
            if code != name:
                field, message = self._fields.get(criterion_field(code)), f"{message} for {code}"
            else:
                field = self._fields.get(name)
            if field is not None:
                field.errors = [*field.errors, message]
                placed = True
        return placed


def result_form(criteria, result, *, from_draft: bool) -> ResultForm:
    """A form for these criteria (the method's, in the page's order): filled from the stored
    draft, or from the request alone, so that a radio left unchosen sends null."""

    class Form(ResultForm):
        pass

    # Fields are ordered by creation, so the error summary follows the page: criteria first.
    for criterion in criteria:
        setattr(
            Form,
            criterion_field(criterion.code),
            RadioField(
                f"{criterion.code}: {criterion.text}",
                choices=[SelectChoice("met", "Met"), SelectChoice("not_met", "Not met")],
                validators=[Optional()],
                invalid_choice_message="Choose met or not met",
                widget=GovRadioInput(),
            ),
        )
    Form.comments = TextAreaField(
        "Comments",
        widget=GovTextArea(),
        description="Optional. The evidence behind your judgements, kept with the result",
    )
    Form.save = SubmitField("Save draft", widget=GovSubmitInput())
    Form.submit_result = SubmitField("Submit result", widget=GovSubmitInput())
    if not from_draft:
        return Form()
    judgements = dict(result.judgements) if result else {}
    data = {criterion_field(c.code): radio_value(judgements.get(c.code)) for c in criteria}
    data["comments"] = result.comments if result else None
    return Form(formdata=None, data=data)


class ConfirmSubmitForm(FlaskForm):
    """The second step of submitting: the assessor confirms the result is final."""

    submit = SubmitField("Submit result", widget=GovSubmitInput())


def _reason_form(name: str, question: str, example: str, button: str) -> type[FlaskForm]:
    """A form whose only input is the reason an action needs, kept in the audit trail."""
    return type(
        name,
        (ReasonData, FlaskForm),
        {
            "__doc__": f"{button}, saying why.",
            "reason": TextAreaField(
                question,
                widget=GovTextArea(),
                description=f"For example, {example}. The reason is kept in the audit trail",
            ),
            "submit": SubmitField(button, widget=GovSubmitInput()),
        },
    )


ReopenForm = _reason_form(
    "ReopenForm",
    "Why is the result being reopened?",
    "the assessor judged criterion P3 against the wrong evidence",
    "Reopen result",
)
RestartForm = _reason_form(
    "RestartForm",
    "Why is the EPA being restarted?",
    "the methods could not all be held within 6 months of the first assessment",
    "Restart the EPA",
)


class ConfirmOutcomeForm(FlaskForm):
    """Quality-assurance sign-off of one provisional outcome; the page carries its CSRF token."""
