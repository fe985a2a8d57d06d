"""A gateway on the other side of real HTTP: USSD sessions and inbound SMS posted to the live server as
Africa's Talking posts them, with the shared secret."""

from __future__ import annotations

import itertools
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

import pytest

from config import TESTING_GATEWAY_SECRET
from tests.notifications.setting import Setting, build_setting

SCREEN_LIMIT = 182
PHONE = "+255712345678"
OTHER_PHONE = "+255754111222"
_sms_ids = itertools.count(1)


def post(url: str, fields: dict[str, str], secret: str | None = TESTING_GATEWAY_SECRET) -> tuple[int, str]:
    """POST a form as a gateway does; the status and the body."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if secret is not None:
        headers["X-Gateway-Secret"] = secret
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass
class UssdSession:
    """One dialled session: each answer is added to `text`, joined by "*", as the gateway sends it."""

    base: str
    phone: str = PHONE
    session_id: str = field(default_factory=lambda: f"ATUid_{uuid.uuid4().hex}")
    answers: list[str] = field(default_factory=list)
    screens: list[str] = field(default_factory=list)

    def callback(self, text: str) -> str:
        fields = {
            "sessionId": self.session_id,
            "serviceCode": "*152*00#",
            "phoneNumber": self.phone,
            "networkCode": "63902",
            "text": text,
        }
        status, body = post(f"{self.base}/ussd", fields)
        assert status == 200, body
        assert body.startswith(("CON ", "END ")), body
        assert len(body) <= SCREEN_LIMIT, (len(body), body)  # every screen fits a basic phone, prefix included
        self.screens.append(body)
        return body

    def dial(self) -> str:
        return self.callback("")

    def send(self, *answers: str) -> str:
        """Give one or more answers, one callback each; the last screen."""
        body = ""
        for answer in answers:
            self.answers.append(answer)
            body = self.callback("*".join(self.answers))
        return body


def send_sms(base: str, text: str, phone: str = PHONE, gateway_id: str | None = None) -> tuple[int, str]:
    """An SMS from a phone, delivered by the gateway; the status and body of the answer."""
    fields = {
        "from": phone,
        "to": "15200",
        "text": text,
        "date": "2026-12-07 10:00:00",
        "id": gateway_id or f"ATXid_{next(_sms_ids)}_{uuid.uuid4().hex[:8]}",
        "linkId": "",
    }
    return post(f"{base}/sms/inbound", fields)


@pytest.fixture
def setting(db) -> Setting:
    return build_setting()


@pytest.fixture
def ussd(live_server, setting):
    """A new USSD session from the citizen's phone, made on demand: ussd() or ussd(phone=...)."""
    return lambda **kwargs: UssdSession(live_server, **kwargs)
