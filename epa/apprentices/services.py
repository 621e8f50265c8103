"""Registering, finding, changing and withdrawing apprentices.

Each change comes as a typed command (epa/apprentices/schemas.py). The `read_*` functions turn
what a person sent into that command the way every caller needs it: refusals for the record's
state first, then every problem with the fields at once, the shape's and the records' together.
"""

from functools import lru_cache, partial

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload, selectinload

from epa import clock
from epa.apprentices import signals
from epa.apprentices.models import STATUS_LABELS, Apprentice, ApprenticeStatus
from epa.apprentices.schemas import Apprentice as ApprenticeView
from epa.apprentices.schemas import (
    ApprenticeChange,
    ApprenticeNew,
    ApprenticeSearch,
    ApprenticeWithdrawal,
)
from epa.audit.services import changes, record
from epa.auth.models import User
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.persistence import flush_or_conflict, lock_diaries
from epa.rules.dates import add_months, age_on
from epa.rules.identifiers import TEMPORARY_ULN
from epa.rules.versions import NoVersionForStartDate, VersionWindow, version_for_start_date
from epa.shapes import Problems
from epa.standards.models import Standard, StandardVersion

MIN_AGE_AT_START = 16
ALREADY_REGISTERED = "This ULN is already registered on this standard"
#: Once an assessment is booked the start date (and so the version) is settled.
EPA_STARTED = (ApprenticeStatus.IN_EPA, ApprenticeStatus.COMPLETED)
#: What a gateway decision rests on.
GATEWAY_FACTS = ("start_date", "date_of_birth", "ehc_plan")
#: The organisations an apprentice belongs to, by the field naming each.
ORGANISATIONS = {"employer_id": (Employer, "employer"), "provider_id": (Provider, "provider")}


def search_name(given_names: str, family_name: str) -> str:
    """The name as search compares it: case-folded, so Élodie matches élodie on any database."""
    return f"{given_names} {family_name}".casefold()


def audit_view(apprentice: Apprentice) -> dict:
    view = ApprenticeView.of(apprentice)
    view.pop("id")
    return view


class Records:
    """Where a registration's checks find the records it names: here one query at a time, as a
    form or an API request needs; an import answers the same questions from records it loaded
    in a few queries (epa.apprentices.bulk), so both run the same rules."""

    def exists(self, model, record_id: int) -> bool:
        return db.session.get(model, record_id) is not None

    def standard(self, reference: str) -> Standard | None:
        return db.session.scalar(select(Standard).where(Standard.reference == reference))

    def registered(self, standard_id: int, uln: str, exclude_id: int | None = None) -> bool:
        """Whether the ULN is registered on the standard (besides `exclude_id`)."""
        query = select(Apprentice.id).where(
            Apprentice.standard_id == standard_id, Apprentice.uln == uln
        )
        if exclude_id is not None:
            query = query.where(Apprentice.id != exclude_id)
        return db.session.scalar(query.limit(1)) is not None


QUERIED = Records()


def _check_organisations(values: dict, problems: Problems, records: Records = QUERIED) -> None:
    for field, (model, label) in ORGANISATIONS.items():
        record_id = values.get(field)
        if record_id is not None and not records.exists(model, record_id):
            problems.add(field, f"No {label} has the id {record_id}")


def _check_dates(values: dict, problems: Problems) -> None:
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


def _standard(
    reference: str | None, problems: Problems, records: Records = QUERIED
) -> Standard | None:
    if reference is None:
        return None
    standard = records.standard(reference.upper())
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


def _refuse_duplicate(
    standard_id: int, uln: str, exclude_id: int | None = None, records: Records = QUERIED
) -> None:
    if uln != TEMPORARY_ULN and records.registered(standard_id, uln, exclude_id):
        raise _duplicate(uln)


def _duplicate(uln: str) -> ServiceError:
    return ServiceError(
        "duplicate_apprentice",
        f"An apprentice with ULN {uln} is already registered on this standard.",
        status=409,
        fields={"uln": ALREADY_REGISTERED},
    )


def _check_registration(values: dict, problems: Problems, records: Records = QUERIED):
    """The records a registration names, and its dates: (standard, version), None where refused."""
    _check_organisations(values, problems, records)
    standard = _standard(values.get("standard"), problems, records)
    _check_dates(values, problems)
    start = values.get("start_date")
    version = None
    if standard is not None and start and "start_date" not in problems.fields:
        version = _version(standard, start, problems)
    return standard, version


def read_registration(data, records: Records = QUERIED) -> ApprenticeNew:
    """The registration sent, or every problem with it at once."""
    return ApprenticeNew.read_checked(data, partial(_check_registration, records=records))


def check_registration(
    command: ApprenticeNew, records: Records = QUERIED
) -> tuple[Standard, StandardVersion]:
    """The standard and version a registration goes on; refused with every problem with the
    records it names and its dates, then if the apprentice is already on that standard."""
    problems = Problems()
    standard, version = _check_registration(dict(command), problems, records)
    problems.raise_if_any()
    _refuse_duplicate(standard.id, command.uln, records=records)
    return standard, version


def registration_columns(command: ApprenticeNew, standard: Standard, version) -> dict:
    """The new record's columns: the values read (dates as dates), on the version chosen."""
    details = dict(command)
    del details["standard"]  # a reference, where the record holds the standard itself
    return {
        **details,
        "standard_id": standard.id,
        "version_id": version.id,
        "status": ApprenticeStatus.REGISTERED,
        "search_name": search_name(command.given_names, command.family_name),
    }


def register_apprentice(command: ApprenticeNew) -> Apprentice:
    """Register an apprentice on the version their start date chooses."""
    standard, version = check_registration(command)
    apprentice = Apprentice(
        **registration_columns(command, standard, version), standard=standard, version=version
    )
    db.session.add(apprentice)
    flush_or_conflict(_duplicate(command.uln))
    record("apprentice", apprentice.id, "create", after=audit_view(apprentice))
    return apprentice


def _check_changes(apprentice: Apprentice, values: dict, problems: Problems) -> StandardVersion:
    """The version the changes lead to; a change the record's state forbids is a 409 at once."""
    reference = values.get("standard")
    if reference is not None and reference.upper() != apprentice.standard.reference:
        problems.add(
            "standard",
            "The standard cannot be changed; withdraw this registration and register again",
        )
    _check_organisations(values, problems)
    _check_dates(
        {
            "date_of_birth": values.get("date_of_birth", apprentice.date_of_birth),
            "start_date": values.get("start_date", apprentice.start_date),
        },
        problems,
    )
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
    return version


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


def read_changes(apprentice: Apprentice, data) -> ApprenticeChange:
    """The changes sent, or every problem with them at once.

    Every edit form sends the ULN back: the one on record, sent back as it is, stays without a
    check, so that a ULN an earlier rule accepted (one starting with 0) does not block every
    other change; a new ULN must pass today's rule.
    """
    sent = data.get("uln")
    if isinstance(sent, str) and sent.strip() == apprentice.uln:
        data = {field: value for field, value in data.items() if field != "uln"}
    return ApprenticeChange.read_checked(data, partial(_check_changes, apprentice))


def update_apprentice(apprentice: Apprentice, change: ApprenticeChange) -> Apprentice:
    """Change the fields given; a new start date re-chooses the version."""
    values = change.given()
    problems = Problems()
    version = _check_changes(apprentice, values, problems)
    problems.raise_if_any()
    values.pop("standard", None)
    if values.get("uln", apprentice.uln) != apprentice.uln:
        _refuse_duplicate(apprentice.standard_id, values["uln"], exclude_id=apprentice.id)
    before = audit_view(apprentice)
    for field, value in values.items():
        setattr(apprentice, field, value)
    apprentice.version = version
    apprentice.search_name = search_name(apprentice.given_names, apprentice.family_name)
    flush_or_conflict(_duplicate(apprentice.uln))
    old, new = changes(before, audit_view(apprentice))
    if new:
        record("apprentice", apprentice.id, "update", before=old, after=new)
    return apprentice


def finished_refusal(apprentice: Apprentice, *, completed: str, withdrawn: str):
    """The 409 for a completed or withdrawn apprentice, whose record stays as it is, or None."""
    if apprentice.status == ApprenticeStatus.COMPLETED:
        return ServiceError("apprentice_completed", completed, status=409)
    if apprentice.status == ApprenticeStatus.WITHDRAWN:
        return ServiceError("already_withdrawn", withdrawn, status=409)
    return None


def _refuse_withdrawal(apprentice: Apprentice) -> None:
    refusal = finished_refusal(
        apprentice,
        completed="This apprentice has completed end-point assessment and cannot be withdrawn.",
        withdrawn="This apprentice has already been withdrawn.",
    )
    if refusal is not None:
        raise refusal


def read_withdrawal(apprentice: Apprentice, data) -> ApprenticeWithdrawal:
    """The withdrawal sent; an apprentice who cannot be withdrawn is refused before the reason
    is read."""
    _refuse_withdrawal(apprentice)
    return ApprenticeWithdrawal.read(data)


def withdraw_apprentice(apprentice: Apprentice, command: ApprenticeWithdrawal) -> Apprentice:
    """Withdraw from end-point assessment, with a reason; a completed EPA cannot be withdrawn."""
    # Serialise with bookings for this apprentice, then decide on what is committed now.
    lock_diaries(apprentice.id, [])
    db.session.refresh(apprentice)
    _refuse_withdrawal(apprentice)
    before_status = apprentice.status
    signals.withdrawn.send(apprentice, reason=command.reason)
    apprentice.status = ApprenticeStatus.WITHDRAWN
    apprentice.withdrawn_reason = command.reason
    apprentice.withdrawn_at = clock.now()
    db.session.flush()
    record(
        "apprentice",
        apprentice.id,
        "withdraw",
        before={"status": before_status},
        after={"status": ApprenticeStatus.WITHDRAWN},
        reason=command.reason,
    )
    return apprentice


def mark_gateway_passed(apprentice: Apprentice, gateway_date, epa_deadline) -> bool:
    """Move a registered apprentice to gateway_passed; False when another request got there."""
    result = db.session.execute(
        update(Apprentice)
        .where(Apprentice.id == apprentice.id, Apprentice.status == ApprenticeStatus.REGISTERED)
        .values(
            status=ApprenticeStatus.GATEWAY_PASSED,
            gateway_date=gateway_date,
            epa_deadline=epa_deadline,
            updated_at=clock.now(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(apprentice)
    return result.rowcount == 1


def assessor_apprentice_ids(assessor_id: int, *, cancelled: bool = True):
    """The apprentices with an assessment booked with this assessor (in any status, or
    leaving cancelled bookings out)."""
    from epa.scheduling.models import Assessment, AssessmentStatus  # scheduling builds on this

    ids = select(Assessment.apprentice_id).where(Assessment.assessor_id == assessor_id)
    return ids if cancelled else ids.where(Assessment.status != AssessmentStatus.CANCELLED)


def visible_to(query, user: User):
    """Restrict a query of apprentices to those the user may see: an assessor, those with a
    booking with them that stands (access ends when the booking is cancelled or moved to
    another assessor; an assessment they graded stands, so they keep what they assessed)."""
    return _visible_to_assessor(query, user.id if user.role == "assessor" else None)


def _visible_to_assessor(query, assessor_id: int | None):
    if assessor_id is None:
        return query
    return query.where(Apprentice.id.in_(assessor_apprentice_ids(assessor_id, cancelled=False)))


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


#: each sort's columns, in the order they compare; the id keeps pages stable between requests
_ORDERS = {
    "name": (Apprentice.family_name, Apprentice.given_names),
    "start_date": (Apprentice.start_date,),
    "epa_deadline": (Apprentice.epa_deadline,),
}


def _check_filters(query: ApprenticeSearch) -> None:
    """The records the filters name must exist: a filter naming none would find nobody, and
    say nothing of why."""
    problems = Problems()
    _check_organisations(query.model_dump(include={"employer_id", "provider_id"}), problems)
    if query.standard is not None:
        _standard(query.standard, problems)
    if query.assessor_id is not None:
        assessor = db.session.get(User, query.assessor_id)
        if assessor is None or assessor.role != "assessor":
            problems.add("assessor_id", f"No assessor has the id {query.assessor_id}")
    problems.raise_if_any()


def _ordered(found, sort: str):
    """The order asked for; those with no EPA deadline come last whichever way it runs."""
    word = sort.lstrip("-")
    backwards = sort.startswith("-")
    columns = [*_ORDERS[word], Apprentice.id]
    order = [column.desc() if backwards else column.asc() for column in columns]
    if word == "epa_deadline":
        order.insert(0, Apprentice.epa_deadline.is_(None))
    return found.order_by(*order)


def search(user: User, query: ApprenticeSearch):
    """A query of the apprentices the user may see that pass the filters, in the order asked:
    `q` is an exact ULN or words of the name. Filters naming no record are refused."""
    _check_filters(query)
    # The same search gives the very same statement object, so SQLAlchemy's cache key for it
    # (and the page statement built from it, epa.pagination) is worked out once, not on every
    # request: a tenth of the API list's time. Only an assessor's own id changes the query.
    return _search(user.id if user.role == "assessor" else None, tuple(query.model_dump().items()))


@lru_cache(maxsize=256)
def _search(assessor_id: int | None, filters: tuple):
    query = ApprenticeSearch.model_construct(**dict(filters))
    found = select(Apprentice)
    if query.q:
        if query.q.isascii() and query.q.isdigit():
            found = found.where(Apprentice.uln == query.q)
        else:
            for word in query.q.casefold().split():
                found = found.where(Apprentice.search_name.contains(word, autoescape=True))
    if query.status:
        found = found.where(Apprentice.status == query.status)
    if query.employer_id is not None:
        found = found.where(Apprentice.employer_id == query.employer_id)
    if query.provider_id is not None:
        found = found.where(Apprentice.provider_id == query.provider_id)
    if query.standard is not None:
        found = found.join(Standard, Standard.id == Apprentice.standard_id).where(
            Standard.reference == query.standard
        )
    if query.assessor_id is not None:
        found = found.where(
            Apprentice.id.in_(assessor_apprentice_ids(query.assessor_id, cancelled=False))
        )
    if query.deadline_before is not None:
        found = found.where(Apprentice.epa_deadline < query.deadline_before)
    return _ordered(
        # Each row's standard and version are one each: joined into the page's own statement,
        # only what a list shows of them (not the plan's JSON, decoded again for every row).
        _visible_to_assessor(found, assessor_id).options(
            joinedload(Apprentice.standard).load_only(Standard.reference),
            joinedload(Apprentice.version).load_only(StandardVersion.version),
        ),
        query.sort,
    )


#: the download's columns, one row per apprentice
CSV_HEADERS = [
    "ULN",
    "Given names",
    "Family name",
    "Email",
    "Employer",
    "Training provider",
    "Standard",
    "Version",
    "Start date",
    "Status",
    "Gateway date",
    "EPA deadline",
]


def download(user: User, query: ApprenticeSearch):
    """Every apprentice the filters select (not one page), as a CSV file, in the list's order."""
    return download_query(search(user, query))


def download_query(searched):
    """Every apprentice a `search` query finds, as a CSV file."""
    from epa.exports.downloads import rows_within_limit, send_csv  # exports read apprentices

    found = rows_within_limit(
        searched.options(selectinload(Apprentice.employer), selectinload(Apprentice.provider)),
        "apprentices",
    )
    return send_csv(
        "apprentices",
        CSV_HEADERS,
        (
            [
                a.uln,
                a.given_names,
                a.family_name,
                a.email,
                a.employer.name,
                a.provider.name,
                a.standard.reference,
                a.version.version,
                a.start_date,
                STATUS_LABELS[a.status],
                a.gateway_date,
                a.epa_deadline,
            ]
            for a in found
        ),
    )
