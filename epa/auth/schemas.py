"""What the API takes and gives for users, their passwords and their tokens."""

from datetime import date

from epa.auth.models import ROLES, Role
from epa.guards import unstorable
from epa.rules.passwords import MIN_LENGTH, TOO_SHORT, password_problem
from epa.shapes import (
    Choice,
    Command,
    Email,
    Flag,
    Instant,
    Missing,
    OptionalDay,
    Shape,
    Text,
    checked,
    problem,
)

MIN_PASSWORD_LENGTH = MIN_LENGTH
PASSWORD_REFUSAL = TOO_SHORT
PASSWORD_HINT = (
    f"At least {MIN_PASSWORD_LENGTH} characters, not easy to guess and not your name or email "
    "address: three or four words nobody would put together work well"
)


def _password(value) -> str:
    # The one password policy (epa.rules.passwords): every new password (added user, reset,
    # change) is read here, and the services check it against the user's own name and email.
    # Kept as typed: spaces count, and nothing is trimmed from a password.
    if not isinstance(value, str) or len(value) < MIN_PASSWORD_LENGTH:
        raise problem(PASSWORD_REFUSAL)
    if unstorable(value):
        raise problem("Password must not contain a null character")
    refused = password_problem(value)
    if refused:
        raise problem(refused)
    return value


Password = checked(
    str,
    _password,
    {"type": "string", "minLength": MIN_PASSWORD_LENGTH, "pattern": "^[^\\u0000]*$"},
    Missing(PASSWORD_REFUSAL),
)


def _current_password(value) -> str:
    # Any password set before the policy changed still has to be typed to change it.
    if not isinstance(value, str) or not value:
        raise problem("Enter your current password")
    return value


CurrentPassword = checked(
    str,
    _current_password,
    {"type": "string", "minLength": 1},
    Missing("Enter your current password"),
)
RoleChoice = Choice("role", ROLES, message="Role must be one of admin, staff or assessor")
PersonName = Text("person's name", max_length=200)


class UserNew(Command):
    email: Email()
    name: PersonName
    role: RoleChoice
    password: Password


class _UserFields(Command):
    name: PersonName
    role: RoleChoice
    enabled: Flag("Enabled")


UserChange = _UserFields.partial(
    "UserChange", "An administrator's change to a user: only the fields sent change."
)


class User(Shape):
    id: int
    email: str
    name: str
    role: Role
    enabled: bool


class PasswordChange(Command):
    current_password: CurrentPassword
    new_password: Password


class NewPassword(Command):
    """The password chosen on a reset link's page."""

    new_password: Password


class PasswordResetIssued(Shape):
    reset_url: str
    expires_at: Instant()


class TokenNew(Command):
    name: Text("token name", max_length=100)
    expires_on: OptionalDay(
        "expiry date", "The last day (UK time) the token works; left out, it works until revoked"
    ) = None


class TokenIssued(Shape):
    id: int
    name: str
    #: shown once: only its hash is kept
    token: str


class Token(Shape):
    id: int
    name: str
    prefix: str
    created_at: Instant()
    last_used_at: Instant() | None
    expires_on: date | None
