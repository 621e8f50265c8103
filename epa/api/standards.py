"""Standards: read-only, loaded from fixtures."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from epa.api.contract import ALL, operation
from epa.standards import schemas
from epa.standards.models import Standard
from epa.standards.services import get_version

TAG = "Standards"


@operation("get", "/standards", roles=ALL, tag=TAG, response=schemas.Standard, page=True)
def list_standards():
    """List standards and their versions"""
    return select(Standard).options(selectinload(Standard.versions)).order_by(Standard.reference)


@operation(
    "get",
    "/standards/<reference>/versions/<version>",
    roles=ALL,
    tag=TAG,
    response=schemas.Version,
)
def get_standard_version(reference: str, version: str):
    """A version's KSBs, assessment plan and grading table"""
    return get_version(reference, version)
