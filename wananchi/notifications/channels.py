"""Delivery channels: e-mail through Flask-Mail over SMTP (with a timeout), SMS through an HTTP gateway."""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from flask import current_app
from flask_mail import Connection, Message

from wananchi.notifications.models import OutboxMessage


class DeliveryError(Exception):
    """The channel could not deliver the message now; the outbox retries later. `provider_down`: the provider
    could not be reached or did not answer (not a refusal of this one message), so the channel's other messages
    would fail the same way."""

    def __init__(self, message: str, *, provider_down: bool = False) -> None:
        super().__init__(message)
        self.provider_down = provider_down


@dataclass(frozen=True)
class Delivered:
    """The provider's answer to a delivered message."""

    provider_response: str


@dataclass(frozen=True)
class Content:
    """What a message says: the e-mail's subject, plain text and HTML bodies, or the SMS text (`text`)."""

    subject: str
    text: str
    html: str | None

    @classmethod
    def stored(cls, message: OutboxMessage) -> Content:
        """The text written into the outbox with the message."""
        return cls(subject=message.subject, text=message.body_text, html=message.body_html)


class _Message(Message):
    """Flask-Mail's message with quoted-printable bodies: no line exceeds SMTP's 998 characters, however long
    an officer's paragraph (Flask-Mail registers UTF-8 bodies as 8-bit, unwrapped)."""

    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        quoted_printable = Charset("utf-8")
        quoted_printable.body_encoding = QP
        return MIMEText(text or "", _subtype=subtype, _charset=quoted_printable)  # type: ignore[arg-type]


def folded_subject(subject: str) -> str:
    """The subject folded for its header by the e-mail package's `Header`, between words and after the first one.

    Flask-Mail sends a message with `email.policy.SMTP`, which refolds any header line longer than 78 characters;
    left to it, a subject that fits on a line of its own is moved whole to the line after "Subject:" (read back with a
    leading space), and a non-ASCII subject Flask-Mail has already encoded is refolded through its encoded words (a
    space appears inside a word). A subject folded here has no line to refold, and Flask-Mail accepts folded subjects.
    """
    charset = "us-ascii" if subject.isascii() else "utf-8"
    folded = Header(subject, charset, header_name="Subject").encode(linesep="\r\n")
    if folded.startswith("\r\n"):  # a first word longer than a line: encoded words may break inside it
        folded = Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")
    return folded


class _TimeoutConnection(Connection):
    """Flask-Mail's SMTP connection, with a socket timeout so a hung server cannot hang a worker."""

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        timeout = current_app.config["MAIL_TIMEOUT"]
        host: smtplib.SMTP | smtplib.SMTP_SSL
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=timeout)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def message_id_header(message: OutboxMessage, sender: str) -> str:
    """The e-mail's Message-ID, the same at every attempt of one outbox message: a resend (after a timeout the server
    had in fact accepted) is recognisable as the same message by the server and the recipient's mail program."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "wananchi.local"
    return f"<outbox.{message.id}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"


def smtp_server_down(error: OSError) -> bool:
    """Whether a failure to send means the SMTP server could not be reached or stopped answering (a socket error,
    a timeout, a refused connection or a dropped one), not that it refused this message (SMTPException is an
    OSError too)."""
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True
    return not isinstance(error, smtplib.SMTPException)


def send_email(message: OutboxMessage, content: Content) -> Delivered:
    """Send one e-mail (plain text and, when there is one, HTML)."""
    mail = _Message(
        subject=folded_subject(content.subject),
        recipients=[message.recipient],
        body=content.text,
        html=content.html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers={"X-Wananchi-Outbox-Id": str(message.id)},
    )
    mail.msgId = message_id_header(message, current_app.config["MAIL_DEFAULT_SENDER"])
    try:
        with _TimeoutConnection(current_app.extensions["mail"]) as connection:
            connection.send(mail)
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", provider_down=smtp_server_down(error)) from error
    return Delivered(provider_response="smtp: accepted")


class SmsBackend(Protocol):
    """Sends one SMS and says what the provider answered; raises DeliveryError when it could not."""

    def send(self, to: str, text: str) -> Delivered: ...


class HttpSmsGateway:
    """An SMS gateway with Africa's Talking's API shape: a form POST of username, to, message (and from)."""

    SUCCESS_CODES = {100, 101, 102}

    def __init__(self, url: str, username: str, api_key: str, sender: str | None, timeout: float) -> None:
        self.url, self.username, self.api_key, self.sender, self.timeout = url, username, api_key, sender, timeout

    def send(self, to: str, text: str) -> Delivered:
        """POST the message; a transport error or a refused recipient raises DeliveryError."""
        fields = {"username": self.username, "to": to, "message": text}
        if self.sender:
            fields["from"] = self.sender
        request = urllib.request.Request(  # noqa: S310 - the gateway URL is configuration, not input
            self.url,
            data=urllib.parse.urlencode(fields).encode(),
            headers={
                "apiKey": self.api_key,
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryError(f"gateway unreachable: {error}", provider_down=True) from error
        try:
            recipients = json.loads(body)["SMSMessageData"]["Recipients"]
            statuses = {int(r.get("statusCode", 0)) for r in recipients}
        except (ValueError, KeyError, TypeError) as error:
            raise DeliveryError(f"unexpected gateway answer: {body[:300]}") from error
        if not recipients or not statuses <= self.SUCCESS_CODES:
            raise DeliveryError(f"gateway refused: {body[:300]}")
        return Delivered(provider_response=body[:2000])


class FileSmsBackend:
    """Development: each SMS is appended to a file the person running the demo can read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, to: str, text: str) -> Delivered:
        """Append the message to the file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- SMS to {to} ---\n{text}\n")
        return Delivered(provider_response=f"file: {self.path.name}")


def sms_backend() -> SmsBackend:
    """The configured SMS backend: "http" (a gateway) or "file" (development)."""
    config = current_app.config
    if config["SMS_BACKEND"] == "http":
        return HttpSmsGateway(
            config["SMS_GATEWAY_URL"],
            config["SMS_USERNAME"],
            config["SMS_API_KEY"],
            config["SMS_SENDER_ID"],
            config["SMS_TIMEOUT"],
        )
    return FileSmsBackend(Path(current_app.instance_path) / "sms.txt")


def send_sms(message: OutboxMessage, content: Content) -> Delivered:
    """Send one SMS through the configured backend."""
    return sms_backend().send(message.recipient, content.text)
