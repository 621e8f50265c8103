"""Input no part of the service can store: refused at the door, before any view runs."""

from flask import Flask, request
from werkzeug.exceptions import BadRequest, NotFound

NUL = "\x00"


def unstorable(value: str) -> bool:
    """Text PostgreSQL cannot hold: a NUL, or a lone UTF-16 surrogate."""
    if NUL in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def init_guards(app: Flask) -> None:
    @app.before_request
    def refuse_unstorable_text():
        if unstorable(request.path):
            raise NotFound()
        pairs = list(request.args.items(multi=True))
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            pairs += list(request.form.items(multi=True))
        for key, value in pairs:
            # A multipart part may come without a name (key None): there is no text to refuse.
            if unstorable(key or "") or unstorable(value or ""):
                raise BadRequest(
                    "The request contains characters that cannot be stored "
                    "(a null character or broken Unicode); remove them and try again."
                )
