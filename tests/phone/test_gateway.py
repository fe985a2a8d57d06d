"""The gateways' callbacks: refused without the shared secret or from outside the allowed networks, limited per
phone, answered without a 500 whatever a phone or a broken gateway sends; USSD state in Redis as in production."""

from __future__ import annotations

import uuid

import pytest
import redis
from sqlalchemy import func, select

from tests.helpers import free_port
from tests.phone.conftest import PHONE, UssdSession, post, send_sms
from wananchi.phone.models import InboundSms
from wananchi.phone.state import RedisStore
from wananchi.tickets.models import Ticket

USSD_FIELDS = {
    "sessionId": "ATUid_1",
    "serviceCode": "*152*00#",
    "phoneNumber": PHONE,
    "networkCode": "63902",
    "text": "",
}
SMS_FIELDS = {"from": PHONE, "to": "15200", "text": "Umeme umekatika tangu jana", "date": "2026-12-07", "id": "x1"}


@pytest.mark.parametrize("secret", [None, "", "testing-gateway-not-secreT", "ü" * 30])
def test_wrong_and_missing_secrets_are_refused(live_server, setting, db, secret):
    status, body = post(f"{live_server}/ussd", USSD_FIELDS, secret=secret)
    assert (status, body) == (403, "END Huduma hii haipatikani.")
    status, body = post(f"{live_server}/sms/inbound", SMS_FIELDS, secret=secret)
    assert (status, body) == (403, "Huduma hii haipatikani.")
    assert not db.session.scalar(select(func.count(InboundSms.id)))


def test_the_secret_may_come_in_the_url_and_each_gateway_has_its_own(app, live_server, setting, db):
    status, body = post(f"{live_server}/ussd?secret=testing-gateway-not-secret", USSD_FIELDS, secret=None)
    assert status == 200 and body.startswith("CON ")
    app.config["SMS_GATEWAY_SECRET"] = "another-secret-for-the-sms-gateway-only"
    try:
        assert post(f"{live_server}/sms/inbound", SMS_FIELDS)[0] == 403  # the USSD gateway's secret opens no SMS
        assert (
            post(f"{live_server}/sms/inbound", SMS_FIELDS, secret="another-secret-for-the-sms-gateway-only")[0] == 200
        )
    finally:
        app.config["SMS_GATEWAY_SECRET"] = "testing-gateway-not-secret"


def test_only_the_allowed_networks(app, live_server, setting, db):
    app.config["GATEWAY_ALLOWED_NETWORKS"] = "196.201.214.0/24, 2c0f:fe38::/32"
    try:
        assert post(f"{live_server}/ussd", USSD_FIELDS)[0] == 403  # loopback is not the gateway's network
        app.config["GATEWAY_ALLOWED_NETWORKS"] = "10.0.0.0/8,127.0.0.0/8"
        assert post(f"{live_server}/ussd", USSD_FIELDS)[0] == 200
    finally:
        app.config["GATEWAY_ALLOWED_NETWORKS"] = ""


def test_a_phone_is_limited_in_its_own_language_and_others_go_on(app, live_server, setting, db):
    app.config.update(USSD_PHONE_RATE_LIMIT="3 per minute", SMS_PHONE_RATE_LIMIT="2 per minute")
    try:
        session = UssdSession(live_server)
        session.dial()
        session.send("2", "2")
        status, body = post(f"{live_server}/ussd", {**USSD_FIELDS, "text": "2*2*1"})
        assert status == 200 and body.startswith("END Umetumia huduma mara nyingi")
        assert UssdSession(live_server, phone="+255754111222").dial().startswith("CON ")
        assert send_sms(live_server, "Umeme umekatika tangu jana usiku")[0] == 200
        assert send_sms(live_server, "Habari")[0] == 200
        assert send_sms(live_server, "the power is out since yesterday") == (
            429,
            "Too many messages from this phone. Please wait a while.",
        )
        assert db.session.scalar(select(func.count(InboundSms.id))) == 2
    finally:
        app.config.update(
            USSD_PHONE_RATE_LIMIT="60 per minute;600 per day", SMS_PHONE_RATE_LIMIT="10 per minute;100 per day"
        )


GARBAGE = [
    "",
    " ",
    "*",
    "***",
    "1" * 5000,
    "\u202e\u0000",
    "𝕎𝕟",
    "\r\n",
    "%s%n",
    "' OR 1=1 --",
    "99999999999999999999999",
    "-1",
    "0.5",
    "WN-9999-99999999999",
    "+2557",
    "9999-12-31",
]


@pytest.mark.slow
def test_garbage_in_every_field_never_gives_a_500(live_server, setting, db):
    for value in GARBAGE:
        for field in USSD_FIELDS:
            status, body = post(f"{live_server}/ussd", {**USSD_FIELDS, "sessionId": uuid.uuid4().hex, field: value})
            assert status in (200, 400), (field, value, status, body)
            assert body.startswith(("CON ", "END ")) or status == 400, (field, value, body)
            assert len(body) <= 182
        session = UssdSession(live_server)
        session.dial()
        for answers in (["2", value], ["2", "2", value], ["2", "2", "1", "1", value], ["3", value], ["3", "1", value]):
            status, body = post(
                f"{live_server}/ussd", {**USSD_FIELDS, "sessionId": uuid.uuid4().hex, "text": "*".join(answers)}
            )
            assert status in (200, 400) and len(body) <= 182, (answers, status, body)
        for field in SMS_FIELDS:
            status, body = post(f"{live_server}/sms/inbound", {**SMS_FIELDS, "id": uuid.uuid4().hex, field: value})
            assert status in (200, 400, 429), (field, value, status, body)
    assert db.session.scalar(select(func.count(Ticket.id))) >= 0


def test_the_redis_store_keeps_a_session_and_lets_it_expire():
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.skip(f"Redis is not running on 127.0.0.1:6379: {error}")
    store = RedisStore(client)
    key = f"test:{uuid.uuid4().hex}"
    assert store.get(key) is None
    store.put(key, {"stack": [["home", 0]]}, 60)
    assert store.get(key) == {"stack": [["home", 0]]}
    assert 0 < client.ttl("wananchi:phone:" + key) <= 60
    client.delete("wananchi:phone:" + key)


def test_a_ussd_session_in_redis_and_redis_down(app, live_server, setting, db):
    app.config.update(USSD_SESSION_STORE="redis", REDIS_URL="redis://127.0.0.1:6379/0")
    app.extensions.pop("wananchi.phone.redis", None)
    try:
        try:
            redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
        except redis.ConnectionError:
            pass
        else:
            session = UssdSession(live_server)
            session.dial()
            assert "Lalamiko" in session.send("2")
        app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
        app.extensions.pop("wananchi.phone.redis", None)
        status, body = post(f"{live_server}/ussd", {**USSD_FIELDS, "sessionId": uuid.uuid4().hex})
        assert (status, body) == (200, "END Huduma ina shughuli nyingi. Tafadhali piga tena baada ya dakika chache.")
    finally:
        app.config.update(USSD_SESSION_STORE="database", REDIS_URL=None)
        app.extensions.pop("wananchi.phone.redis", None)
