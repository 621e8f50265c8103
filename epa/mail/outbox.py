"""Queueing mail: a message is added to the outbox in the transaction of the change it reports.

Nothing here commits or sends; once the commit has kept a message, a worker sends it
(`epa.mail.send`, with retries), and a minutely sweep sends whatever is still waiting.
"""

import re

from sqlalchemy import func, select

from epa.extensions import db
from epa.jobs.queue import dispatch_after_commit
from epa.mail.models import OutboxMessage

#: iTIP methods we send (RFC 5546): an invitation or update, and a cancellation
ICS_METHODS = frozenset({"REQUEST", "CANCEL"})

# The column sizes of OutboxMessage: a name or subject is cut to fit rather than lose a booking.
_NAME_LENGTH = 200
_SUBJECT_LENGTH = 300
_ADDRESS_LENGTH = 254

#: (pattern, replacement) applied to a message's stored body once it is sent: a secret that must
#: reach its reader by email (a password reset link) is not kept in the database after that.
#: Features register their own (the mail package knows none of them).
REDACT_ONCE_SENT: list[tuple[re.Pattern, str]] = []


def redact_once_sent(pattern: str, replacement: str) -> None:
    REDACT_ONCE_SENT.append((re.compile(pattern), replacement))


def redacted(body: str) -> str:
    for pattern, replacement in REDACT_ONCE_SENT:
        body = pattern.sub(replacement, body)
    return body


_FOLDED_LINE = re.compile(rb"\r?\n[ \t]")
_METHOD_LINE = re.compile(rb"^METHOD(?:;[^:\r\n]*)?:([^\r\n]*)\r?$", re.MULTILINE | re.IGNORECASE)
_BLANK_RUN = re.compile(r"\s+")
# No whitespace, control character or address-list syntax on either side of the one "@".
_BARE_ADDRESS = re.compile(r'[^\s@\x00-\x1f\x7f"<>(),;:\\\[\]]+@[^\s@\x00-\x1f\x7f"<>(),;:\\\[\]]+')


def queue_message(
    *,
    to_address: str,
    to_name: str,
    subject: str,
    body: str,
    ics: bytes | None = None,
    ics_method: str | None = None,
    assessment_id: int | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction; the caller commits.

    Raises ValueError for an address `is_sendable_address` refuses, an ics_method other than
    REQUEST or CANCEL (or one without a file), or a file whose METHOD differs or is not UTF-8.
    """
    if not is_sendable_address(to_address):
        raise ValueError(f"{to_address!r} is not an address this service can send to")
    if ics is None:
        if ics_method is not None:
            raise ValueError("ics_method is set but there is no calendar file")
        stored_ics = None
    else:
        if ics_method not in ICS_METHODS:
            raise ValueError(f"ics_method must be one of {sorted(ICS_METHODS)}, not {ics_method!r}")
        found = calendar_method(ics)
        # Outlook refuses an invitation whose MIME method differs from the file's METHOD.
        if found != ics_method:
            raise ValueError(f"the calendar file's METHOD is {found!r}, not {ics_method!r}")
        stored_ics = ics.decode("utf-8")  # RFC 5545 files are UTF-8; anything else is refused
    message = OutboxMessage(
        to_address=to_address,
        to_name=_one_line(to_name, _NAME_LENGTH),
        subject=_one_line(subject, _SUBJECT_LENGTH),
        body=body,
        ics=stored_ics,
        ics_method=ics_method,
        assessment_id=assessment_id,
        attempts=0,
    )
    db.session.add(message)
    # Sent by a worker once the change it reports has committed; never if it rolls back.
    dispatch_after_commit(db.session(), "epa.mail.send", message)
    return message


def count_waiting() -> int:
    """How many messages have not been sent yet."""
    query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    return db.session.scalar(query)


def calendar_method(ics: bytes) -> str | None:
    """The METHOD of an iCalendar file, upper-cased, or None when it has none."""
    match = _METHOD_LINE.search(_FOLDED_LINE.sub(b"", ics))
    return match.group(1).decode("ascii", "replace").strip().upper() if match else None


def is_sendable_address(address: str) -> bool:
    """Whether `queue_message` takes this address: one bare address, no name, list or break.

    International addresses (`zoë@example.com`, which email-validator accepts) are taken: they
    go out over SMTPUTF8, and a server without it fails that one message, never the booking.
    """
    return len(address) <= _ADDRESS_LENGTH and _BARE_ADDRESS.fullmatch(address) is not None


def _one_line(value: str, length: int) -> str:
    """Header text on one line (a line break in a header is refused, or worse, injected)."""
    text = _BLANK_RUN.sub(" ", value).strip()
    return text if len(text) <= length else text[: length - 1] + "…"
