"""Registering employers and training providers."""

from epa.audit.services import record
from epa.errors import NotFound
from epa.extensions import db
from epa.organisations import schemas
from epa.organisations.models import Employer, Provider, employer_name_key
from epa.organisations.schemas import EmployerNew, ProviderNew
from epa.persistence import Unique, add_unique

DUPLICATE_EMPLOYER = Unique(
    "duplicate_employer",
    "name_key",
    "An employer called {row.name} already exists.",
    "An employer with this name already exists",
    field="name",
)
DUPLICATE_UKPRN = Unique(
    "duplicate_ukprn",
    "ukprn",
    "A provider with UKPRN {row.ukprn} is already registered.",
    "A provider with this UKPRN is already registered",
)


def create_employer(command: EmployerNew) -> Employer:
    """Add an employer; the same name (ignoring case) may not be added twice."""
    employer = Employer(name=command.name, name_key=employer_name_key(command.name))
    add_unique(employer, DUPLICATE_EMPLOYER)
    record("employer", employer.id, "create", after=schemas.Employer.of(employer))
    return employer


def create_provider(command: ProviderNew) -> Provider:
    """Add a training provider with a valid, unused UKPRN."""
    provider = add_unique(Provider(name=command.name, ukprn=command.ukprn), DUPLICATE_UKPRN)
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
