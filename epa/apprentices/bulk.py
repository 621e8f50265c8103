"""Registering many apprentices at once, as an import does: the register form's own checks,
answered from records loaded in a few queries, then the records and their audit events written
a chunk at a time instead of a row at a time.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import islice
from types import SimpleNamespace

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from epa.apprentices.models import Apprentice
from epa.apprentices.schemas import ApprenticeNew
from epa.apprentices.services import Records, audit_view, registration_columns
from epa.audit.services import record_many
from epa.extensions import db
from epa.rules.identifiers import TEMPORARY_ULN
from epa.standards.models import Standard, StandardVersion

#: values in one IN list, and rows in one insert (SQLite allows 32,766 parameters a statement)
CHUNK = 500
#: what a new record holds before anything happens to it, besides the columns registering sets
_AS_REGISTERED = {
    "gateway_date": None,
    "epa_deadline": None,
    "epa_round": 1,
    "epa_started_on": None,
    "withdrawn_reason": None,
    "anonymised": False,
}


def chunks(values: Iterable, size: int = CHUNK):
    values = iter(values)
    while chunk := list(islice(values, size)):
        yield chunk


class LoadedRecords(Records):
    """Every standard with its versions, the organisations the caller found, and which of the
    given ULNs are registered on which standard: the checks' questions, answered without a
    query each."""

    def __init__(self, ulns: Iterable[str]):
        standards = db.session.scalars(select(Standard).options(selectinload(Standard.versions)))
        self.standards = {standard.reference: standard for standard in standards}
        self.known: set[tuple[type, int]] = set()
        self.taken = registered_pairs(ulns)

    def know(self, model, record_id: int) -> None:
        """An organisation the caller found or added, so the checks find it."""
        self.known.add((model, record_id))

    def exists(self, model, record_id: int) -> bool:
        return (model, record_id) in self.known

    def standard(self, reference: str) -> Standard | None:
        return self.standards.get(reference)

    def registered(self, standard_id: int, uln: str, exclude_id: int | None = None) -> bool:
        return (standard_id, uln) in self.taken


def registered_pairs(ulns: Iterable[str]) -> set[tuple[int, str]]:
    """(standard id, ULN) of every registration of these ULNs, in a query per CHUNK of them."""
    wanted = sorted({uln for uln in ulns if uln != TEMPORARY_ULN})
    pairs: set[tuple[int, str]] = set()
    for chunk in chunks(wanted):
        found = select(Apprentice.standard_id, Apprentice.uln).where(Apprentice.uln.in_(chunk))
        pairs.update((standard_id, uln) for standard_id, uln in db.session.execute(found))
    return pairs


class RegisteredMeanwhile(Exception):
    """The database refused the rows: another request registered some of the same apprentices
    after they were checked. Everything this transaction wrote has been rolled back; `indexes`
    are the registrations now taken (empty when the refusal was for another reason)."""

    def __init__(self, indexes: list[int]):
        super().__init__(indexes)
        self.indexes = indexes


def register_many(
    registrations: list[tuple[ApprenticeNew, Standard, StandardVersion]],
    progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Write checked registrations (see `check_registration`) and the audit event
    `register_apprentice` writes for each; their ids, in order. `progress(written)` is told
    after every chunk. The database's unique index still refuses an apprentice registered
    since the check: then `RegisteredMeanwhile`."""
    ids: list[int] = []
    try:
        for chunk in chunks(registrations):
            columns = [registration_columns(*registration) for registration in chunk]
            chunk_ids = _insert(columns)
            record_many(
                "apprentice",
                "create",
                [
                    (record_id, audit_view(_as_registered(record_id, values, standard, version)))
                    for record_id, values, (_, standard, version) in zip(
                        chunk_ids, columns, chunk, strict=True
                    )
                ],
            )
            ids += chunk_ids
            if progress is not None:
                progress(len(ids))
    except IntegrityError:
        db.session.rollback()
        taken = registered_pairs(command.uln for command, _, _ in registrations)
        raise RegisteredMeanwhile(
            [
                index
                for index, (command, standard, _) in enumerate(registrations)
                if (standard.id, command.uln) in taken
            ]
        ) from None
    return ids


def _insert(rows: list[dict]) -> list[int]:
    """Insert the rows in as few statements as the database allows; their ids, in order.

    SQLite returns the ids of a many-row insert in no set order, and would insert one row a
    statement to keep the order, so each id is matched to its row by the values it returns.
    Rows alike in every value are interchangeable, so any match of them is right.
    """
    names = list(rows[0])
    table = Apprentice.__table__  # the ORM's bulk insert would return rows one statement each
    returned = [table.c[name] for name in names]
    result = db.session.execute(insert(table).returning(table.c.id, *returned), rows)
    waiting: dict[tuple, list[int]] = defaultdict(list)
    for record_id, *values in result:
        waiting[tuple(values)].append(record_id)
    return [waiting[tuple(row[name] for name in names)].pop() for row in rows]


def _as_registered(record_id: int, values: dict, standard, version) -> SimpleNamespace:
    """The new record as `register_apprentice` holds it after writing, for the audit view."""
    return SimpleNamespace(
        id=record_id, **values, **_AS_REGISTERED, standard=standard, version=version
    )
