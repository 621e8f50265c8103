"""Calendar files read back with icalendar: times, identity, escaping and folding."""

import ast
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, vCalAddress

from epa.scheduling import calendar_files
from epa.scheduling.calendar_files import (
    DEFAULT_PRODUCT,
    CalendarEvent,
    feed_ics,
    invite_ics,
)

LONDON = ZoneInfo("Europe/London")
CHANGED_AT = datetime(2026, 1, 2, 8, 30, tzinfo=UTC)


def make_event(**overrides) -> CalendarEvent:
    """A booked professional discussion; keyword arguments replace any field."""
    starts_at = overrides.pop("starts_at", datetime(2026, 1, 15, 10, 0, tzinfo=UTC))
    fields = {
        "uid": "assessment-42-k3xq9@epa",
        "sequence": 0,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "summary": "EPA professional discussion: Sam Taylor (ST0825)",
        "description": "Bring the portfolio.",
        "location": "Room 2, 1 Park Row, Leeds LS1 5AB",
        "organiser_name": "Northern Assessment Ltd",
        "organiser_email": "bookings@northern.example",
        "attendee_name": "Priya Shah",
        "attendee_email": "priya.shah@northern.example",
        "cancelled": False,
        "changed_at": CHANGED_AT,
    }
    fields.update(overrides)
    return CalendarEvent(**fields)


def feed_of_one(event: CalendarEvent) -> bytes:
    return feed_ics([event], name="Priya Shah: assessments")


RENDERERS = pytest.mark.parametrize("render", [invite_ics, feed_of_one], ids=["invite", "feed"])


def parse(raw: bytes) -> Calendar:
    return Calendar.from_ical(raw)


def only_event(raw: bytes):
    events = parse(raw).walk("VEVENT")
    assert len(events) == 1
    return events[0]


def assert_well_formed(raw: bytes) -> None:
    """CRLF endings, physical lines of at most 75 octets, each valid UTF-8 on its own."""
    assert raw.endswith(b"\r\n")
    for line in raw[: -len(b"\r\n")].split(b"\r\n"):
        assert b"\r" not in line
        assert b"\n" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")


# -- times --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local_start", "expected_start", "expected_end"),
    [
        # GMT: London is UTC.
        (datetime(2026, 1, 15, 10, 0), "20260115T100000Z", "20260115T110000Z"),
        # BST: London is UTC+1.
        (datetime(2026, 7, 15, 10, 0), "20260715T090000Z", "20260715T100000Z"),
        # The Monday after the clocks go forward (Sunday 29 March 2026).
        (datetime(2026, 3, 30, 10, 0), "20260330T090000Z", "20260330T100000Z"),
        # The Monday after the clocks go back (Sunday 25 October 2026).
        (datetime(2026, 10, 26, 10, 0), "20261026T100000Z", "20261026T110000Z"),
    ],
    ids=["winter", "summer", "after-spring-change", "after-autumn-change"],
)
@pytest.mark.parametrize("given_in", [UTC, LONDON], ids=["given-utc", "given-london"])
@RENDERERS
def test_times_are_written_in_utc_without_tzid(
    render, given_in, local_start, expected_start, expected_end
):
    starts_at = local_start.replace(tzinfo=LONDON).astimezone(given_in)
    raw = render(make_event(starts_at=starts_at))

    lines = raw.split(b"\r\n")
    assert f"DTSTART:{expected_start}".encode() in lines
    assert f"DTEND:{expected_end}".encode() in lines
    assert b"TZID" not in raw
    assert b"VTIMEZONE" not in raw
    event = only_event(raw)
    assert event.decoded("DTSTART") == starts_at
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)


@RENDERERS
def test_stamp_and_last_modified_are_the_change_time_in_utc(render):
    changed_at = datetime(2026, 6, 1, 14, 5, tzinfo=LONDON)
    raw = render(make_event(changed_at=changed_at))

    lines = raw.split(b"\r\n")
    assert b"DTSTAMP:20260601T130500Z" in lines
    assert b"LAST-MODIFIED:20260601T130500Z" in lines
    event = only_event(raw)
    assert event.decoded("DTSTAMP") == changed_at
    assert event.decoded("LAST-MODIFIED") == changed_at


@pytest.mark.parametrize(
    "overrides",
    [
        {"starts_at": datetime(2026, 1, 15, 10, 0)},
        {"ends_at": datetime(2026, 1, 15, 11, 0)},
        {"changed_at": datetime(2026, 1, 2, 8, 30)},
        {"ends_at": datetime(2026, 1, 15, 10, 0, tzinfo=UTC)},
        {"ends_at": datetime(2026, 1, 15, 9, 0, tzinfo=UTC)},
        {"sequence": -1},
        {"uid": ""},
        {"uid": "   "},
        {"uid": "assessment-42\r\nBEGIN:VEVENT"},
        {"uid": "assessment-42\x00"},
        {"organiser_email": "bookings"},
        {"organiser_email": "bookings@northern.example\r\nBEGIN:VEVENT"},
        {"attendee_email": "priya shah@northern.example"},
        {"attendee_email": "a@b@northern.example"},
    ],
    ids=[
        "naive-start",
        "naive-end",
        "naive-change",
        "zero-length",
        "ends-before-start",
        "negative-sequence",
        "empty-uid",
        "blank-uid",
        "uid-line-break",
        "uid-control",
        "email-no-at",
        "email-line-break",
        "email-space",
        "email-two-ats",
    ],
)
def test_events_that_would_make_a_wrong_file_are_refused(overrides):
    with pytest.raises(ValueError):
        make_event(**overrides)


# -- identity and status ------------------------------------------------------------


@pytest.mark.parametrize(
    ("cancelled", "sequence", "method", "status"),
    [
        (False, 0, "REQUEST", "CONFIRMED"),
        (False, 3, "REQUEST", "CONFIRMED"),
        (True, 4, "CANCEL", "CANCELLED"),
    ],
    ids=["booked", "rebooked", "cancelled"],
)
def test_invite_keeps_uid_and_carries_sequence_method_and_status(
    cancelled, sequence, method, status
):
    raw = invite_ics(make_event(sequence=sequence, cancelled=cancelled))

    calendar = parse(raw)
    assert calendar["METHOD"] == method
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == DEFAULT_PRODUCT
    event = only_event(raw)
    assert event["UID"] == "assessment-42-k3xq9@epa"
    assert event.decoded("SEQUENCE") == sequence
    assert event["STATUS"] == status
    assert f"METHOD:{method}".encode() in raw.split(b"\r\n")


@pytest.mark.parametrize("cancelled", [False, True], ids=["request", "cancel"])
def test_invite_names_organiser_and_attendee(cancelled):
    event = only_event(invite_ics(make_event(cancelled=cancelled)))

    organiser = event["ORGANIZER"]
    assert organiser == "mailto:bookings@northern.example"
    assert organiser.params["CN"] == "Northern Assessment Ltd"
    # RFC 5546 needs the attendee in a CANCEL too, or clients cannot tell whose it is.
    attendee = event["ATTENDEE"]
    assert attendee == "mailto:priya.shah@northern.example"
    assert attendee.params["CN"] == "Priya Shah"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('Smith, Jones; "North" & Partners: Ltd', 'Smith, Jones; "North" & Partners: Ltd'),
        ("Zoë Ní Bhriain ^ Ōtaki", "Zoë Ní Bhriain ^ Ōtaki"),
        ("Northern\r\nBEGIN:VEVENT", "Northern BEGIN:VEVENT"),
        ("  Northern \t Assessment\x00 Ltd\n", "Northern Assessment Ltd"),
        ("NORTHERN\\priya\\", "NORTHERN/priya/"),
    ],
    ids=["separators", "non-ascii", "line-break", "blanks-and-controls", "backslashes"],
)
@RENDERERS
def test_organiser_name_reads_back_on_one_line(render, name, expected):
    event = only_event(render(make_event(organiser_name=name, attendee_name=name)))

    assert event["ORGANIZER"].params["CN"] == expected
    if "ATTENDEE" in event:
        assert event["ATTENDEE"].params["CN"] == expected


def test_product_identifier_is_the_one_given():
    product = "-//Northern Assessment Ltd//EPA bookings//EN"

    assert parse(invite_ics(make_event(), product=product))["PRODID"] == product
    assert parse(feed_ics([], name="x", product=product))["PRODID"] == product


# -- text that must not break the file ----------------------------------------------

AWKWARD_TEXT = [
    "Room 2\nFloor 3\n\nAsk at reception",
    "Leeds, West Yorkshire; LS1 4AP",
    "C:\\New folder\\notes.docx",
    "\\n is not a line break, nor is \\N",
    "already escaped: \\, \\; \\\\",
    "ends with a backslash \\",
    "semi;colon,comma\nnew\\line",
    "\tindented\twith tabs",
    "Zoë Ní Bhriain – café £5 €5 😀",
    "",
]


@pytest.mark.parametrize("text", AWKWARD_TEXT)
@pytest.mark.parametrize("field", ["SUMMARY", "DESCRIPTION", "LOCATION"])
@RENDERERS
def test_text_reads_back_unchanged(render, field, text):
    raw = render(make_event(**{field.lower(): text}))

    assert_well_formed(raw)
    assert str(only_event(raw)[field]) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\n\r\nb", "a\n\nb"),
        ("a\u2028b\u2029c", "a\nb\nc"),
        ("a\x85b\x0bc\x0cd", "a\nb\nc\nd"),
        ("a\x00b\x1bc\x7fd", "abcd"),
    ],
    ids=["crlf", "cr", "blank-line", "unicode-separators", "other-breaks", "controls"],
)
@RENDERERS
def test_line_breaks_become_newlines_and_controls_are_dropped(render, text, expected):
    raw = render(make_event(description=text, location=text))

    assert_well_formed(raw)
    event = only_event(raw)
    assert str(event["DESCRIPTION"]) == expected
    assert str(event["LOCATION"]) == expected


INJECTION = "Room 2\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil\r\nSUMMARY:Free lunch\r\n"


@pytest.mark.parametrize("field", ["summary", "description", "location", "attendee_name"])
@RENDERERS
def test_text_cannot_start_another_event(render, field):
    raw = render(make_event(**{field: INJECTION}))

    assert_well_formed(raw)
    assert raw.split(b"\r\n").count(b"BEGIN:VEVENT") == 1
    assert b"\r\nUID:evil" not in raw
    assert only_event(raw)["UID"] == "assessment-42-k3xq9@epa"


@RENDERERS
def test_location_is_left_out_when_there_is_none(render):
    raw = render(make_event(location=None))

    assert "LOCATION" not in only_event(raw)
    assert b"\r\nLOCATION" not in raw


# -- folding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a" * 300,
        "é" * 200,
        "€" * 200,
        *["x" * offset + "😀" * 80 for offset in range(4)],
        "Zoë, Ní; Bhriain\\" * 20,
        "\\" * 150 + "," * 150,
    ],
    ids=[
        "ascii",
        "two-octet",
        "three-octet",
        *[f"four-octet-offset-{offset}" for offset in range(4)],
        "mixed-escapes",
        "all-escapes",
    ],
)
@pytest.mark.parametrize("field", ["summary", "description", "location", "organiser_name"])
@RENDERERS
def test_long_lines_fold_at_75_octets_between_characters(render, field, text):
    raw = render(make_event(**{field: text}))

    assert_well_formed(raw)
    assert max(len(line) for line in raw.split(b"\r\n")) > 60
    event = only_event(raw)
    if field == "organiser_name":
        assert event["ORGANIZER"].params["CN"] == text.replace("\\", "/")
    else:
        assert str(event[field.upper()]) == text


# -- the feed -----------------------------------------------------------------------


def test_feed_holds_each_booking_once_with_its_own_uid():
    events = [
        make_event(uid="assessment-1-a@epa", sequence=0),
        make_event(
            uid="assessment-2-b@epa",
            sequence=2,
            starts_at=datetime(2026, 7, 15, 9, 0, tzinfo=UTC),
            cancelled=True,
        ),
        make_event(uid="assessment-3-c@epa", sequence=1, location=None),
    ]

    raw = feed_ics(events, name="Priya Shah: assessments")

    assert_well_formed(raw)
    calendar = parse(raw)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Priya Shah: assessments"
    assert calendar["NAME"] == "Priya Shah: assessments"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    assert b"X-PUBLISHED-TTL:PT1H" in raw.split(b"\r\n")
    vevents = calendar.walk("VEVENT")
    assert [(e["UID"], e.decoded("SEQUENCE"), e["STATUS"]) for e in vevents] == [
        ("assessment-1-a@epa", 0, "CONFIRMED"),
        ("assessment-2-b@epa", 2, "CANCELLED"),
        ("assessment-3-c@epa", 1, "CONFIRMED"),
    ]
    # RFC 5546 has no ATTENDEE in PUBLISH; with one, Outlook offers to reply to a feed.
    assert all("ATTENDEE" not in e for e in vevents)
    assert all(e["ORGANIZER"] == "mailto:bookings@northern.example" for e in vevents)


def test_empty_feed_is_still_a_calendar():
    raw = feed_ics([], name="Priya Shah: assessments")

    assert_well_formed(raw)
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    calendar = parse(raw)
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Priya Shah: assessments"
    assert calendar.walk("VEVENT") == []


def test_feed_name_stays_on_one_line():
    raw = feed_ics([], name="Priya Shah\r\nBEGIN:VEVENT")

    assert parse(raw)["X-WR-CALNAME"] == "Priya Shah BEGIN:VEVENT"
    assert parse(raw).walk("VEVENT") == []


def test_feed_refuses_a_uid_twice():
    first = make_event(uid="assessment-1-a@epa")

    with pytest.raises(ValueError, match="assessment-1-a@epa"):
        feed_ics([first, replace(first, sequence=1)], name="x")


# -- determinism --------------------------------------------------------------------


def test_same_input_gives_the_same_bytes():
    event = make_event(description="Zoë\nC:\\New", cancelled=True, sequence=5)
    twin = make_event(description="Zoë\nC:\\New", cancelled=True, sequence=5)

    assert invite_ics(event) == invite_ics(twin) == invite_ics(event)
    assert feed_ics([event], name="x") == feed_ics([twin], name="x")
    # Calendar.new() and Event.new() would add a random UID and the current time.
    assert "UID" not in parse(invite_ics(event))
    assert "UID" not in parse(feed_ics([event], name="x"))


def test_generator_knows_no_web_framework_or_database():
    tree = ast.parse(Path(calendar_files.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}

    roots = {name.split(".")[0] for name in imported}
    assert roots.isdisjoint({"flask", "flask_sqlalchemy", "sqlalchemy", "epa"})


ORGANISER_NAMES = [
    "Northern Assessment Ltd",
    "Assess, Grade & Co; Ltd: North",
    "O’Brien Assessments",
    'The "Best" Assessors',
    "Caret ^ and back\\slash",
    "Ünïcödé Åssessors " * 4,
]


@pytest.mark.parametrize("name", ORGANISER_NAMES)
@pytest.mark.parametrize("text", AWKWARD_TEXT + ["x" * 73 + "\\" + "y" * 80, "é" * 60])
def test_feed_writes_each_booking_as_icalendar_does(name, text):
    """The feed writes its events itself, for speed: byte for byte what icalendar writes."""
    events = [
        make_event(uid="a@epa", summary=text, organiser_name=name),
        make_event(uid="b@epa", description=text, location=None, cancelled=True, sequence=3),
        make_event(uid="c@epa", location=text, starts_at=datetime(2026, 7, 1, 8, 0, tzinfo=LONDON)),
    ]
    calendar = calendar_files._calendar(DEFAULT_PRODUCT, "PUBLISH")
    raw = feed_ics(events, name="Priya Shah: assessments")
    for event in events:
        calendar.add_component(calendar_files._vevent(event))
    expected = calendar.to_ical()
    assert raw.split(b"BEGIN:VEVENT", 1)[1] == expected.split(b"BEGIN:VEVENT", 1)[1]


@pytest.mark.parametrize("name", [*ORGANISER_NAMES, "Grace O'Kafor"])
@pytest.mark.parametrize("cancelled", [False, True])
@pytest.mark.parametrize("text", [*AWKWARD_TEXT, "x" * 73 + "\\" + "y" * 80, "é" * 60])
def test_invite_writes_its_booking_as_icalendar_does(name, cancelled, text):
    """The invitation is written by hand too, for speed: byte for byte what icalendar writes."""
    event = make_event(
        summary=text, location=text, attendee_name=name, organiser_name=name, cancelled=cancelled
    )
    calendar = calendar_files._calendar(DEFAULT_PRODUCT, "CANCEL" if cancelled else "REQUEST")
    vevent = calendar_files._vevent(event)
    vevent.add(
        "attendee",
        vCalAddress.new(
            event.attendee_email,
            cn=calendar_files.clean_name(name),
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp=True,
        ),
    )
    calendar.add_component(vevent)
    assert invite_ics(event) == calendar.to_ical()
