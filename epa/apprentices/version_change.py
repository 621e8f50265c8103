"""Moving an apprentice to a later version of their standard, with a reason.

Only while nothing is booked in the current EPA: an assessment is booked against the methods of
one version, so the version is settled from the first booking on. Cancelled bookings, and those
of an EPA since restarted, count for nothing here, as they count for nothing in every booking
rule. A later change of start date chooses the
version from the start date again (`update_apprentice`), which undoes a change made here.
"""

from functools import partial

from sqlalchemy import select

from epa.apprentices.models import Apprentice
from epa.apprentices.schemas import VersionChange
from epa.apprentices.services import finished_refusal
from epa.audit.services import record
from epa.errors import ServiceError
from epa.extensions import db
from epa.persistence import lock_diaries
from epa.rules.dates import epa_deadline
from epa.rules.versions import later_versions
from epa.shapes import Problems
from epa.standards.models import StandardVersion


def later_versions_of(apprentice: Apprentice) -> list[StandardVersion]:
    """The versions of the apprentice's standard later than theirs, earliest first."""
    by_name = {v.version: v for v in apprentice.standard.versions}
    return [by_name[name] for name in later_versions(list(by_name), apprentice.version.version)]


def version_change_refusal(apprentice: Apprentice) -> ServiceError | None:
    """Why the apprentice's version cannot change now, or None when it can."""
    from epa.scheduling.models import Assessment, in_current_epa  # builds on apprentices

    refusal = finished_refusal(
        apprentice,
        completed="This apprentice has completed end-point assessment, so their version cannot "
        "change.",
        withdrawn="This apprentice has been withdrawn, so their version cannot change.",
    )
    if refusal is not None:
        return refusal
    booked = db.session.scalar(
        select(Assessment.id)
        .where(
            Assessment.apprentice_id == apprentice.id,
            in_current_epa(apprentice),
            Assessment.status != "cancelled",
        )
        .limit(1)
    )
    if booked is not None:
        return ServiceError(
            "assessments_exist",
            "An assessment is booked or held for this apprentice, so their version can no "
            "longer change (cancelled bookings, and those of an EPA since restarted, do not "
            "count).",
            status=409,
        )
    return None


def _check_version(apprentice: Apprentice, values: dict, problems) -> StandardVersion | None:
    """The version asked for, when it is a later version of the apprentice's standard."""
    wanted = values.get("version")
    if wanted is None:
        return None
    later = later_versions_of(apprentice)
    current = apprentice.version.version
    choices = (
        f"choose from {', '.join(v.version for v in later)}"
        if later
        else f"{apprentice.standard.reference} has no later version"
    )
    chosen = next((v for v in apprentice.standard.versions if v.version == wanted), None)
    if chosen is None:
        message = f"{apprentice.standard.reference} has no version {wanted[:20]}: {choices}"
    elif chosen is apprentice.version:
        message = f"The apprentice is already on version {current}: {choices}"
    elif chosen not in later:
        message = (
            f"Version {wanted} is not later than {current}, the apprentice's version: {choices}"
        )
    else:
        return chosen
    problems.add("version", message, "invalid_version")
    return None


def _refuse_now(apprentice: Apprentice) -> None:
    refusal = version_change_refusal(apprentice)
    if refusal is not None:
        raise refusal


def read_version_change(apprentice: Apprentice, data) -> VersionChange:
    """The change sent, or every problem with it at once; an apprentice whose version cannot
    change now is refused before anything sent is read."""
    _refuse_now(apprentice)
    return VersionChange.read_checked(data, partial(_check_version, apprentice))


def change_version(apprentice: Apprentice, command: VersionChange) -> Apprentice:
    """Move the apprentice to a later version of their standard; the reason is audited."""
    # Serialise with bookings for this apprentice, then decide on what is committed now.
    lock_diaries(apprentice.id, [])
    db.session.refresh(apprentice)
    _refuse_now(apprentice)
    problems = Problems()
    version = _check_version(apprentice, {"version": command.version}, problems)
    problems.raise_if_any()
    before = {"version": apprentice.version.version}
    after = {"version": version.version}
    apprentice.version = version
    if apprentice.epa_deadline is not None:
        # Past gateway: the EPA period is the new plan's, from the same start.
        before["epa_deadline"] = apprentice.epa_deadline
        apprentice.epa_deadline = epa_deadline(apprentice.epa_started_on, version.epa_period_months)
        after["epa_deadline"] = apprentice.epa_deadline
    db.session.flush()
    record(
        "apprentice",
        apprentice.id,
        "change_version",
        before=before,
        after=after,
        reason=command.reason,
    )
    return apprentice
