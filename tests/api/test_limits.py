"""API rate limits hold whatever the headers say: made-up credentials are refused and count against their address,
and guesses at one ticket's tracking code are counted per ticket."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.api.conftest import api_submission, bearer, submit
from tests.notifications.conftest import SmsGateway, SmtpServer
from wananchi.api.tokens import create_api_token, create_integration_key, revoke_api_token
from wananchi.notifications.outbox import sweep
from wananchi.tickets.models import Ticket

VICTIM_EMAIL, VICTIM_PHONE = "mlengwa@example.co.tz", "0754 000 111"


def _made_up(number: int) -> dict[str, str]:
    """Headers of a request that pretends to be someone else each time: a new token and a new forwarded address."""
    return {**bearer(f"wnt_bandia{number:04d}"), "X-Forwarded-For": f"10.0.{number // 250}.{number % 250 + 1}"}


def test_made_up_tokens_do_not_lift_the_submit_limit_nor_reach_the_victim(
    app, client, setting, db, smtp_server: SmtpServer, sms_gateway: SmsGateway
) -> None:
    app.config["API_SUBMIT_RATE_LIMIT"] = "5 per minute"
    statuses = []
    for number in range(100):
        headers = _made_up(number) if number % 2 else {"X-Forwarded-For": f"10.1.0.{number + 1}"}
        # Each with its own text: the same text again from one contact would only be told the first reference.
        victim = api_submission(email=VICTIM_EMAIL, phone=VICTIM_PHONE, subject=f"Bili ya maji namba {number}")
        statuses.append(client.post("/api/v1/tickets", json=victim, headers=headers).status_code)
    assert statuses[:5] == [201, 401, 201, 401, 201]  # a made-up token is refused, and counted all the same
    assert statuses[5:] == [429] * 95
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 3
    sweep()
    assert len(smtp_server.mailbox.to(VICTIM_EMAIL)) == 3
    assert [sms["to"] for sms in sms_gateway.received] == ["+255754000111"] * 3


def test_credentials_that_are_sent_must_be_valid_even_for_public_operations(client, setting, db) -> None:
    revoked, raw_revoked = create_api_token(setting.staff.officer_a, "Ya zamani", ["read"])
    revoke_api_token(revoked)
    _key, raw_key = create_integration_key(setting.world.agency, "Kituo cha simu", ["read", "write"], actor=None)
    db.session.commit()
    for headers in (
        bearer("wnt_bandia"),
        bearer("wnk_bandia"),
        bearer(raw_revoked),
        {"Authorization": "Basic YXNoYTpzaXJp"},
        {"Authorization": "Bearer"},
    ):
        refused = client.get("/api/v1/institutions", headers=headers)
        assert refused.status_code == 401 and refused.json["code"] == "unauthorized", headers
        assert refused.headers["WWW-Authenticate"] == 'Bearer realm="wananchi"'
        assert client.post("/api/v1/tickets", json=api_submission(), headers=headers).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 0
    assert client.get("/api/v1/institutions").status_code == 200
    assert client.get("/api/v1/institutions", headers=bearer(raw_key)).status_code == 200
    assert client.post("/api/v1/tickets", json=api_submission(), headers=bearer(raw_key)).status_code == 201


def test_the_address_limit_holds_whatever_token_is_sent(app, client, setting) -> None:
    app.config["API_RATE_LIMIT"] = "3 per minute"
    statuses = [client.get("/api/v1/institutions", headers=_made_up(number)).status_code for number in range(6)]
    assert statuses == [401, 401, 401, 429, 429, 429]
    assert client.get("/api/v1/institutions").status_code == 429
    queue = [client.get("/api/v1/staff/queue", headers=_made_up(number)).status_code for number in range(10, 14)]
    assert queue == [401, 401, 401, 429]  # each operation counts on its own, per address


def test_a_valid_token_counts_on_its_own(app, client, setting) -> None:
    app.config.update(API_RATE_LIMIT="2 per minute", API_TOKEN_RATE_LIMIT="4 per minute")
    token = bearer(setting.tokens["officer_a"])
    assert [client.get("/api/v1/institutions", headers=token).status_code for _ in range(5)] == [200] * 4 + [429]
    assert [client.get("/api/v1/institutions").status_code for _ in range(3)] == [200, 200, 429]


@pytest.fixture
def tracked(client, setting) -> dict[str, str]:
    """A ticket submitted through the API: its reference and tracking code."""
    receipt = submit(client).json
    return {"reference": receipt["reference"], "code": receipt["tracking_code"]}


def test_tracking_guesses_at_one_ticket_from_one_address_meet_the_per_reference_limit(
    app, client, setting, db, tracked, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "TRACK_PER_REFERENCE_AND_ADDRESS_LIMIT", "5 per hour")
    year, number = tracked["reference"].split("-")[1:]
    spellings = [tracked["reference"], tracked["reference"].lower(), f"{year}-{int(number)}", f" WN{year}{number} "]
    integration = create_integration_key(setting.world.agency, "Kituo", ["read"], actor=None)[1]
    db.session.commit()
    statuses = []
    for guess in range(40):
        headers = [_made_up(guess), {}, bearer(integration), bearer(setting.tokens["officer_b"])][guess % 4]
        body = {"reference": spellings[guess % len(spellings)], "code": f"AAAAA-{guess:05d}"}
        statuses.append(client.post("/api/v1/tickets/track", json=body, headers=headers).status_code)
    assert statuses[:5] == [401, 404, 404, 404, 401]
    assert statuses[5:] == [429] * 35
    assert client.post("/api/v1/tickets/track", json=tracked).status_code == 429  # even the right code, for now
    owner = {"REMOTE_ADDR": "10.0.2.7"}  # the citizen, elsewhere: a stranger's guesses do not lock them out
    assert client.post("/api/v1/tickets/track", json=tracked, environ_base=owner).status_code == 200
    information = {**tracked, "body": "Namba ya mita ni 1234."}
    assert client.post("/api/v1/tickets/information", json=information).status_code == 429  # the same count
    other = submit(client, subject="Mita ya maji imeharibika").json
    answer = client.post(
        "/api/v1/tickets/track", json={"reference": other["reference"], "code": other["tracking_code"]}
    )
    assert answer.status_code == 200


def test_adding_information_counts_towards_the_same_per_reference_limit(
    app, client, setting, tracked, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "TRACK_PER_REFERENCE_AND_ADDRESS_LIMIT", "3 per hour")
    wrong = {**tracked, "code": "AAAAA-AAAAA", "body": "Namba ya mita ni 1234."}
    statuses = [client.post("/api/v1/tickets/information", json=wrong).status_code for _ in range(3)]
    assert statuses == [404, 404, 404]
    assert client.post("/api/v1/tickets/track", json=tracked).status_code == 429
