"""An assessor's conflicts of interest, unavailability and calendar feed address.

Conflicts are the office's to keep; unavailability the assessor's too. The operations are
grouped by what they do (add, list, remove), each group declared alike.
"""

from flask import g

from epa.api.contract import ALL, OFFICE, operation
from epa.errors import ServiceError
from epa.extensions import db
from epa.scheduling import diaries
from epa.scheduling.feed_views import feed_address
from epa.scheduling.schemas import (
    Conflict,
    ConflictNew,
    FeedAddress,
    Pattern,
    PatternChange,
    UnavailabilityNew,
)
from epa.scheduling.schemas import Unavailability as UnavailabilityShape

TAG = "Assessors"
#: Every operation here is about an assessor's diary: another user's is refused.
NOT_AN_ASSESSOR = {422: ["not_an_assessor"]}
CONFLICTS = "/users/<id:user_id>/conflicts"
UNAVAILABILITY = "/users/<id:user_id>/unavailability"
ADDED = {"tag": TAG, "status": 201}
LISTED = {"tag": TAG, "roles": ALL, "page": True, "errors": NOT_AN_ASSESSOR}
REMOVED = {"tag": TAG, "status": 204, "errors": NOT_AN_ASSESSOR}


def _diary(user_id: int):
    return diaries.assessor_for(user_id, g.actor)


def _committed(entry=("", 204)):
    """What the change gave (nothing, for a removal), once it is committed."""
    db.session.commit()
    return entry


@operation(
    "post",
    CONFLICTS,
    roles=OFFICE,
    body=ConflictNew,
    response=Conflict,
    errors={409: ["duplicate_conflict"], **NOT_AN_ASSESSOR},
    **ADDED,
)
def add_conflict(user_id: int, body: ConflictNew):
    """Declare an employer or provider the assessor may not assess"""
    return _committed(diaries.add_conflict(_diary(user_id), body))


@operation(
    "post",
    UNAVAILABILITY,
    roles=ALL,
    body=UnavailabilityNew,
    response=UnavailabilityShape,
    errors={422: ["not_an_assessor", "invalid_local_time"]},
    **ADDED,
)
def add_unavailability(user_id: int, body: UnavailabilityNew):
    """Record a time the assessor cannot be booked (assessors: their own)"""
    return _committed(diaries.add_unavailability(_diary(user_id), body))


@operation("get", CONFLICTS, response=Conflict, **LISTED)
def list_conflicts(user_id: int):
    """An assessor's declared conflicts of interest"""
    return diaries.conflicts_of(_diary(user_id))


@operation("get", UNAVAILABILITY, response=UnavailabilityShape, **LISTED)
def list_unavailability(user_id: int):
    """An assessor's recorded unavailability, soonest first"""
    return diaries.unavailability_of(_diary(user_id))


@operation("delete", CONFLICTS + "/<id:conflict_id>", roles=OFFICE, **REMOVED)
def remove_conflict(user_id: int, conflict_id: int):
    """Remove a declared conflict of interest"""
    diaries.remove_conflict(_diary(user_id), conflict_id)
    return _committed()


@operation("delete", UNAVAILABILITY + "/<id:period_id>", roles=ALL, **REMOVED)
def remove_unavailability(user_id: int, period_id: int):
    """Remove recorded unavailability"""
    diaries.remove_unavailability(_diary(user_id), period_id)
    return _committed()


@operation(
    "post",
    "/users/<id:user_id>/calendar-token",
    roles=ALL,
    response=FeedAddress,
    errors=NOT_AN_ASSESSOR,
    **ADDED,
)
def issue_calendar_token(user_id: int):
    """A new private calendar feed address (admin, or the assessor); revokes the old"""
    if g.actor.role != "admin" and g.actor.id != user_id:
        raise ServiceError(
            "forbidden", "Only an administrator or the assessor may do this.", status=403
        )
    return _committed({"feed_url": feed_address(diaries.issue_calendar_token(_diary(user_id)))})


PATTERN = "/assessors/<id:user_id>/pattern"


@operation("get", PATTERN, roles=ALL, tag=TAG, response=Pattern, errors=NOT_AN_ASSESSOR)
def get_pattern(user_id: int):
    """When the assessor works (assessors: their own); the default until one is set"""
    return diaries.pattern_shape(_diary(user_id))


@operation(
    "put",
    PATTERN,
    roles=OFFICE,
    tag=TAG,
    body=PatternChange,
    response=Pattern,
    errors={422: ["not_an_assessor"]},
)
def set_pattern(user_id: int, body: PatternChange):
    """Set the days, hours and most assessments a day the assessor works"""
    return _committed(diaries.set_pattern(_diary(user_id), body))
