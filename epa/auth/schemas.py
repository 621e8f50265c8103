"""What the API takes and gives for users."""

from epa.auth.models import ROLES, Role
from epa.guards import unstorable
from epa.shapes import Choice, Command, Email, Missing, Shape, Text, checked, problem

MIN_PASSWORD_LENGTH = 12
PASSWORD_REFUSAL = f"Password must be at least {MIN_PASSWORD_LENGTH} characters"


def _password(value) -> str:
    # Kept as typed: spaces count, and nothing is trimmed from a password.
    if not isinstance(value, str) or len(value) < MIN_PASSWORD_LENGTH:
        raise problem(PASSWORD_REFUSAL)
    if unstorable(value):
        raise problem("Password must not contain a null character")
    return value


Password = checked(
    str,
    _password,
    {"type": "string", "minLength": MIN_PASSWORD_LENGTH, "pattern": "^[^\\u0000]*$"},
    Missing(PASSWORD_REFUSAL),
)


class UserNew(Command):
    email: Email()
    name: Text("person's name", max_length=200)
    role: Choice("role", ROLES, message="Role must be one of admin, staff or assessor")
    password: Password


class User(Shape):
    id: int
    email: str
    name: str
    role: Role
