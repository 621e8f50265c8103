"""Employers and training providers.

Both kinds of organisation offer the same three operations (register one, list them by name,
read one), so one function declares them for each kind.
"""

from sqlalchemy import select

from epa.api.contract import OFFICE, operation
from epa.extensions import db
from epa.organisations import schemas, services
from epa.organisations.models import Employer, Provider

TAG = "Organisations"


def _named(name: str):
    """Give a view its endpoint name (the contract registers each view under its own name)."""

    def rename(view):
        view.__name__ = view.__qualname__ = name
        return view

    return rename


def _serve(model, new, out, errors: dict, *, register: str, called: str = "") -> None:
    """Declare POST /{kinds}, GET /{kinds} and GET /{kinds}/{kind_id} for one kind."""
    kind = model.__name__.lower()
    called = called or kind
    path = f"/{model.__tablename__}"
    declared = {"roles": OFFICE, "tag": TAG, "response": out}

    @operation("post", path, summary=register, body=new, status=201, errors=errors, **declared)
    @_named(f"create_{kind}")
    def create(body):
        # The service is looked up on each request, so tests can stand in for it.
        record = getattr(services, f"create_{kind}")(body)
        db.session.commit()
        return record

    @operation("get", path, summary=f"List {called}s by name", page=True, **declared)
    @_named(f"list_{kind}s")
    def listing():
        return select(model).order_by(model.name, model.id)

    @operation("get", f"{path}/<id:{kind}_id>", summary=f"One {called}", **declared)
    @_named(f"get_{kind}")
    def one(**path_args):
        return getattr(services, f"get_{kind}")(path_args[f"{kind}_id"])


_serve(
    Employer,
    schemas.EmployerNew,
    schemas.Employer,
    {409: ["duplicate_employer"]},
    register="Register an employer",
)
_serve(
    Provider,
    schemas.ProviderNew,
    schemas.Provider,
    {409: ["duplicate_ukprn"], 422: ["invalid_ukprn"]},
    register="Register a training provider by its UKPRN",
    called="training provider",
)
