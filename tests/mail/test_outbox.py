"""Email invites through the outbox, delivered to a real SMTP server (aiosmtpd) on 127.0.0.1."""

import email
import logging
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlalchemy import func, select

from epa.extensions import db
from epa.jobs import tasks
from epa.mail import sending
from epa.mail.models import OutboxMessage
from epa.mail.outbox import is_sendable_address, queue_message
from epa.mail.sending import build_email, deliver_pending

SENDER = "bookings@epao.example"
EPAO_NAME = "Northern Assessment Ltd"
PASSWORD_ON_SERVER = "s3cret-Pa55word"


def ics_file(method: str = "REQUEST") -> bytes:
    """A small hand-written invitation: CRLF lines, UTF-8, and a folded line."""
    status = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
    return (
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//Tests//EN\r\n"
        f"METHOD:{method}\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:assessment-17@epao.example\r\n"
        f"SEQUENCE:{1 if method == 'CANCEL' else 0}\r\n"
        "DTSTAMP:20260302T090000Z\r\n"
        "DTSTART:20260316T100000Z\r\n"
        "DTEND:20260316T130000Z\r\n"
        "SUMMARY:Project assessment – Zoë Ó Briain\r\n"
        "DESCRIPTION:A practical assessment of the work-based project\\, up to thr\r\n"
        " ee hours.\r\n"
        f"STATUS:{status}\r\n"
        "ORGANIZER;CN=Northern Assessment Ltd:mailto:bookings@epao.example\r\n"
        "ATTENDEE;CN=Alex Assessor;RSVP=TRUE:mailto:alex@assessors.example\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    ).encode()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every envelope and refuses the addresses in `refuse`."""

    def __init__(self):
        self.envelopes = []
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [email.message_from_bytes(e.content, policy=policy.default) for e in self.envelopes]


class SmtpServer:
    def __init__(self, inbox, port):
        self.inbox = inbox
        self.port = port


def start_server(request, **smtp_settings) -> SmtpServer:
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, server_hostname="localhost", **smtp_settings
    )
    controller.start()
    request.addfinalizer(controller.stop)
    return SmtpServer(inbox, port)


@pytest.fixture
def smtp_server(request):
    """A live SMTP server on 127.0.0.1 and a free port, stopped after the test."""
    return start_server(request)


@pytest.fixture
def configure_mail(app, monkeypatch):
    """configure_mail(port, **settings): point the app at 127.0.0.1:port (None: no server).

    monkeypatch puts the app's settings back after the test.
    """

    def configure(port, **settings):
        values = {
            "MAIL_SERVER": "127.0.0.1" if port else None,
            "MAIL_PORT": port or 25,
            "MAIL_USE_TLS": False,
            "MAIL_USERNAME": None,
            "MAIL_PASSWORD": None,
            "MAIL_SENDER": SENDER,
            "EPAO_NAME": EPAO_NAME,
        }
        values.update(settings)
        for name, value in values.items():
            monkeypatch.setitem(app.config, name, value)
        return app.config

    return configure


@pytest.fixture
def queue(ctx, held_tasks):
    """queue(**overrides) -> the id of a committed outbox message (an invitation by default).

    The worker's task is held (held_tasks), so each test sends when and how it means to."""

    def add(**overrides):
        fields = {
            "to_address": "alex@assessors.example",
            "to_name": "Alex Assessor",
            "subject": "Assessment booked: project, Monday 16 March 2026 at 10:00",
            "body": "You are booked to assess Zoë Ó Briain's project.\nThe invitation is attached.",
            "ics": ics_file("REQUEST"),
            "ics_method": "REQUEST",
        }
        fields.update(overrides)
        message = queue_message(**fields)
        db.session.commit()
        return message.id

    return add


def row(message_id) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def calendar_part(message):
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def stored_message(**fields) -> OutboxMessage:
    """An outbox row as the database would give it back, without a database."""
    values = {
        "to_address": "alex@assessors.example",
        "to_name": "Alex Assessor",
        "subject": "Assessment booked",
        "body": "Booked.",
        "ics": None,
        "ics_method": None,
    }
    values.update(fields)
    return OutboxMessage(**values)


# Queueing


def test_queue_message_adds_to_the_session_and_neither_commits_nor_sends(
    ctx, smtp_server, configure_mail
):
    configure_mail(smtp_server.port)
    message = queue_message(
        to_address="alex@assessors.example",
        to_name="Alex Assessor",
        subject="Assessment booked",
        body="Booked.",
        ics=ics_file(),
        ics_method="REQUEST",
        assessment_id=None,
    )
    assert message in db.session.new
    assert message.ics == ics_file().decode()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert smtp_server.inbox.envelopes == []


@pytest.mark.parametrize(
    "overrides, problem",
    [
        ({"ics_method": "PUBLISH"}, "ics_method must be one of"),
        ({"ics_method": "request"}, "ics_method must be one of"),
        ({"ics_method": None}, "ics_method must be one of"),
        ({"ics": None}, "there is no calendar file"),
        ({"ics": ics_file("CANCEL")}, "METHOD is 'CANCEL', not 'REQUEST'"),
        ({"ics": b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}, "METHOD is None"),
        ({"ics": ics_file().replace("Zoë".encode(), b"Zo\xeb")}, "utf-8"),
        ({"to_address": "Alex <alex@assessors.example>"}, "not an address"),
        ({"to_address": "alex@assessors.example, sam@example.com"}, "not an address"),
        ({"to_address": "alex@assessors.example\r\nBcc: sam@example.com"}, "not an address"),
        ({"to_address": ""}, "not an address"),
    ],
)
def test_queue_message_refuses_what_it_could_not_send_properly(ctx, overrides, problem):
    fields = {
        "to_address": "alex@assessors.example",
        "to_name": "Alex Assessor",
        "subject": "Assessment booked",
        "body": "Booked.",
        "ics": ics_file("REQUEST"),
        "ics_method": "REQUEST",
    }
    fields.update(overrides)
    with pytest.raises(ValueError, match=problem):
        queue_message(**fields)
    assert not db.session.new


@pytest.mark.parametrize(
    "address, sendable",
    [
        ("sam.taylor@example.com", True),
        ("zoë@example.com", True),  # email-validator accepts it, so a booking may carry it
        ("zoe@exämple.com", True),
        ("sam.taylor@", False),
        ("@example.com", False),
        ("sam@taylor@example.com", False),
        ("Sam <sam@example.com>", False),
        ("x" * 250 + "@example.com", False),
    ],
)
def test_is_sendable_address(address, sendable):
    assert is_sendable_address(address) is sendable


def test_names_and_subjects_are_kept_on_one_line_and_cut_to_fit(ctx, queue):
    long_name = "Sam\nTaylor " + "x" * 300
    long_subject = "Booked:\r\n" + "y" * 400
    message = row(queue(to_name=long_name, subject=long_subject, ics=None, ics_method=None))
    assert message.to_name.startswith("Sam Taylor x")
    assert len(message.to_name) == 200
    assert message.subject.startswith("Booked: y")
    assert len(message.subject) == 300


# Building the email


def test_an_email_without_a_calendar_file_is_plain_text():
    built = build_email(
        stored_message(body="Hello Zoë,\nyour assessment is booked."),
        sender_address=SENDER,
        sender_name=EPAO_NAME,
    )
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content().splitlines() == ["Hello Zoë,", "your assessment is booked."]
    assert parsed["From"] == f"{EPAO_NAME} <{SENDER}>"
    assert parsed["Message-ID"].endswith("@epao.example>")
    assert parsed["Date"]


def test_an_invitation_has_the_shape_outlook_and_google_read():
    ics = ics_file("REQUEST")
    built = build_email(
        stored_message(id=17, ics=ics.decode(), ics_method="REQUEST"),
        sender_address=SENDER,
        sender_name=EPAO_NAME,
    )
    raw = built.as_bytes()
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["MIME-Version"] == "1.0"
    assert parsed.get_content_type() == "multipart/mixed"
    alternative, attachment = parsed.get_payload()
    # Outlook reads iMIP only from the first child of multipart/mixed.
    assert alternative.get_content_type() == "multipart/alternative"
    text, calendar = alternative.get_payload()
    assert text.get_content_type() == "text/plain"
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_content_disposition() is None  # inline: the invitation itself
    assert calendar.get_payload(decode=True) == ics
    # Unquoted, exactly as Outlook and Google write it.
    assert b'Content-Type: text/calendar; charset="UTF-8"; method=REQUEST\r\n' in raw
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_param("name") == "invite.ics"
    assert attachment.get_payload(decode=True) == ics
    # Every part is 7-bit on the wire, whatever the server offers.
    assert raw.isascii()


def test_a_retry_carries_the_same_message_id(ctx, queue):
    message = row(queue())
    first = build_email(message, sender_address=SENDER, sender_name=EPAO_NAME)
    again = build_email(message, sender_address=SENDER, sender_name=EPAO_NAME)
    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].startswith(f"<epa-outbox-{message.id}.")


def test_build_email_refuses_a_method_that_differs_from_the_file():
    message = stored_message(ics=ics_file("CANCEL").decode(), ics_method="REQUEST")
    with pytest.raises(ValueError, match="does not match"):
        build_email(message, sender_address=SENDER, sender_name=EPAO_NAME)


# Delivering


def test_a_queued_invitation_is_delivered(ctx, queue, smtp_server, configure_mail):
    config = configure_mail(smtp_server.port)
    message_id = queue()

    assert deliver_pending(config) == (1, 0)

    [envelope] = smtp_server.inbox.envelopes
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_tos == ["alex@assessors.example"]
    [received] = smtp_server.inbox.messages()
    assert received["To"] == "Alex Assessor <alex@assessors.example>"
    assert received["From"] == f"{EPAO_NAME} <{SENDER}>"
    assert received["Subject"] == "Assessment booked: project, Monday 16 March 2026 at 10:00"
    calendar = calendar_part(received)
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_payload(decode=True) == ics_file("REQUEST")
    assert "Zoë Ó Briain" in received.get_body(preferencelist=("plain",)).get_content()
    sent = row(message_id)
    assert sent.sent_at is not None
    assert sent.attempts == 0
    assert sent.last_error is None


def test_a_cancellation_says_method_cancel(ctx, queue, smtp_server, configure_mail):
    config = configure_mail(smtp_server.port)
    queue(ics=ics_file("CANCEL"), ics_method="CANCEL", subject="Assessment cancelled")

    assert deliver_pending(config) == (1, 0)

    [received] = smtp_server.inbox.messages()
    calendar = calendar_part(received)
    assert calendar.get_param("method") == "CANCEL"
    assert calendar.get_payload(decode=True) == ics_file("CANCEL")


def test_a_message_without_a_calendar_file_is_delivered(ctx, queue, smtp_server, configure_mail):
    config = configure_mail(smtp_server.port)
    queue(ics=None, ics_method=None, body="Plain words only.")

    assert deliver_pending(config) == (1, 0)

    [received] = smtp_server.inbox.messages()
    assert received.get_content_type() == "text/plain"
    assert received.get_content().strip() == "Plain words only."


def test_international_addresses_are_delivered(ctx, queue, smtp_server, configure_mail):
    config = configure_mail(smtp_server.port)
    queue(to_address="zoë@example.com", to_name="Zoë Ó Briain")  # over SMTPUTF8
    queue(to_address="zoe@exämple.com", to_name="Zoë Ó Briain")  # the domain in IDNA form

    assert deliver_pending(config) == (2, 0)

    recipients = [e.rcpt_tos for e in smtp_server.inbox.envelopes]
    assert recipients == [["zoë@example.com"], ["zoe@xn--exmple-cua.com"]]
    assert smtp_server.inbox.messages()[0]["To"] == "Zoë Ó Briain <zoë@example.com>"


def test_a_server_without_smtputf8_fails_only_that_message(ctx, queue, request, configure_mail):
    server = start_server(request, enable_SMTPUTF8=False)
    config = configure_mail(server.port)
    international = queue(to_address="zoë@example.com")
    plain = queue(to_address="sam.taylor@example.com")

    assert deliver_pending(config) == (1, 1)

    assert "SMTPUTF8" in row(international).last_error
    assert row(plain).sent_at is not None


def test_a_refused_connection_leaves_the_message_waiting_until_send_mail(
    ctx, queue, smtp_server, configure_mail, runner, caplog
):
    config = configure_mail(free_port())  # nothing listens there
    message_id = queue()

    with caplog.at_level(logging.WARNING, logger="epa.mail"):
        assert deliver_pending(config) == (0, 1)

    waiting = row(message_id)
    assert waiting.sent_at is None
    assert waiting.attempts == 1
    assert "ConnectionRefusedError" in waiting.last_error
    assert f"Outbox message {message_id} was not sent" in caplog.text

    configure_mail(smtp_server.port)
    result = runner.invoke(args=["epa", "send-mail"])

    assert result.exit_code == 0, result.output
    assert result.output == "Sent 1, failed 0; 0 waiting.\n"
    assert len(smtp_server.inbox.envelopes) == 1
    sent = row(message_id)
    assert sent.sent_at is not None
    assert sent.attempts == 1


def test_send_mail_exits_1_when_a_message_failed(ctx, queue, configure_mail, runner):
    configure_mail(free_port())
    queue()

    result = runner.invoke(args=["epa", "send-mail"])

    assert result.exit_code == 1
    assert result.output == "Sent 0, failed 1; 1 waiting.\n"


def test_without_mail_server_nothing_is_sent_and_the_command_says_so(
    ctx, queue, smtp_server, configure_mail, runner
):
    config = configure_mail(None)
    message_id = queue()

    assert deliver_pending(config) == (0, 0)
    result = runner.invoke(args=["epa", "send-mail"])

    assert result.exit_code == 0
    assert result.output == "MAIL_SERVER is not set, so no mail was sent; 1 waiting.\n"
    assert smtp_server.inbox.envelopes == []
    assert row(message_id).attempts == 0


def test_send_mail_limit_sends_the_oldest_first(ctx, queue, smtp_server, configure_mail, runner):
    configure_mail(smtp_server.port)
    oldest = queue(to_address="first@example.com")
    newest = queue(to_address="second@example.com")

    result = runner.invoke(args=["epa", "send-mail", "--limit", "1"])

    assert result.exit_code == 0
    assert result.output == "Sent 1, failed 0; 1 waiting.\n"
    assert row(oldest).sent_at is not None
    assert row(newest).sent_at is None


def test_one_refused_message_does_not_undo_another_success(ctx, queue, smtp_server, configure_mail):
    config = configure_mail(smtp_server.port)
    smtp_server.inbox.refuse.add("gone@example.com")
    refused = queue(to_address="gone@example.com")
    delivered = queue(to_address="sam.taylor@example.com")

    assert deliver_pending(config) == (1, 1)

    assert row(refused).sent_at is None
    assert row(refused).attempts == 1
    assert row(refused).last_error.startswith("SMTPRecipientsRefused: recipient refused: 550")
    assert row(delivered).sent_at is not None
    assert [e.rcpt_tos for e in smtp_server.inbox.envelopes] == [["sam.taylor@example.com"]]


def test_an_unreachable_server_stops_the_batch_after_one_try(ctx, queue, configure_mail):
    config = configure_mail(free_port())
    ids = [queue(), queue(), queue()]

    assert deliver_pending(config) == (0, 1)

    assert [row(i).attempts for i in ids] == [1, 0, 0]


def test_deliver_pending_never_raises_on_a_refused_connection(ctx, queue, configure_mail):
    message_id = queue()

    assert deliver_pending(configure_mail(free_port())) == (0, 1)
    assert deliver_pending(configure_mail(free_port())) == (0, 1)

    assert row(message_id).attempts == 2


def test_a_server_that_never_answers_times_out(ctx, queue, configure_mail, monkeypatch):
    monkeypatch.setattr(sending, "SMTP_TIMEOUT_SECONDS", 0.2)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts the connection; no greeting ever comes
        config = configure_mail(silent.getsockname()[1])
        message_id = queue()

        assert deliver_pending(config) == (0, 1)

    assert "timed out" in row(message_id).last_error


def test_a_message_another_sender_holds_is_left_to_it(ctx, queue, smtp_server, configure_mail):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite has a single writer")
    config = configure_mail(smtp_server.port)
    held = queue(to_address="held@example.com")
    free = queue(to_address="free@example.com")

    with db.engine.connect() as other_sender:
        other_sender.execute(
            select(OutboxMessage.id).where(OutboxMessage.id == held).with_for_update()
        )
        assert deliver_pending(config) == (1, 0)
        other_sender.rollback()

    assert row(held).sent_at is None
    assert row(held).attempts == 0
    assert row(free).sent_at is not None


def test_a_committed_message_is_handed_to_a_worker_and_a_rolled_back_one_is_not(ctx, held_tasks):
    kept = queue_message(to_address="kept@example.com", to_name="Kept", subject="S", body="B")
    db.session.commit()
    queue_message(to_address="gone@example.com", to_name="Gone", subject="S", body="B")
    db.session.rollback()

    assert held_tasks == [("epa.mail.send", ([kept.id],))]


def test_the_worker_sends_only_the_messages_it_is_given(ctx, queue, smtp_server, configure_mail):
    configure_mail(smtp_server.port)
    other = queue(to_address="other@example.com")
    this = queue(to_address="this@example.com")

    assert tasks.send_mail([this]) == 1

    assert [e.rcpt_tos for e in smtp_server.inbox.envelopes] == [["this@example.com"]]
    assert row(other).sent_at is None


def test_a_server_that_cannot_be_reached_leaves_the_message_for_a_later_try(
    ctx, queue, configure_mail, smtp_server
):
    configure_mail(free_port())
    message_id = queue()

    assert tasks.send_mail([message_id]) == 0
    assert row(message_id).sent_at is None
    assert row(message_id).attempts == 1

    configure_mail(smtp_server.port)
    assert tasks.send_waiting_mail() == 1  # the minutely sweep
    assert row(message_id).sent_at is not None


def test_the_worker_does_nothing_without_mail_server(ctx, queue, configure_mail):
    configure_mail(None)
    message_id = queue()

    assert tasks.send_mail([message_id]) == 0
    assert row(message_id).attempts == 0


# Security of the connection


def password_checker(server, session, envelope, mechanism, auth_data):
    # handled=False: the server answers 535 itself (the default leaves the client waiting).
    return AuthResult(success=auth_data.password == PASSWORD_ON_SERVER.encode(), handled=False)


@pytest.fixture
def smtp_server_with_login(request):
    """A server that wants a login (offered without TLS, which only a test server may do)."""
    return start_server(request, authenticator=password_checker, auth_require_tls=False)


def test_the_login_is_used_when_configured(ctx, queue, smtp_server_with_login, configure_mail):
    config = configure_mail(
        smtp_server_with_login.port, MAIL_USERNAME="epa", MAIL_PASSWORD=PASSWORD_ON_SERVER
    )
    queue()

    assert deliver_pending(config) == (1, 0)
    assert len(smtp_server_with_login.inbox.envelopes) == 1


def test_a_refused_login_never_records_the_password(
    ctx, queue, smtp_server_with_login, configure_mail, caplog
):
    wrong = "not-the-Pa55word"
    config = configure_mail(smtp_server_with_login.port, MAIL_USERNAME="epa", MAIL_PASSWORD=wrong)
    message_id = queue()

    with caplog.at_level(logging.WARNING, logger="epa.mail"):
        assert deliver_pending(config) == (0, 1)

    error = row(message_id).last_error
    assert error.startswith("SMTPAuthenticationError: 535")
    assert wrong not in error
    assert wrong not in caplog.text
    assert smtp_server_with_login.inbox.envelopes == []


def test_starttls_when_asked_never_falls_back_to_plain_text(
    ctx, queue, smtp_server, configure_mail
):
    config = configure_mail(smtp_server.port, MAIL_USE_TLS=True)  # the server offers no TLS
    message_id = queue()

    assert deliver_pending(config) == (0, 1)

    assert "STARTTLS" in row(message_id).last_error
    assert smtp_server.inbox.envelopes == []


def test_messages_tried_fewest_times_go_first(app, ctx, queue, smtp_server, configure_mail):
    """Messages a server keeps refusing never hold back newer ones."""
    from epa.mail.models import OutboxMessage
    from epa.mail.sending import deliver_pending

    stuck = queue(to_address="stuck@assessors.example")
    fresh = queue(to_address="fresh@assessors.example")
    db.session.get(OutboxMessage, stuck).attempts = 7
    db.session.commit()
    config = configure_mail(smtp_server.port)
    assert deliver_pending(config, limit=1) == (1, 0)
    assert db.session.get(OutboxMessage, fresh).sent_at is not None
    assert db.session.get(OutboxMessage, stuck).sent_at is None


def test_a_password_reset_link_is_delivered_and_then_taken_out_of_the_outbox(
    ctx, queue, smtp_server, configure_mail
):
    import epa.auth.resets  # noqa: F401  (registers the link's redaction)

    config = configure_mail(smtp_server.port)
    link = "https://epa.example/reset-password/Abc-123_xyz"
    message_id = queue(ics=None, ics_method=None, body=f"Open this link:\n\n{link}\n\nThanks.")

    assert deliver_pending(config) == (1, 0)

    [received] = smtp_server.inbox.messages()
    assert link in received.get_content()
    kept = row(message_id).body
    assert "Abc-123_xyz" not in kept and "/reset-password/(removed once sent)" in kept
