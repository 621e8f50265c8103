"""Role checks for pages."""

from functools import wraps

from flask import abort
from flask_login import current_user


def roles_required(*allowed: str):
    """Only signed-in users with one of these roles see the page; others get the 403 page."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorate
