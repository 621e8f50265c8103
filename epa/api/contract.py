"""One declaration per operation: its route, roles, typed input and output, and its errors.

`operation` registers the view on the API blueprint, checks the caller's role, reads the body
and query string into the declared commands, and turns what the view returns into the declared
response. The OpenAPI document (`openapi.py`) is written from the same declarations.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import wraps

from flask import Response, jsonify, request

from epa.api import bp
from epa.api.auth import require_role
from epa.api.requests import json_body, paginate
from epa.auth.models import Role
from epa.shapes import Command, Shape

ALL = tuple(Role)
OFFICE = (Role.ADMIN, Role.STAFF)
ADMIN = (Role.ADMIN,)


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    roles: Sequence[str]
    tag: str
    body: type[Command] | None = None
    query: type[Command] | None = None
    response: type[Shape] | None = None
    status: int = 200
    page: bool = False
    errors: dict[int, Sequence[str]] = field(default_factory=dict)
    #: a media type for responses that are files rather than JSON
    content: str | None = None
    #: an error body other than the plain one, by status (an import's row errors)
    error_shapes: dict[int, type[Shape]] = field(default_factory=dict)
    #: False where the view reads the body itself (to refuse for the record's state first, or
    #: to name the shape's problems with the service's own); `body` still documents it
    read_body: bool = True
    #: how the body comes: an upload is multipart/form-data
    body_media: str = "application/json"
    #: other successful answers, by status (202 with the job when the work is queued)
    also: dict[int, type[Shape]] = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def operation(
    method: str,
    rule: str,
    *,
    roles: Sequence[str],
    tag: str,
    summary: str | None = None,
    **declared,
) -> Callable:
    """Serve `view` at `rule` for `roles`; see `Operation` for what may be declared."""

    def decorate(view):
        op = Operation(
            method=method,
            path=re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", bp.url_prefix + rule),
            summary=summary or (view.__doc__ or "").strip().splitlines()[0],
            roles=roles,
            tag=tag,
            **declared,
        )

        @wraps(view)
        def handler(**path_args):
            require_role(roles)
            if op.body is not None and op.read_body:
                path_args["body"] = op.body.read(json_body())
            if op.query is not None:
                path_args["query"] = op.query.read(request.args)
            return _reply(op, view(**path_args))

        handler.allowed_roles = tuple(roles)
        handler.operation = op
        bp.add_url_rule(rule, view.__name__, handler, methods=[method.upper()])
        OPERATIONS.append(op)
        return handler

    return decorate


def _reply(op: Operation, result):
    if isinstance(result, Response) or op.response is None:
        return result
    if op.page:
        return jsonify(paginate(result, op.response)), op.status
    return jsonify(op.response.of(result)), op.status
