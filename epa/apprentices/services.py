"""Registering, finding, changing and withdrawing apprentices."""

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from epa import clock, validation
from epa.apprentices import signals
from epa.apprentices.models import STATUSES, Apprentice
from epa.audit.services import changes, record
from epa.auth.models import User
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.persistence import flush_or_conflict, lock_diaries
from epa.rules.dates import add_months, age_on
from epa.rules.identifiers import TEMPORARY_ULN, is_valid_uln
from epa.rules.versions import NoVersionForStartDate, VersionWindow, version_for_start_date
from epa.standards.models import Standard, StandardVersion

MIN_AGE_AT_START = 16
EDITABLE = (
    "uln",
    "given_names",
    "family_name",
    "date_of_birth",
    "email",
    "employer_id",
    "provider_id",
    "start_date",
    "ehc_plan",
)
#: Once an assessment is booked the start date (and so the version) is settled.
EPA_STARTED = ("in_epa", "completed")
#: What a gateway decision rests on.
GATEWAY_FACTS = ("start_date", "date_of_birth", "ehc_plan")


def search_name(given_names: str, family_name: str) -> str:
    """The name as search compares it: case-folded, so Élodie matches élodie on any database."""
    return f"{given_names} {family_name}".casefold()


def public(apprentice: Apprentice) -> dict:
    """The record as the API returns it."""
    return {
        "id": apprentice.id,
        "uln": apprentice.uln,
        "given_names": apprentice.given_names,
        "family_name": apprentice.family_name,
        "date_of_birth": apprentice.date_of_birth.isoformat(),
        "email": apprentice.email,
        "employer_id": apprentice.employer_id,
        "provider_id": apprentice.provider_id,
        "standard": apprentice.standard.reference,
        "version": apprentice.version.version,
        "start_date": apprentice.start_date.isoformat(),
        "ehc_plan": apprentice.ehc_plan,
        "status": apprentice.status,
        "gateway_date": _iso(apprentice.gateway_date),
        "epa_deadline": _iso(apprentice.epa_deadline),
        "epa_round": apprentice.epa_round,
        "epa_started_on": _iso(apprentice.epa_started_on),
        "withdrawn_reason": apprentice.withdrawn_reason,
    }


def _iso(value):
    return value.isoformat() if value else None


def _audit_view(apprentice: Apprentice) -> dict:
    view = public(apprentice)
    view.pop("id")
    return view


def _read_uln(data: dict, problems: validation.Problems) -> str | None:
    value = data.get("uln")
    if isinstance(value, str):
        value = value.strip()
    if not is_valid_uln(value):
        problems.add(
            "uln",
            "Enter a ULN of 10 digits, not starting with 0, whose last digit is the check "
            f"digit (or the temporary ULN {TEMPORARY_ULN})",
            "invalid_uln",
        )
        return None
    return value


def _read_person(data: dict, problems: validation.Problems, only_present=False) -> dict:
    """The fields both registering and changing read, checked the same way."""
    readers = {
        "uln": lambda: _read_uln(data, problems),
        "given_names": lambda: validation.text(data, "given_names", "given names", problems),
        "family_name": lambda: validation.text(data, "family_name", "family name", problems),
        "date_of_birth": lambda: validation.a_date(
            data, "date_of_birth", "date of birth", problems
        ),
        "email": lambda: validation.email(data, "email", problems),
        "employer_id": lambda: _existing(Employer, data, "employer_id", "employer", problems),
        "provider_id": lambda: _existing(Provider, data, "provider_id", "provider", problems),
        "start_date": lambda: validation.a_date(data, "start_date", "start date", problems),
        "ehc_plan": lambda: validation.boolean(data, "ehc_plan", "EHC plan", problems),
    }
    return {field: read() for field, read in readers.items() if not only_present or field in data}


def _existing(model, data, field, label, problems):
    record_id = validation.record_id(data, field, label, problems)
    if record_id is not None and db.session.get(model, record_id) is None:
        problems.add(field, f"No {label} has the id {record_id}")
        return None
    return record_id


def _check_dates(values: dict, problems: validation.Problems) -> None:
    born, start = values.get("date_of_birth"), values.get("start_date")
    today = clock.today()
    if born and born > today:
        problems.add("date_of_birth", "The date of birth must be in the past", "invalid_date")
        return
    if start and start > add_months(today, 12):
        problems.add(
            "start_date", "The start date cannot be more than a year from today", "invalid_date"
        )
        return
    if born and start:
        if start < born:
            problems.add(
                "start_date", "The start date must be after the date of birth", "invalid_date"
            )
        elif age_on(born, start) < MIN_AGE_AT_START:
            problems.add(
                "date_of_birth",
                f"The apprentice must be at least {MIN_AGE_AT_START} on their start date; "
                "check the date of birth and start date",
                "invalid_date",
            )


def _standard(data: dict, problems: validation.Problems) -> Standard | None:
    reference = validation.text(data, "standard", "standard reference", problems, max_length=20)
    if reference is None:
        return None
    standard = db.session.scalar(select(Standard).where(Standard.reference == reference.upper()))
    if standard is None:
        problems.add(
            "standard", f"No standard with the reference {reference} is loaded", "unknown_standard"
        )
    return standard


def _version(standard: Standard, start, problems) -> StandardVersion | None:
    windows = {
        VersionWindow(v.version, v.earliest_start_date, v.latest_start_date): v
        for v in standard.versions
    }
    try:
        return windows[version_for_start_date(list(windows), start)]
    except NoVersionForStartDate as error:
        problems.add("start_date", str(error).rstrip("."), "no_version_for_start_date")
        return None


def _refuse_duplicate(standard_id: int, uln: str, exclude_id: int | None = None) -> None:
    if uln == TEMPORARY_ULN:
        return
    query = select(Apprentice.id).where(
        Apprentice.standard_id == standard_id, Apprentice.uln == uln
    )
    if exclude_id is not None:
        query = query.where(Apprentice.id != exclude_id)
    if db.session.scalar(query) is not None:
        raise _duplicate(uln)


def _duplicate(uln: str) -> ServiceError:
    return ServiceError(
        "duplicate_apprentice",
        f"An apprentice with ULN {uln} is already registered on this standard.",
        status=409,
        fields={"uln": "This ULN is already registered on this standard"},
    )


def register_apprentice(data: dict) -> Apprentice:
    """Register an apprentice on the version their start date chooses."""
    problems = validation.Problems()
    values = _read_person(data, problems)
    standard = _standard(data, problems)
    _check_dates(values, problems)
    version = None
    if standard is not None and values["start_date"] and "start_date" not in problems.fields:
        version = _version(standard, values["start_date"], problems)
    problems.raise_if_any()
    _refuse_duplicate(standard.id, values["uln"])
    apprentice = Apprentice(
        **values,
        standard=standard,
        version=version,
        status="registered",
        search_name=search_name(values["given_names"], values["family_name"]),
    )
    db.session.add(apprentice)
    flush_or_conflict(_duplicate(values["uln"]))
    record("apprentice", apprentice.id, "create", after=_audit_view(apprentice))
    return apprentice


def _stored_uln_sent_back(apprentice: Apprentice, data: dict) -> bool:
    """Whether the ULN sent is the one stored, as every edit form sends it back. A ULN that
    an earlier rule accepted (one starting with 0) then stays, rather than block every other
    change; a new ULN must pass today's rule."""
    sent = data.get("uln")
    return "uln" in data and isinstance(sent, str) and sent.strip() == apprentice.uln


def update_apprentice(apprentice: Apprentice, data: dict) -> Apprentice:
    """Change the fields given; a new start date re-chooses the version."""
    problems = validation.Problems()
    standard = data.get("standard")
    if "standard" in data and (
        not isinstance(standard, str) or standard.strip().upper() != apprentice.standard.reference
    ):
        problems.add(
            "standard",
            "The standard cannot be changed; withdraw this registration and register again",
        )
    unchanged_uln = _stored_uln_sent_back(apprentice, data)
    values = _read_person(
        {k: v for k, v in data.items() if not (k == "uln" and unchanged_uln)},
        problems,
        only_present=True,
    )
    for required in (
        "uln",
        "given_names",
        "family_name",
        "date_of_birth",
        "employer_id",
        "provider_id",
        "start_date",
    ):
        if required in values and values[required] is None:
            values.pop(required)  # already reported
    merged = {
        "date_of_birth": values.get("date_of_birth", apprentice.date_of_birth),
        "start_date": values.get("start_date", apprentice.start_date),
    }
    _check_dates(merged, problems)
    new_start = values.get("start_date")
    version = apprentice.version
    if new_start and new_start != apprentice.start_date and "start_date" not in problems.fields:
        if apprentice.status in EPA_STARTED:
            raise ServiceError(
                "epa_started",
                "The start date cannot change once an assessment has been booked.",
                status=409,
                fields={"start_date": "The start date cannot change once an assessment is booked"},
            )
        version = _version(apprentice.standard, new_start, problems)
    _refuse_changes_to_gateway_facts(apprentice, values, problems)
    problems.raise_if_any()
    if "uln" in values and values["uln"] != apprentice.uln:
        _refuse_duplicate(apprentice.standard_id, values["uln"], exclude_id=apprentice.id)
    before = _audit_view(apprentice)
    for field, value in values.items():
        setattr(apprentice, field, value)
    apprentice.version = version
    apprentice.search_name = search_name(apprentice.given_names, apprentice.family_name)
    flush_or_conflict(_duplicate(apprentice.uln))
    old, new = changes(before, _audit_view(apprentice))
    if new:
        record("apprentice", apprentice.id, "update", before=old, after=new)
    return apprentice


def _refuse_changes_to_gateway_facts(apprentice, values: dict, problems) -> None:
    """The facts a passed gateway was decided on stay as they were when it was decided."""
    if apprentice.gateway_date is None:
        return
    changed = [
        field
        for field in GATEWAY_FACTS
        if field in values
        and field not in problems.fields
        and values[field] != getattr(apprentice, field)
    ]
    if changed:
        raise ServiceError(
            "gateway_already_passed",
            "The start date, date of birth and EHC plan decided the passed gateway, so they "
            "cannot change now.",
            status=409,
            fields={
                field: "This decided the passed gateway, so it cannot change" for field in changed
            },
        )


def withdraw_apprentice(apprentice: Apprentice, data: dict) -> Apprentice:
    """Withdraw from end-point assessment, with a reason; a completed EPA cannot be withdrawn."""
    # Serialise with bookings for this apprentice, then decide on what is committed now.
    lock_diaries(apprentice.id, [])
    db.session.refresh(apprentice)
    if apprentice.status == "completed":
        raise ServiceError(
            "apprentice_completed",
            "This apprentice has completed end-point assessment and cannot be withdrawn.",
            status=409,
        )
    if apprentice.status == "withdrawn":
        raise ServiceError(
            "already_withdrawn", "This apprentice has already been withdrawn.", status=409
        )
    problems = validation.Problems()
    reason = validation.reason(data, problems, what="withdrawing")
    problems.raise_if_any()
    before_status = apprentice.status
    signals.withdrawn.send(apprentice, reason=reason)
    apprentice.status = "withdrawn"
    apprentice.withdrawn_reason = reason
    apprentice.withdrawn_at = clock.now()
    db.session.flush()
    record(
        "apprentice",
        apprentice.id,
        "withdraw",
        before={"status": before_status},
        after={"status": "withdrawn"},
        reason=reason,
    )
    return apprentice


def mark_gateway_passed(apprentice: Apprentice, gateway_date, epa_deadline) -> bool:
    """Move a registered apprentice to gateway_passed; False when another request got there."""
    result = db.session.execute(
        update(Apprentice)
        .where(Apprentice.id == apprentice.id, Apprentice.status == "registered")
        .values(
            status="gateway_passed",
            gateway_date=gateway_date,
            epa_deadline=epa_deadline,
            updated_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(apprentice)
    return result.rowcount == 1


def assessor_apprentice_ids(user: User):
    """The apprentices with an assessment booked with this assessor (in any status)."""
    from epa.scheduling.models import Assessment  # scheduling builds on apprentices

    return select(Assessment.apprentice_id).where(Assessment.assessor_id == user.id)


def visible_to(query, user: User):
    """Restrict a query of apprentices to those the user may see."""
    if user.role == "assessor":
        return query.where(Apprentice.id.in_(assessor_apprentice_ids(user)))
    return query


def get_apprentice(apprentice_id: int, user: User) -> Apprentice:
    """One apprentice, if it exists and the user may see it."""
    apprentice = db.session.get(Apprentice, apprentice_id)
    if apprentice is None:
        raise NotFound("apprentice")
    if user.role == "assessor":
        allowed = db.session.scalar(
            visible_to(select(Apprentice.id).where(Apprentice.id == apprentice_id), user)
        )
        if allowed is None:
            raise ServiceError(
                "forbidden",
                "Assessors see only the apprentices they are booked to assess.",
                status=403,
            )
    return apprentice


def search(user: User, q: str | None = None, status: str | None = None):
    """A query of the apprentices the user may see: `q` is an exact ULN or words of the name."""
    query = select(Apprentice)
    q = " ".join((q or "").split())
    if q:
        if q.isascii() and q.isdigit():
            query = query.where(Apprentice.uln == q)
        else:
            for word in q.casefold().split():
                query = query.where(Apprentice.search_name.contains(word, autoescape=True))
    if status:
        if status not in STATUSES:
            raise ServiceError(
                "validation_failed",
                f"The status must be one of: {', '.join(STATUSES)}.",
                fields={"status": f"Must be one of: {', '.join(STATUSES)}"},
            )
        query = query.where(Apprentice.status == status)
    return (
        visible_to(query, user)
        .options(selectinload(Apprentice.standard), selectinload(Apprentice.version))
        .order_by(Apprentice.family_name, Apprentice.given_names, Apprentice.id)
    )
