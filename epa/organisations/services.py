"""Registering employers and training providers."""

from sqlalchemy import func, select

from epa.audit.services import record
from epa.errors import NotFound, ServiceError
from epa.extensions import db
from epa.organisations.models import Employer, Provider
from epa.rules.identifiers import is_valid_ukprn


def _name(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ServiceError(
            "validation_failed",
            f"Enter the {what}'s name.",
            fields={"name": f"Enter the {what}'s name"},
        )
    name = " ".join(value.split())
    if len(name) > 200:
        raise ServiceError(
            "validation_failed",
            f"The {what}'s name must be 200 characters or fewer.",
            fields={"name": "Name must be 200 characters or fewer"},
        )
    return name


def create_employer(name) -> Employer:
    """Add an employer; the same name (ignoring case) may not be added twice."""
    name = _name(name, "employer")
    if db.session.scalar(select(Employer.id).where(func.lower(Employer.name) == name.lower())):
        raise ServiceError(
            "duplicate_employer",
            f"An employer called {name} already exists.",
            status=409,
            fields={"name": "An employer with this name already exists"},
        )
    employer = Employer(name=name)
    db.session.add(employer)
    db.session.flush()
    record("employer", employer.id, "create", after=employer.public())
    return employer


def create_provider(name, ukprn) -> Provider:
    """Add a training provider with a valid, unused UKPRN."""
    fields = {}
    try:
        name = _name(name, "provider")
    except ServiceError as error:
        fields.update(error.fields)
    ukprn = ukprn.strip() if isinstance(ukprn, str) else ukprn
    if not is_valid_ukprn(ukprn):
        raise ServiceError(
            "invalid_ukprn",
            "The UKPRN must be 8 digits starting with 1, like 10012345.",
            fields={"ukprn": "Enter a UKPRN of 8 digits starting with 1, like 10012345", **fields},
        )
    if fields:
        raise ServiceError("validation_failed", "Enter the provider's name.", fields=fields)
    if db.session.scalar(select(Provider.id).where(Provider.ukprn == ukprn)):
        raise ServiceError(
            "duplicate_ukprn",
            f"A provider with UKPRN {ukprn} is already registered.",
            status=409,
            fields={"ukprn": "A provider with this UKPRN is already registered"},
        )
    provider = Provider(name=name, ukprn=ukprn)
    db.session.add(provider)
    db.session.flush()
    record("provider", provider.id, "create", after=provider.public())
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
