"""Sending the outbox: a worker sends each waiting message over SMTP once its change commits.

A failure is written on the message (attempts, last_error) and never raised, so a mail
server that is down costs no booking; the worker tries again with backoff, the minutely sweep
after that, and `flask --app app epa send-mail` by hand.
"""

import logging
import re
import smtplib
import ssl
from collections.abc import Mapping
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, make_msgid

from sqlalchemy import select

from epa import clock
from epa.extensions import db
from epa.mail.models import OutboxMessage
from epa.mail.outbox import ICS_METHODS, calendar_method, redacted

logger = logging.getLogger("epa.mail")

SMTP_TIMEOUT_SECONDS = 10
INVITE_FILENAME = "invite.ics"
_ERROR_LENGTH = 500
_BLANK_RUN = re.compile(r"\s+")

# Every part 7-bit (quoted-printable or base64 where needed): a server that does not offer
# 8BITMIME may otherwise mangle a name such as "Zoë" in the body.
_POLICY = policy.SMTP.clone(cte_type="7bit")

# The server took the connection but not this message: the next message may still go.
_MESSAGE_REFUSED = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


def build_email(message: OutboxMessage, *, sender_address: str, sender_name: str) -> EmailMessage:
    """The email for an outbox message: plain text, with its calendar file as an invitation.

    With a calendar file the shape is the one Google Calendar sends and Outlook reads:
    multipart/mixed holding first a multipart/alternative (the text, then the iMIP part
    `text/calendar; method=...` that mail clients turn into Accept/Decline buttons) and
    then the same file as an `invite.ics` attachment for clients that only offer files.
    Outlook looks for iMIP only in the first child of multipart/mixed.
    """
    outgoing = EmailMessage(policy=_POLICY)
    outgoing["From"] = Address(display_name=_one_line(sender_name), addr_spec=sender_address)
    outgoing["To"] = _recipient(message.to_name, message.to_address)
    outgoing["Subject"] = _one_line(message.subject)
    created_at = message.created_at or clock.now()
    outgoing["Date"] = format_datetime(created_at)
    outgoing["Message-ID"] = _message_id(message, created_at, sender_address)
    if message.ics is None:
        outgoing.set_content(message.body)
        return outgoing

    ics = message.ics.encode("utf-8")
    method = message.ics_method
    if method not in ICS_METHODS or calendar_method(ics) != method:
        raise ValueError(
            f"outbox message {message.id}: ics_method {method!r} does not match the file's "
            f"METHOD {calendar_method(ics)!r}"
        )
    alternative = MIMEPart(policy=_POLICY)
    alternative.make_alternative()
    alternative.attach(_text_part(message.body))
    alternative.attach(_calendar_part(ics, method))
    attachment = MIMEPart(policy=_POLICY)
    attachment.set_content(
        ics,
        "application",
        "ics",
        cte="base64",
        filename=INVITE_FILENAME,
        params={"name": INVITE_FILENAME},
    )
    outgoing["MIME-Version"] = "1.0"
    outgoing.make_mixed()
    outgoing.attach(alternative)
    outgoing.attach(attachment)
    return outgoing


def deliver_pending(
    app_config: Mapping, *, limit: int = 100, ids: list[int] | None = None
) -> tuple[int, int]:
    """Send waiting messages, oldest first; return (sent, failed). Never raises for SMTP errors.

    Each message is committed on its own, so one failure never undoes another's success.
    When the server cannot be reached the batch stops there: the rest keep waiting, untried.
    """
    if not app_config.get("MAIL_SERVER") or (ids is not None and not ids):
        return 0, 0
    query = (
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None))
        # Fewest tries first: messages a server keeps refusing never hold back newer ones.
        .order_by(OutboxMessage.attempts, OutboxMessage.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    waiting = list(db.session.scalars(query))

    sent = failed = 0
    connection = _Connection(app_config)
    try:
        for message_id in waiting:
            message = _claim(message_id)
            if message is None:  # sent meanwhile, or being sent by another process
                continue
            outcome = _deliver_one(message, connection, app_config)
            db.session.commit()
            if outcome == "sent":
                sent += 1
            else:
                failed += 1
            if outcome == "unreachable":
                break
    finally:
        connection.close()
    return sent, failed


class _Connection:
    """One SMTP connection per batch, opened when the first message needs it."""

    def __init__(self, app_config: Mapping):
        self.config = app_config
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.smtp is None:
            self.smtp = _connect(self.config)
        return self.smtp

    def close(self) -> None:
        if self.smtp is None:
            return
        smtp, self.smtp = self.smtp, None
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _connect(config: Mapping) -> smtplib.SMTP:
    smtp = smtplib.SMTP(
        config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=SMTP_TIMEOUT_SECONDS
    )
    try:
        if config.get("MAIL_USE_TLS"):
            # Raises when the server offers no STARTTLS: never fall back to plain text.
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _claim(message_id: int) -> OutboxMessage | None:
    """The message, locked on PostgreSQL so two senders never send it twice."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(query).first()


def _deliver_one(message: OutboxMessage, connection: _Connection, config: Mapping) -> str:
    """Send one message and record the result on it: "sent", "failed" or "unreachable"."""
    try:
        outgoing = build_email(
            message,
            sender_address=config.get("MAIL_SENDER") or "epa@localhost",
            sender_name=config.get("EPAO_NAME") or "",
        )
    except (ValueError, IndexError, MessageError) as error:
        _record_failure(message, error, config)
        return "failed"
    try:
        smtp = connection.open()
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors too
        _record_failure(message, error, config)
        return "unreachable"
    try:
        smtp.send_message(outgoing)
    except (*_MESSAGE_REFUSED, ValueError) as error:
        _record_failure(message, error, config)
        return "failed"
    except OSError as error:
        # The connection is in an unknown state: the next message opens a fresh one.
        connection.close()
        _record_failure(message, error, config)
        return "failed"
    message.sent_at = clock.now()
    message.body = redacted(message.body)
    return "sent"


def _record_failure(message: OutboxMessage, error: Exception, config: Mapping) -> None:
    message.attempts = (message.attempts or 0) + 1
    message.last_error = describe_error(error, config.get("MAIL_PASSWORD"))
    # A refused recipient's reply usually repeats the address: the log gets the codes only.
    summary = message.last_error
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        summary = "recipient refused: " + ", ".join(str(c) for c, _ in error.recipients.values())
    logger.warning(
        "Outbox message %s was not sent (attempt %s): %s", message.id, message.attempts, summary
    )


def describe_error(error: Exception, password: str | None = None) -> str:
    """A short, one-line account of a failure, with the password (if any) blanked out."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "recipient refused: " + "; ".join(
            f"{code} {_decoded(reply)}" for code, reply in error.recipients.values()
        )
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = f"{error.smtp_code} {_decoded(error.smtp_error)}"
    else:
        detail = str(error)
    text = _one_line(f"{type(error).__name__}: {detail}")
    if password:
        text = text.replace(password, "********")
    return text if len(text) <= _ERROR_LENGTH else text[: _ERROR_LENGTH - 1] + "…"


def _text_part(body: str) -> MIMEPart:
    part = MIMEPart(policy=_POLICY)
    part.set_content(body)
    return part


def _calendar_part(ics: bytes, method: str) -> MIMEPart:
    part = MIMEPart(policy=_POLICY)
    # base64 keeps the file byte for byte (CRLF line ends, UTF-8); Outlook sends it so too.
    part.set_content(ics, "text", "calendar", cte="base64")
    del part["Content-Type"]
    # Written exactly as Outlook and Google write it: the email package would quote the
    # method ("REQUEST"), which is valid MIME but trips some clients' pattern matching.
    # `method` is one of ICS_METHODS, so nothing else can reach the header.
    part.set_raw("Content-Type", f'text/calendar; charset="UTF-8"; method={method}')
    return part


def _recipient(name: str, address: str) -> Address:
    """The To address; an international one is kept whole, for SMTPUTF8."""
    local, _, domain = address.rpartition("@")
    if local.isascii() and not domain.isascii():
        # An ASCII mailbox at an international domain needs no SMTPUTF8 once in IDNA form.
        domain = domain.encode("idna").decode("ascii")
    # username/domain rather than addr_spec: the parser refuses a non-ASCII local part.
    return Address(display_name=_one_line(name), username=local, domain=domain)


def _message_id(message: OutboxMessage, created_at, sender_address: str) -> str:
    domain = sender_address.rpartition("@")[2] or "localhost"
    if message.id is None:
        return make_msgid(domain=domain)
    # The same id on every retry, so a recipient's server can drop a duplicate delivery.
    return f"<epa-outbox-{message.id}.{created_at:%Y%m%d%H%M%S%f}@{domain}>"


def _decoded(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _one_line(value: str) -> str:
    return _BLANK_RUN.sub(" ", value or "").strip()
