"""Registering employers and training providers."""

from sqlalchemy import select

from epa.audit.services import record
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.organisations import schemas
from epa.organisations.models import Employer, Provider, employer_name_key
from epa.organisations.schemas import EmployerNew, ProviderNew
from epa.persistence import flush_or_conflict


def create_employer(command: EmployerNew) -> Employer:
    """Add an employer; the same name (ignoring case) may not be added twice."""
    name = command.name
    conflict = ServiceError(
        "duplicate_employer",
        f"An employer called {name} already exists.",
        status=409,
        fields={"name": "An employer with this name already exists"},
    )
    key = employer_name_key(name)
    if db.session.scalar(select(Employer.id).where(Employer.name_key == key)):
        raise conflict
    employer = Employer(name=name, name_key=key)
    db.session.add(employer)
    flush_or_conflict(conflict)
    record("employer", employer.id, "create", after=schemas.Employer.of(employer))
    return employer


def create_provider(command: ProviderNew) -> Provider:
    """Add a training provider with a valid, unused UKPRN."""
    name, ukprn = command.name, command.ukprn
    conflict = ServiceError(
        "duplicate_ukprn",
        f"A provider with UKPRN {ukprn} is already registered.",
        status=409,
        fields={"ukprn": "A provider with this UKPRN is already registered"},
    )
    if db.session.scalar(select(Provider.id).where(Provider.ukprn == ukprn)):
        raise conflict
    provider = Provider(name=name, ukprn=ukprn)
    db.session.add(provider)
    flush_or_conflict(conflict)
    record("provider", provider.id, "create", after=schemas.Provider.of(provider))
    return provider


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
