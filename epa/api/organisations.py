"""Employers and training providers."""

from sqlalchemy import select

from epa.api.contract import OFFICE, operation
from epa.extensions import db
from epa.organisations import services
from epa.organisations.models import Employer, Provider
from epa.organisations.schemas import Employer as EmployerOut
from epa.organisations.schemas import EmployerNew, ProviderNew
from epa.organisations.schemas import Provider as ProviderOut

TAG = "Organisations"


@operation(
    "post",
    "/employers",
    roles=OFFICE,
    tag=TAG,
    body=EmployerNew,
    response=EmployerOut,
    status=201,
    errors={409: ["duplicate_employer"]},
)
def create_employer(body: EmployerNew):
    """Register an employer"""
    employer = services.create_employer(body)
    db.session.commit()
    return employer


@operation("get", "/employers", roles=OFFICE, tag=TAG, response=EmployerOut, page=True)
def list_employers():
    """List employers by name"""
    return select(Employer).order_by(Employer.name, Employer.id)


@operation("get", "/employers/<id:employer_id>", roles=OFFICE, tag=TAG, response=EmployerOut)
def get_employer(employer_id: int):
    """One employer"""
    return services.get_employer(employer_id)


@operation(
    "post",
    "/providers",
    roles=OFFICE,
    tag=TAG,
    body=ProviderNew,
    response=ProviderOut,
    status=201,
    errors={409: ["duplicate_ukprn"], 422: ["invalid_ukprn"]},
)
def create_provider(body: ProviderNew):
    """Register a training provider by its UKPRN"""
    provider = services.create_provider(body)
    db.session.commit()
    return provider


@operation("get", "/providers", roles=OFFICE, tag=TAG, response=ProviderOut, page=True)
def list_providers():
    """List training providers by name"""
    return select(Provider).order_by(Provider.name, Provider.id)


@operation("get", "/providers/<id:provider_id>", roles=OFFICE, tag=TAG, response=ProviderOut)
def get_provider(provider_id: int):
    """One training provider"""
    return services.get_provider(provider_id)
