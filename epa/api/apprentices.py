"""Apprentices and their gateway attempts.

The changes read their bodies here (`read_body=False`) through the services' readers: a refusal
for the apprentice's state comes before the body is read, and the body's problems come together
with those only the records show (an unknown employer, a start date no version takes).
"""

from flask import g

from epa.api.contract import ADMIN, ALL, OFFICE, operation
from epa.api.requests import json_body
from epa.apprentices import services, version_change
from epa.apprentices.schemas import Apprentice as ApprenticeOut
from epa.apprentices.schemas import (
    ApprenticeChange,
    ApprenticeNew,
    ApprenticeSearch,
    ApprenticeWithdrawal,
    VersionChange,
)
from epa.exports.csv_files import CSV, MAX_ROWS
from epa.extensions import db
from epa.gateway import services as gateway
from epa.gateway.schemas import GatewayAttempt as GatewayAttemptOut
from epa.gateway.schemas import GatewayAttemptNew

TAG = "Apprentices"
#: What every change to apprentices declares alike: the view reads the body through the
#: services' readers, and the apprentice comes back.
CHANGE = {"tag": TAG, "read_body": False, "response": ApprenticeOut}
#: what registering and changing refuse besides validation_failed
DETAILS_REFUSED = ["invalid_uln", "invalid_date", "no_version_for_start_date"]


def _act_on(apprentice_id: int, read, act):
    """Read what was sent for the apprentice with `read` (which checks their state first), do
    it with `act` and commit; what `act` returns is the response."""
    apprentice = services.get_apprentice(apprentice_id, g.actor)
    result = act(apprentice, read(apprentice, json_body()))
    db.session.commit()
    return result


@operation(
    "post",
    "/apprentices",
    roles=OFFICE,
    body=ApprenticeNew,
    **CHANGE,
    status=201,
    errors={409: ["duplicate_apprentice"], 422: [*DETAILS_REFUSED, "unknown_standard"]},
)
def create_apprentice():
    """Register an apprentice; the version follows from the start date"""
    apprentice = services.register_apprentice(services.read_registration(json_body()))
    db.session.commit()
    return apprentice


@operation(
    "get",
    "/apprentices",
    roles=ALL,
    tag=TAG,
    query=ApprenticeSearch,
    response=ApprenticeOut,
    page=True,
    errors={422: ["unknown_standard", "invalid_date"]},
)
def list_apprentices(query: ApprenticeSearch):
    """Search apprentices by exact ULN or name; filter by status, employer, provider, standard,
    assessor and EPA deadline; sort by name, start date or EPA deadline (assessors: their own)"""
    return services.search(g.actor, query)


@operation(
    "get",
    "/apprentices.csv",
    roles=OFFICE,
    tag=TAG,
    query=ApprenticeSearch,
    content=CSV,
    summary="Every apprentice the same filters select, in the same order, as a CSV file (UTF-8 "
    "with a byte order mark; a cell that would start a formula begins with an apostrophe); at "
    f"most {MAX_ROWS:,} rows",
    errors={422: ["unknown_standard", "invalid_date", "too_many_rows"]},
)
def download_apprentices(query: ApprenticeSearch):
    """The apprentices the filters select, as a CSV file."""
    return services.download(g.actor, query)


@operation("get", "/apprentices/<id:apprentice_id>", roles=ALL, tag=TAG, response=ApprenticeOut)
def get_apprentice(apprentice_id: int):
    """One apprentice"""
    return services.get_apprentice(apprentice_id, g.actor)


@operation(
    "patch",
    "/apprentices/<id:apprentice_id>",
    roles=OFFICE,
    body=ApprenticeChange,
    **CHANGE,
    summary="Change an apprentice's details; a new start date re-chooses the version from the "
    "start date (undoing any change of version made since)",
    errors={
        409: ["epa_started", "gateway_already_passed", "duplicate_apprentice"],
        422: DETAILS_REFUSED,
    },
)
def update_apprentice(apprentice_id: int):
    """Change the details sent; the rest stay as they are."""
    return _act_on(apprentice_id, services.read_changes, services.update_apprentice)


@operation(
    "post",
    "/apprentices/<id:apprentice_id>/withdraw",
    roles=OFFICE,
    body=ApprenticeWithdrawal,
    **CHANGE,
    errors={409: ["apprentice_completed", "already_withdrawn"]},
)
def withdraw_apprentice(apprentice_id: int):
    """Withdraw an apprentice from end-point assessment, with a reason"""
    return _act_on(apprentice_id, services.read_withdrawal, services.withdraw_apprentice)


@operation(
    "post",
    "/apprentices/<id:apprentice_id>/version",
    roles=ADMIN,
    body=VersionChange,
    **CHANGE,
    summary="Move an apprentice to a later version of their standard, with a reason, while no "
    "assessment is booked (cancelled ones do not count); later gateway attempts use the new "
    "version's plan. A later change of start_date chooses the version from the start date again",
    errors={
        409: ["assessments_exist", "apprentice_completed", "already_withdrawn"],
        422: ["invalid_version"],
    },
)
def change_version(apprentice_id: int):
    """Move an apprentice to a later version of their standard (administrators)."""
    return _act_on(apprentice_id, version_change.read_version_change, version_change.change_version)


@operation(
    "post",
    "/apprentices/<id:apprentice_id>/gateway",
    roles=OFFICE,
    tag="Gateway",
    body=GatewayAttemptNew,
    read_body=False,
    response=GatewayAttemptOut,
    status=201,
    errors={409: ["gateway_already_passed"], 422: ["invalid_date", "apprentice_withdrawn"]},
)
def record_gateway(apprentice_id: int):
    """Record a gateway attempt; the rules decide whether it passes"""
    return _act_on(apprentice_id, gateway.read_attempt, gateway.record_gateway)


@operation(
    "get",
    "/apprentices/<id:apprentice_id>/gateway",
    roles=ALL,
    tag="Gateway",
    response=GatewayAttemptOut,
    page=True,
)
def list_gateway_attempts(apprentice_id: int):
    """Every gateway attempt, newest first"""
    return gateway.attempts_query(services.get_apprentice(apprentice_id, g.actor))
