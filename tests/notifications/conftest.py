"""A real SMTP server (aiosmtpd) and a real HTTP SMS gateway (pytest-httpserver) on loopback."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.helpers import free_port


@dataclass
class Mailbox:
    """What the SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


class SmtpServer:
    """An aiosmtpd server that can be stopped and started again on the same port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(app: Flask) -> Iterator[SmtpServer]:
    """A running SMTP server the application sends to (restored afterwards)."""
    server = SmtpServer(free_port())
    server.start()
    mail = app.extensions["mail"]
    previous = app.config["MAIL_SERVER"], app.config["MAIL_PORT"], app.config["MAIL_TIMEOUT"], mail.suppress
    mail.server, mail.port, mail.suppress = "127.0.0.1", server.port, False  # the test suite suppresses by default
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    yield server
    server.stop()
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"], app.config["MAIL_TIMEOUT"], mail.suppress = previous
    mail.server, mail.port = previous[0], previous[1]


@dataclass
class SmsGateway:
    """A gateway with Africa's Talking's API shape; records what it received."""

    server: HTTPServer
    received: list[dict[str, str]] = field(default_factory=list)
    refuse: bool = False

    def handle(self, request: Request) -> Response:
        fields = {key: request.form[key] for key in request.form}
        fields["apiKey"] = request.headers.get("apiKey", "")
        self.received.append(fields)
        status = (403, "InvalidPhoneNumber") if self.refuse else (101, "Success")
        body = {
            "SMSMessageData": {
                "Message": "Sent to 1/1",
                "Recipients": [
                    {
                        "statusCode": status[0],
                        "number": fields.get("to"),
                        "status": status[1],
                        "cost": "TZS 19",
                        "messageId": f"ATXid_{len(self.received)}",
                    }
                ],
            }
        }
        return Response(json.dumps(body), status=201, content_type="application/json")


@pytest.fixture
def sms_gateway(app: Flask, httpserver: HTTPServer) -> Iterator[SmsGateway]:
    """The application's SMS backend pointed at a real HTTP peer on loopback."""
    gateway = SmsGateway(httpserver)
    httpserver.expect_request("/version1/messaging", method="POST").respond_with_handler(gateway.handle)
    keys = ("SMS_BACKEND", "SMS_GATEWAY_URL", "SMS_USERNAME", "SMS_API_KEY")
    previous = {key: app.config[key] for key in keys}
    app.config.update(
        SMS_BACKEND="http",
        SMS_GATEWAY_URL=httpserver.url_for("/version1/messaging"),
        SMS_USERNAME="wananchi",
        SMS_API_KEY="siri-ya-majaribio",
    )
    yield gateway
    app.config.update(previous)
