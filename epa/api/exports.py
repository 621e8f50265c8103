"""Returns spreadsheets over a date range: confirmed outcomes and bookings, as xlsx files."""

from flask import g, request

from epa.api import bp
from epa.api.auth import roles
from epa.exports import services


@bp.get("/exports/outcomes.xlsx")
@roles("admin", "staff")
def export_outcomes():
    """Confirmed outcomes achieved in the range, one row per apprentice."""
    date_from, date_to = services.read_range(request.args, "outcomes")
    return services.send_xlsx(*services.outcomes_file(date_from, date_to, g.actor.id))


@bp.get("/exports/bookings.xlsx")
@roles("admin", "staff")
def export_bookings():
    """Every assessment starting in the range, cancelled ones included, by start time."""
    date_from, date_to = services.read_range(request.args, "bookings")
    return services.send_xlsx(*services.bookings_file(date_from, date_to, g.actor.id))
