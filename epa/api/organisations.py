"""Employers and training providers.

Both kinds of organisation offer the same operations (register one, find them by name, read one,
correct one), so one function declares them for each kind.
"""

from typing import Annotated

from pydantic import ConfigDict, Field

from epa.api.contract import OFFICE, operation
from epa.api.errors import ErrorDetail
from epa.extensions import db
from epa.organisations import services
from epa.organisations.schemas import OrganisationSearch
from epa.shapes import Shape

TAG = "Organisations"


class Existing(Shape):
    """The employer or provider already registered with the name or UKPRN sent."""

    id: int
    name: str


class DuplicateDetail(ErrorDetail):
    # A request that loses a race to write the same name has no record to name.
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    existing: Annotated[
        Existing | None,
        Field(description="the organisation already registered with that name or UKPRN"),
    ] = None


class Duplicate(Shape):
    """A refused name or UKPRN: `existing` is the organisation that already has it."""

    error: DuplicateDetail


def _named(name: str):
    """Give a view its endpoint name (the contract registers each view under its own name)."""

    def rename(view):
        view.__name__ = view.__qualname__ = name
        return view

    return rename


def _serve(kind, errors: dict, *, register: str, called: str, found_by: str) -> None:
    """Declare POST and GET /{kinds}, GET and PATCH /{kinds}/{kind_id} for one kind."""
    name = kind.entity
    path = f"/{kind.model.__tablename__}"
    one_path = f"{path}/<id:{name}_id>"
    declared = {"roles": OFFICE, "tag": TAG, "response": kind.shape}
    refused = {"errors": errors, "error_shapes": {409: Duplicate}}

    @operation("post", path, summary=register, body=kind.new, status=201, **refused, **declared)
    @_named(f"create_{name}")
    def create(body):
        # The service is looked up on each request, so tests can stand in for it.
        record = getattr(services, f"create_{name}")(body)
        db.session.commit()
        return record

    @operation(
        "get",
        path,
        summary=f"Find {called}s by {found_by}, in order of name",
        query=OrganisationSearch,
        page=True,
        **declared,
    )
    @_named(f"list_{name}s")
    def listing(query: OrganisationSearch):
        return services.search(kind, query.q)

    @operation("get", one_path, summary=f"One {called}", **declared)
    @_named(f"get_{name}")
    def one(**path_args):
        return getattr(services, f"get_{name}")(path_args[f"{name}_id"])

    @operation(
        "patch",
        one_path,
        summary=f"Correct {kind.a_one.lower()}'s details; fields left out stay as they are",
        body=kind.change,
        **refused,
        **declared,
    )
    @_named(f"update_{name}")
    def update(body, **path_args):
        row = getattr(services, f"get_{name}")(path_args[f"{name}_id"])
        row = getattr(services, f"update_{name}")(row, body)
        db.session.commit()
        return row


_serve(
    services.EMPLOYERS,
    {409: ["duplicate_employer"]},
    register="Register an employer",
    called="employer",
    found_by="part of the name",
)
_serve(
    services.PROVIDERS,
    {409: ["duplicate_ukprn", "duplicate_provider"], 422: ["invalid_ukprn"]},
    register="Register a training provider by its UKPRN",
    called="training provider",
    found_by="part of the name or the start of the UKPRN",
)
