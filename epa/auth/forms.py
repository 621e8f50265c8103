"""Sign-in, password and API token forms."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from epa.auth.schemas import PASSWORD_HINT
from epa.pages.forms import DayMonthYearField


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


# The policy itself is the service's (schemas.Password); the form only compares the two boxes.
def _new_password():
    return PasswordField("New password", widget=GovPasswordInput(), description=PASSWORD_HINT)


def _confirm_password():
    return PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[EqualTo("new_password", message="Enter the same new password in both boxes")],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", widget=GovPasswordInput())
    new_password = _new_password()
    confirm_password = _confirm_password()
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    new_password = _new_password()
    confirm_password = _confirm_password()
    submit = SubmitField("Set new password", widget=GovSubmitInput())


class NewTokenForm(FlaskForm):
    name = StringField(
        "Token name",
        widget=GovTextInput(),
        description="What will use it, so you can tell your tokens apart. For example, "
        "Nightly export script",
    )
    expires_on = DayMonthYearField(
        "Expiry date (optional)",
        what="expiry date",
        example="31 3 2027",
        description="The last day it works (UK time). Leave blank for a token that works "
        "until you revoke it. For example, 31 3 2027",
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())
