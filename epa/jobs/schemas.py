"""What the API gives about a job: the contract's "Long work"."""

from typing import Annotated, Any, Literal

from pydantic import Field

from epa.shapes import Shape


class JobProgress(Shape):
    done: Annotated[int, Field(description="Rows or items done so far")]
    total: Annotated[int | None, Field(description="How many there are, once known")]


class JobRef(Shape):
    id: int
    status: Literal["queued", "running", "succeeded", "failed"]
    url: Annotated[str, Field(description="Where to follow it: GET /api/v1/jobs/{id}")]


class JobStarted(Shape):
    """The work is queued: follow the job to its result"""

    job: JobRef


class JobOut(Shape):
    """A job: its state, progress, and once finished its result or its error"""

    id: int
    kind: Literal["import_apprentices", "export_outcomes", "export_bookings", "send_reminders"]
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: JobProgress
    result: Annotated[
        dict[str, Any] | None,
        Field(
            description="On success: what the synchronous answer would have carried ({created} "
            "for an import; {download_url, rows, expires_at} for an export)"
        ),
    ]
    error: Annotated[
        dict[str, Any] | None,
        Field(description="On failure: the 422 body's `error` (with `rows` for an import)"),
    ]
