"""The forms an administrator uses to add and change users."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from epa.auth.models import Role
from epa.auth.schemas import MIN_PASSWORD_LENGTH
from epa.pages.widgets import GovRadioWithHints

ROLE_CHOICES = [
    SelectChoice(Role.STAFF, "Operations staff"),
    SelectChoice(Role.ASSESSOR, "Assessor"),
    SelectChoice(Role.ADMIN, "Administrator"),
]
ROLE_HINTS = {
    Role.STAFF: "Registers apprentices, checks gateway evidence and books assessments",
    Role.ASSESSOR: "Sees only the assessments booked with them, and records their results",
    Role.ADMIN: "Signs outcomes off, manages users and exports returns",
}


def _name():
    return StringField(
        "Full name", widget=GovTextInput(), validators=[InputRequired("Enter the person's name")]
    )


def _role():
    return RadioField(
        "Role",
        choices=ROLE_CHOICES,
        widget=GovRadioWithHints(ROLE_HINTS),
        validators=[InputRequired("Select a role")],
    )


class NewUserForm(FlaskForm):
    name = _name()
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        description="They sign in with this address",
        validators=[InputRequired("Enter an email address")],
    )
    role = _role()
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Give it to them in person "
        "or by phone, never in the same email as their address",
        validators=[InputRequired("Enter a password")],
    )
    submit = SubmitField("Add user", widget=GovSubmitInput())


class EditUserForm(FlaskForm):
    name = _name()
    role = _role()
    submit = SubmitField("Save changes", widget=GovSubmitInput())
