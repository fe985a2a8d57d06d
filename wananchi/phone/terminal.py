"""A basic phone in the developer's terminal: dial the USSD code, read the screens and answer them, send SMS and
read those the service sent, through the same endpoints and secrets as the gateways (`flask --app wsgi wananchi
phone`, beside `make run`). A developer's tool: its own words are English; the screens are the service's."""

from __future__ import annotations

import secrets
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from wananchi.core.contact import InvalidContact, normalise_phone
from wananchi.notifications.devmail import SMS_FILE, caught_sms


class Gateway:
    """Posts to the running service as the USSD and SMS gateways do."""

    def __init__(self, url: str, ussd_secret: str, sms_secret: str) -> None:
        self.url, self.ussd_secret, self.sms_secret = url.rstrip("/"), ussd_secret, sms_secret

    def _post(self, path: str, fields: dict[str, str], secret: str) -> str:
        request = urllib.request.Request(  # noqa: S310 - the developer's own service
            self.url + path,
            data=urllib.parse.urlencode(fields).encode(),
            headers={"X-Gateway-Secret": secret, "Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, OSError) as error:
            message = f"The service at {self.url} does not answer ({error}). Is `make run` running?"
            raise click.ClickException(message) from None

    def ussd(self, session_id: str, phone: str, service_code: str, text: str) -> str:
        fields = {"sessionId": session_id, "serviceCode": service_code, "phoneNumber": phone, "text": text}
        return self._post("/ussd", {**fields, "networkCode": "63902"}, self.ussd_secret)

    def sms(self, phone: str, to: str, text: str) -> str:
        fields = {"from": phone, "to": to, "text": text, "id": "terminal-" + secrets.token_hex(8), "linkId": ""}
        return self._post("/sms/inbound", {**fields, "date": ""}, self.sms_secret)


def dial(gateway: Gateway, phone: str, service_code: str) -> None:
    """One USSD session: show each screen, read each answer, until the service ends it (an empty answer hangs up)."""
    session_id = "terminal-" + secrets.token_hex(8)
    answers: list[str] = []
    while True:
        body = gateway.ussd(session_id, phone, service_code, "*".join(answers))
        click.echo("\n" + "-" * 30 + "\n" + body[4:] + "\n" + "-" * 30)
        if not body.startswith("CON "):
            return
        answer = click.prompt("Answer (empty: hang up)", default="", show_default=False)
        if not answer:
            return
        answers.append(answer)


def inbox(path: Path, phone: str, count: int = 10) -> list[str]:
    """The last `count` SMS the service sent `phone` (the development SMS file), oldest first."""
    return [sms.text for sms in reversed(caught_sms(path, limit=10_000)) if sms.recipient == phone][-count:]


@click.command("phone")
@click.option("--url", default=None, help="The running service (default: PUBLIC_URL).")
@click.option("--number", default="0712 345 678", show_default=True, help="This phone's number.")
@with_appcontext
def phone_command(url: str | None, number: str) -> None:
    """Simulate a basic phone: dial the USSD code, send SMS to the service and read the SMS it sends back."""
    config = current_app.config
    try:
        phone = normalise_phone(number)
    except InvalidContact:
        raise click.ClickException(f"{number} is not a phone number.") from None
    gateway = Gateway(
        url or config["PUBLIC_URL"], config["USSD_GATEWAY_SECRET"] or "", config["SMS_GATEWAY_SECRET"] or ""
    )
    sms_path = Path(current_app.instance_path) / SMS_FILE
    code, short_code = config["USSD_SERVICE_CODE"], config["SMS_SHORT_CODE"]
    click.echo(f"A basic phone, {phone}, talking to {gateway.url}. SMS for it are read from {sms_path}.")
    while True:
        click.echo(f"\n1. Dial {code}\n2. Send an SMS to {short_code}\n3. Read the SMS received\n0. Switch off")
        choice = click.prompt("Choice", default="0", show_default=False)
        if choice == "1":
            dial(gateway, phone, code)
        elif choice == "2":
            text = click.prompt("Message")
            click.echo(f"Sent; the gateway was answered: {gateway.sms(phone, short_code, text)}")
        elif choice == "3":
            received = inbox(sms_path, phone)
            click.echo("\n".join(f"\n[SMS] {text}" for text in received) or "No SMS yet (is the worker running?).")
        elif choice == "0":
            return
