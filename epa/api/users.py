"""Users (administrators manage them)."""

from sqlalchemy import select

from epa.api.contract import ADMIN, operation
from epa.auth import services
from epa.auth.models import User
from epa.auth.schemas import User as UserOut
from epa.auth.schemas import UserNew
from epa.errors import NotFound
from epa.extensions import db

TAG = "Users"


@operation(
    "post",
    "/users",
    roles=ADMIN,
    tag=TAG,
    body=UserNew,
    response=UserOut,
    status=201,
    errors={409: ["duplicate_email"]},
)
def create_user(body: UserNew):
    """Add a user"""
    user = services.create_user(body)
    db.session.commit()
    return user


@operation("get", "/users", roles=ADMIN, tag=TAG, response=UserOut, page=True)
def list_users():
    """List users"""
    return select(User).order_by(User.name, User.id)


@operation("get", "/users/<id:user_id>", roles=ADMIN, tag=TAG, response=UserOut)
def get_user(user_id: int):
    """One user"""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("user")
    return user
