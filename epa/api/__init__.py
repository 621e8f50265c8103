"""The JSON API under /api/v1 (contract: API.md)."""

from flask import Blueprint

from epa.api.auth import authenticate_request
from epa.api.errors import api_error_response
from epa.errors import ServiceError
from epa.extensions import db


class ApiBlueprint(Blueprint):
    """The API's routes answer only the methods the document lists for them (HEAD with GET).

    Flask would answer OPTIONS on every route with an empty 200 of its own; the API offers no
    OPTIONS (there is no cross-origin use to prepare for), so OPTIONS gets the same JSON 405
    as any other method a route does not take, with `Allow` naming the methods it does.
    """

    def add_url_rule(self, rule, endpoint=None, view_func=None, **options):
        options["provide_automatic_options"] = False
        super().add_url_rule(rule, endpoint, view_func, **options)


bp = ApiBlueprint("api", __name__, url_prefix="/api/v1")

# The OpenAPI document is public so tools can read it before they hold a token.
PUBLIC_VIEWS = {"api.openapi"}


@bp.before_request
def _authenticate():
    from flask import request

    if request.endpoint in PUBLIC_VIEWS:
        return
    authenticate_request()


@bp.errorhandler(ServiceError)
def _service_error(error: ServiceError):
    db.session.rollback()
    return api_error_response(error.status, error.code, error.message, error.fields, **error.extra)


from epa.api import (  # noqa: E402, F401
    apprentices,
    assessments,
    audit,
    diaries,
    exports,
    grading,
    imports,
    jobs,
    openapi,
    organisations,
    planning,
    standards,
    subject_access,
    users,
)
