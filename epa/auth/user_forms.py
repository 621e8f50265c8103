"""The form an administrator uses to add a user."""

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


class NewUserForm(FlaskForm):
    name = StringField(
        "Full name", widget=GovTextInput(), validators=[InputRequired("Enter the person's name")]
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        description="They sign in with this address",
        validators=[InputRequired("Enter an email address")],
    )
    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        widget=GovRadioWithHints(ROLE_HINTS),
        validators=[InputRequired("Select a role")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Give it to them in person "
        "or by phone, never in the same email as their address",
        validators=[InputRequired("Enter a password")],
    )
    submit = SubmitField("Add user", widget=GovSubmitInput())
