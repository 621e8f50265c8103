"""The administrators' page to restart an apprentice's whole EPA: a warning that says what
happens, a reason, and the same service the API calls. On the grading blueprint."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from epa import clock
from epa.apprentices.services import get_apprentice
from epa.auth.decorators import roles_required
from epa.grading import restart
from epa.grading.blueprint import bp
from epa.grading.forms import RestartForm
from epa.grading.schemas import EpaRestart
from epa.pages.kit import action_page, long_date


def _bookings(count: int) -> str:
    return f"{count} booking{'s' if count != 1 else ''}"


@bp.route("/apprentices/<id:apprentice_id>/epa/restart", methods=["GET", "POST"])
@roles_required("admin")
def restart_epa(apprentice_id: int):
    """Restart the whole EPA, with a reason, once the warning is read (administrators)."""
    apprentice = get_apprentice(apprentice_id, current_user)
    back = url_for("apprentices.detail", apprentice_id=apprentice_id)
    if request.method == "GET" and not restart.may_restart(apprentice):
        flash(f"{apprentice.full_name} has no EPA to restart ({apprentice.status}).", "info")
        return redirect(back)
    to_cancel = restart.bookings_to_cancel(apprentice)

    def restarted(_) -> str:
        message = (
            f"{apprentice.full_name}’s EPA is restarted: the new EPA period runs from "
            f"{long_date(clock.today())} to {long_date(apprentice.epa_deadline)}."
        )
        if to_cancel:
            verb = "was" if to_cancel == 1 else "were"
            message += f" {_bookings(to_cancel)} not yet held {verb} cancelled."
        return message

    return action_page(
        RestartForm(),
        lambda data: restart.restart_epa(apprentice, EpaRestart.read(data), current_user),
        done=restarted,
        back=back,
        template="grading/restart.html",
        apprentice=apprentice,
        to_cancel=_bookings(to_cancel) if to_cancel else None,
        today=clock.today(),
        new_deadline=restart.new_deadline(apprentice),
    )
