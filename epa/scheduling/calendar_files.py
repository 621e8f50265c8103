"""Calendar files for booked assessments: an invite per booking and a feed per assessor.

Pure functions from plain data to bytes (no Flask, no database, no clock), so the
views only send what these return.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, vCalAddress, vDuration, vText

DEFAULT_PRODUCT = "-//End-point assessment//EN"

# Subscribed calendars poll on their own schedule (Outlook: up to a day) unless told.
FEED_REFRESH = timedelta(hours=1)

# Besides CR and LF, these are line breaks to str.splitlines() and so to any consumer
# that splits a file with it; turning them into "\n" means they are escaped as "\n".
_LINE_BREAK = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# RFC 5545 TEXT allows no control character other than HTAB (and "\n", escaped).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLANK_RUN = re.compile(r"\s+")
_EMAIL = re.compile(r'[^\s@\x00-\x1f\x7f"<>]+@[^\s@\x00-\x1f\x7f"<>]+')


@dataclass(frozen=True)
class CalendarEvent:
    """One booking as a calendar sees it; the caller keeps uid and sequence."""

    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str
    location: str | None
    organiser_name: str
    organiser_email: str
    attendee_name: str
    attendee_email: str
    cancelled: bool
    changed_at: datetime

    def __post_init__(self) -> None:
        """Refuse values that would make a wrong or unreadable file rather than write one."""
        for field in ("starts_at", "ends_at", "changed_at"):
            value = getattr(self, field)
            # A naive time would be read as the server's local time: an hour out in summer.
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"{field} must be timezone-aware")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        # Clients match updates to the booking by UID, so it is written exactly as given.
        if not self.uid.strip() or _CONTROL.search(self.uid) or _LINE_BREAK.search(self.uid):
            raise ValueError("uid must be non-empty, on one line, without control characters")
        for field in ("organiser_email", "attendee_email"):
            if not _EMAIL.fullmatch(getattr(self, field)):
                raise ValueError(f"{field} is not a usable email address")


class _Text(vText):
    """TEXT escaped so that any string reads back unchanged."""

    __slots__ = ()

    def to_ical(self) -> bytes:
        return _escaped(str(self)).encode(self.encoding)


def clean_text(value: str) -> str:
    """Return free text with every line break as "\\n" and no other control characters."""
    return _CONTROL.sub("", _LINE_BREAK.sub("\n", value))


def clean_name(value: str) -> str:
    """Return a name for a CN parameter: one line, single spaces, "/" for any backslash."""
    # RFC 5545 gives a backslash no meaning in a parameter, but icalendar's parser reads
    # it as an escape: a trailing one swallows the ":" and with it the email address.
    value = _LINE_BREAK.sub(" ", value).replace("\\", "/")
    return _BLANK_RUN.sub(" ", _CONTROL.sub(" ", value)).strip()


def invite_ics(event: CalendarEvent, *, product: str = DEFAULT_PRODUCT) -> bytes:
    """Return an invitation (METHOD:REQUEST), or a cancellation (METHOD:CANCEL), for one booking."""
    method = "CANCEL" if event.cancelled else "REQUEST"
    # Written here, as the feed's events are, unless a name holds what icalendar would escape.
    written = _written_vevent(event, attendee=True)
    if written is not None:
        head, tail = _calendar_bytes(product, method)
        return b"".join([head, written, b"END:VCALENDAR", tail])
    calendar = _calendar(product, method)
    vevent = _vevent(event)
    vevent.add(
        "attendee",
        vCalAddress.new(
            event.attendee_email,
            cn=clean_name(event.attendee_name),
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp=True,
        ),
    )
    calendar.add_component(vevent)
    return calendar.to_ical()


def feed_ics(events: list[CalendarEvent], *, name: str, product: str = DEFAULT_PRODUCT) -> bytes:
    """Return a subscribable feed (METHOD:PUBLISH) of bookings, cancelled ones included."""
    repeated = sorted(uid for uid, count in Counter(e.uid for e in events).items() if count > 1)
    if repeated:
        # Two VEVENTs with one UID and no RECURRENCE-ID is one event defined twice.
        raise ValueError(f"UIDs appear more than once: {', '.join(repeated)}")
    calendar = _calendar(product, "PUBLISH")
    calendar.add("name", _Text(clean_name(name)))
    # NAME is RFC 7986; Outlook, Google and Apple still read only X-WR-CALNAME.
    calendar.add("x-wr-calname", _Text(clean_name(name)))
    calendar.add("refresh-interval", vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    # No ATTENDEE: RFC 5546 forbids it in PUBLISH, and with it Outlook offers to reply.
    # icalendar takes milliseconds an event, too long for a feed of hundreds: each is written
    # here instead, byte for byte as icalendar writes it, but for a name it would escape.
    head, tail = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    return b"".join([head, *(_feed_vevent(event) for event in events), b"END:VCALENDAR", tail])


# What icalendar quotes in a CN parameter (QUOTABLE, and its quote_also for CN), and what it
# would escape or refuse.
_PARAMETER_QUOTED = re.compile("[,;:\u2019 ']")
_PARAMETER_SPECIAL = re.compile('[\x00-\x1f\x7f"^]')


@lru_cache(maxsize=8)
def _calendar_bytes(product: str, method: str) -> tuple[bytes, bytes]:
    """A calendar without events as icalendar writes it: what comes before its events, and
    after them."""
    head, tail = _calendar(product, method).to_ical().rsplit(b"END:VCALENDAR", 1)
    return head, tail


def _feed_vevent(event: CalendarEvent) -> bytes:
    return _written_vevent(event) or _vevent(event).to_ical()


def _parameter(value: str) -> str | None:
    """A CN parameter as icalendar writes it, or None for one it would escape."""
    value = clean_name(value)
    if _PARAMETER_SPECIAL.search(value):
        return None
    return f'"{value}"' if _PARAMETER_QUOTED.search(value) else value


def _written_vevent(event: CalendarEvent, *, attendee: bool = False) -> bytes | None:
    """One booking, as icalendar writes `_vevent(event)` (with the invitation's ATTENDEE when
    `attendee`): its canonical properties first (SUMMARY to SEQUENCE), then the rest by name,
    each line folded at 75 octets. None when a name or address holds what icalendar escapes."""
    organiser = _parameter(event.organiser_name)
    if organiser is None or _PARAMETER_SPECIAL.search(event.organiser_email):
        return None
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{_escaped(clean_text(event.summary))}",
        f"DTSTART:{_utc_text(event.starts_at)}",
        f"DTEND:{_utc_text(event.ends_at)}",
        f"DTSTAMP:{_utc_text(event.changed_at)}",
        f"UID:{_escaped(event.uid)}",
        f"SEQUENCE:{event.sequence}",
    ]
    if attendee:
        name = _parameter(event.attendee_name)
        if name is None or _PARAMETER_SPECIAL.search(event.attendee_email):
            return None
        lines.append(
            f"ATTENDEE;CN={name};PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE"
            f":mailto:{event.attendee_email}"
        )
    lines += [
        f"DESCRIPTION:{_escaped(clean_text(event.description))}",
        f"LAST-MODIFIED:{_utc_text(event.changed_at)}",
    ]
    if event.location is not None:
        lines.append(f"LOCATION:{_escaped(clean_text(event.location))}")
    lines += [
        f"ORGANIZER;CN={organiser}:mailto:{event.organiser_email}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    # most lines are short and ASCII, which folding leaves as they are
    short = 75
    return "".join(
        (line if len(line) < short and line.isascii() else _folded(line)) + "\r\n" for line in lines
    ).encode()


def _escaped(text: str) -> str:
    """TEXT escaped: backslash first, then the separators and line breaks."""
    # icalendar's own escaper treats a literal backslash-N as its line-break alias,
    # so "C:\New" would arrive as "C:", a line break, and "ew".
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc_text(moment: datetime) -> str:
    return _utc(moment).strftime("%Y%m%dT%H%M%SZ")


def _folded(line: str, limit: int = 75) -> str:
    """icalendar's folding: a line break and a space before the octet that would reach the
    limit, never straight after a backslash or caret (an escape stays whole)."""
    if line.isascii():  # a character an octet: cut by length
        parts, start = [], 0
        while len(line) - start >= limit:
            end = start + limit - 1
            if line[end - 1] in "\\^":
                end -= 1
            parts.append(line[start:end])
            start = end
        return "\r\n ".join([*parts, line[start:]])
    parts, current, octets = [], [], 0
    for char in line:
        size = len(char.encode())
        if current and octets + size >= limit:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, octets = [carried], len(carried.encode())
            else:
                parts.append("".join(current))
                current, octets = [], 0
        current.append(char)
        octets += size
    if current:
        parts.append("".join(current))
    return "\r\n ".join(parts)


def _calendar(product: str, method: str) -> Calendar:
    # Calendar() rather than Calendar.new(), which gives the calendar a random UID.
    calendar = Calendar()
    calendar.add("prodid", _Text(product))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _vevent(event: CalendarEvent) -> Event:
    # Event() rather than Event.new(), which stamps the current time and a random UID.
    vevent = Event()
    vevent.add("uid", _Text(event.uid))
    vevent.add("sequence", event.sequence)
    # Written in UTC ("...Z") so no VTIMEZONE is needed: Outlook shifts a TZID that has
    # none, and ical.js reads icalendar's RDATE-based Europe/London an hour out.
    vevent.add("dtstart", _utc(event.starts_at))
    vevent.add("dtend", _utc(event.ends_at))
    vevent.add("dtstamp", _utc(event.changed_at))
    vevent.add("last-modified", _utc(event.changed_at))
    vevent.add("summary", _Text(clean_text(event.summary)))
    vevent.add("description", _Text(clean_text(event.description)))
    if event.location is not None:
        vevent.add("location", _Text(clean_text(event.location)))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    vevent.add(
        "organizer", vCalAddress.new(event.organiser_email, cn=clean_name(event.organiser_name))
    )
    return vevent


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
