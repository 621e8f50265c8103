"""Registering, finding and correcting employers and training providers.

No two employers, and no two providers, share a name (ignoring case and spacing), and no two
providers share a UKPRN. A refusal names the organisation already recorded (its id goes in the
API error's `existing`, and the pages link to it), so the user can use it instead.
"""

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from epa.apprentices.models import Apprentice
from epa.audit.services import changes, record
from epa.auth.models import User
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.organisations import schemas
from epa.organisations.models import Employer, Provider
from epa.organisations.schemas import EmployerChange, EmployerNew, ProviderChange, ProviderNew
from epa.rules.organisations import organisation_name_key
from epa.scheduling.models import AssessorConflict
from epa.shapes import Command


@dataclass(frozen=True)
class Kind:
    """What differs between employers and providers: the table, the view the API and the audit
    trail give, what adding and changing one read, the words for one, and the code a second of
    the same name gets."""

    model: type
    shape: type
    new: type[Command]
    change: type[Command]
    entity: str
    a_one: str
    duplicate_code: str

    @property
    def column(self):
        """The apprentice's and the conflict's column naming an organisation of this kind."""
        return f"{self.entity}_id"


EMPLOYERS = Kind(
    Employer,
    schemas.Employer,
    EmployerNew,
    EmployerChange,
    "employer",
    "An employer",
    "duplicate_employer",
)
PROVIDERS = Kind(
    Provider,
    schemas.Provider,
    ProviderNew,
    ProviderChange,
    "provider",
    "A training provider",
    "duplicate_provider",
)


def _existing(existing) -> dict:
    return {"existing": {"id": existing.id, "name": existing.name}}


def _same_name(kind: Kind, existing) -> ServiceError:
    return ServiceError(
        kind.duplicate_code,
        f"{kind.a_one} called {existing.name} is already registered: use it, or give this one "
        "a name that tells them apart.",
        status=409,
        fields={"name": f"{kind.a_one} called {existing.name} is already registered"},
        extra=_existing(existing),
    )


def _same_ukprn(ukprn: str, existing) -> ServiceError:
    return ServiceError(
        "duplicate_ukprn",
        f"UKPRN {ukprn} is already registered to {existing.name}: use that provider, or check "
        "the UKPRN.",
        status=409,
        fields={"ukprn": f"UKPRN {ukprn} is already registered to {existing.name}"},
        extra=_existing(existing),
    )


def _other(model, column, value, own_id: int | None):
    """The record besides `own_id` whose `column` holds `value`, if there is one."""
    query = select(model).where(column == value)
    if own_id is not None:
        query = query.where(model.id != own_id)
    return db.session.scalar(query.limit(1))


def _refuse_duplicates(kind: Kind, own_id: int | None, values: dict) -> None:
    """Refuse a UKPRN or a name another organisation of the kind already holds."""
    if "ukprn" in values:
        taken = _other(kind.model, kind.model.ukprn, values["ukprn"], own_id)
        if taken is not None:
            raise _same_ukprn(values["ukprn"], taken)
    if "name" in values:
        values["name_key"] = organisation_name_key(values["name"])
        taken = _other(kind.model, kind.model.name_key, values["name_key"], own_id)
        if taken is not None:
            raise _same_name(kind, taken)


def _write(kind: Kind, row, values: dict) -> None:
    """Check, then write the values (the name's key with its name) to a new or stored row."""
    own_id = row.id
    _refuse_duplicates(kind, own_id, values)
    for field, value in values.items():
        setattr(row, field, value)
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:
        # A simultaneous request wrote the same name or UKPRN first, and has committed: the
        # check, made again, names it.
        db.session.rollback()
        _refuse_duplicates(kind, own_id, values)
        raise ServiceError(
            kind.duplicate_code,
            f"{kind.a_one} with this name or UKPRN was registered a moment ago: search for it.",
            status=409,
        ) from None


def _create(kind: Kind, command: Command):
    row = kind.model()
    _write(kind, row, command.given())
    record(kind.entity, row.id, "create", after=kind.shape.of(row))
    return row


def _update(kind: Kind, row, change: Command):
    """Change what was sent. A name or UKPRN sent back as it is, and a name whose key stays
    the same (a change of case), are not checked again: a record kept from before the checks
    (migration 0016) can still have its other fields put right."""
    before = kind.shape.of(row)
    values = change.given()
    name = values.get("name")
    if name is not None and (name == row.name or organisation_name_key(name) == row.name_key):
        row.name = values.pop("name")
    if "ukprn" in values and values["ukprn"] == row.ukprn:
        values.pop("ukprn")
    _write(kind, row, values)
    old, new = changes(before, kind.shape.of(row))
    if new:
        record(kind.entity, row.id, "update", before=old, after=new)
    return row


def create_employer(command: EmployerNew) -> Employer:
    """Add an employer; the same name (ignoring case and spacing) may not be added twice."""
    return _create(EMPLOYERS, command)


def create_provider(command: ProviderNew) -> Provider:
    """Add a training provider with a valid, unused UKPRN and a name of its own."""
    return _create(PROVIDERS, command)


def update_employer(employer: Employer, change: EmployerChange) -> Employer:
    return _update(EMPLOYERS, employer, change)


def update_provider(provider: Provider, change: ProviderChange) -> Provider:
    return _update(PROVIDERS, provider, change)


def get_employer(employer_id: int) -> Employer:
    employer = db.session.get(Employer, employer_id)
    if employer is None:
        raise NotFound("employer")
    return employer


def get_provider(provider_id: int) -> Provider:
    provider = db.session.get(Provider, provider_id)
    if provider is None:
        raise NotFound("provider")
    return provider


def search(kind: Kind, words: str | None):
    """The organisations of a kind whose name holds `words` (ignoring case and spacing), or,
    for providers, whose UKPRN starts with them; by name."""
    model = kind.model
    query = select(model).order_by(model.name, model.id)
    if not words:
        return query
    found = model.name_key.contains(organisation_name_key(words), autoescape=True)
    if kind is PROVIDERS and words.isascii() and words.isdigit():
        found = or_(found, model.ukprn.startswith(words, autoescape=True))
    return query.where(found)


def apprentice_counts(kind: Kind, ids: list[int]) -> dict[int, int]:
    """How many apprentices each of these organisations has, in one query."""
    if not ids:
        return {}
    column = getattr(Apprentice, kind.column)
    rows = db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column))
    return dict(rows.all())


def apprentices_of(kind: Kind, organisation_id: int):
    """The organisation's apprentices, by family name, with what their rows show."""
    column = getattr(Apprentice, kind.column)
    return (
        select(Apprentice)
        .where(column == organisation_id)
        .options(selectinload(Apprentice.standard), selectinload(Apprentice.version))
        .order_by(Apprentice.family_name, Apprentice.given_names, Apprentice.id)
    )


def conflicts_with(kind: Kind, organisation_id: int) -> list[tuple[AssessorConflict, User]]:
    """The assessors who declared a conflict of interest with the organisation, by name."""
    column = getattr(AssessorConflict, kind.column)
    return db.session.execute(
        select(AssessorConflict, User)
        .join(User, User.id == AssessorConflict.assessor_id)
        .where(column == organisation_id)
        .order_by(User.name, User.id)
    ).all()
