"""Development only: an SMTP server that keeps every e-mail in instance/mail/, and readers of the caught e-mails and
of the SMS the file backend wrote (shown at /dev/barua: wananchi/phone/dev_page.py).

`make run` starts the catcher (`flask --app wsgi wananchi mailcatcher`) on MAIL_SERVER:MAIL_PORT, where the
development configuration sends.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import mailbox
import re
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

MAIL_FOLDER = "mail"
SMS_FILE = "sms.txt"
SHOWN = 50  # the newest messages of each kind on the page
_SMS_HEADER = re.compile(r"^--- SMS to (?P<to>.+) ---$", re.MULTILINE)


@dataclass(frozen=True)
class CaughtMail:
    """An e-mail the catcher received."""

    delivered_at: dt.datetime
    subject: str
    recipient: str
    text: str


@dataclass(frozen=True)
class CaughtSms:
    """An SMS the file backend wrote."""

    recipient: str
    text: str


def mail_folder(app: Flask) -> Path:
    """The Maildir the catcher writes to: instance/mail/."""
    return Path(app.instance_path) / MAIL_FOLDER


def _text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    return body.get_content() if body is not None else ""


def caught_mail(folder: Path, limit: int = SHOWN) -> list[CaughtMail]:
    """The newest e-mails in the Maildir, newest first."""
    if not (folder / "cur").is_dir():
        return []
    box = mailbox.Maildir(folder, create=False)
    found = []
    for key in box.iterkeys():
        delivered = box.get_message(key).get_date()
        parsed = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        found.append(
            CaughtMail(
                delivered_at=dt.datetime.fromtimestamp(delivered, dt.UTC),
                subject=str(parsed["Subject"] or ""),
                recipient=str(parsed["To"] or ""),
                text=_text_of(parsed),
            )
        )
    found.sort(key=lambda mail: mail.delivered_at, reverse=True)
    return found[:limit]


def caught_sms(path: Path, limit: int = SHOWN) -> list[CaughtSms]:
    """The newest SMS in the development SMS file, newest first."""
    if not path.is_file():
        return []
    content = path.read_text(encoding="utf-8")
    headers = list(_SMS_HEADER.finditer(content))
    found = []
    for header, following in zip(headers, [*headers[1:], None], strict=True):
        end = following.start() if following is not None else len(content)
        found.append(CaughtSms(recipient=header["to"], text=content[header.end() : end].strip()))
    return found[::-1][:limit]


def start_catcher(folder: Path, host: str, port: int) -> Controller:
    """Start an SMTP server on host:port (in a thread) that stores every message in the Maildir `folder`."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    for part in ("tmp", "new", "cur"):  # a Maildir; mailbox.Maildir only makes these for a folder it creates
        (folder / part).mkdir(parents=True, exist_ok=True)
    controller = Controller(Mailbox(folder), hostname=host, port=port)
    controller.start()
    return controller


@click.command("mailcatcher")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=None, help="Port to listen on (default: MAIL_PORT).")
@with_appcontext
def mailcatcher_command(host: str, port: int | None) -> None:
    """Development: catch the service's e-mail on an SMTP port and keep it in instance/mail/ (see /dev/barua)."""
    folder = mail_folder(current_app)
    port = port or current_app.config["MAIL_PORT"]
    try:
        controller = start_catcher(folder, host, port)
    except OSError as error:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {error}") from None
    click.echo(f"Catching e-mail on {host}:{port} into {folder} (read it at /dev/barua); Ctrl-C stops.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
