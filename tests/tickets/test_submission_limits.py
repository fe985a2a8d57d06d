"""Limits that fit a country: a form refused for a mistake does not count towards the submission limit (every post
counts towards a larger one), limits are kept per client address behind the configured proxies, and a limited form
says how to get back to what was typed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from config import ProductionConfig
from tests.helpers import free_port, hidden_fields, post_submission, run_production_child, valid_submission
from tests.world import build_world
from wananchi import create_app
from wananchi.tickets.models import Ticket


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


@pytest.fixture
def limits(app):
    """Change some of the application's limits for one test."""
    saved: dict[str, object] = {}

    def change(**values: object) -> None:
        for name, value in values.items():
            saved.setdefault(name, app.config[name])
            app.config[name] = value

    yield change
    app.config.update(saved)


def count(db) -> int:
    return db.session.scalar(select(func.count(Ticket.id)))


def test_rejected_forms_do_not_count_towards_the_submission_limit_and_sent_ones_do(client, world, db, limits):
    limits(SUBMIT_RATE_LIMIT="2 per minute")
    for typo in range(6):  # a citizen correcting mistakes, or many behind one operator's address
        assert post_submission(client, subject=f"ab{typo}").status_code == 422
    assert post_submission(client, subject="Hoja ya kwanza ya leo").status_code == 303
    assert post_submission(client, subject="Hoja ya pili ya leo").status_code == 303
    limited = post_submission(client, subject="Hoja ya tatu ya leo")
    html = limited.get_data(as_text=True)
    assert limited.status_code == 429 and count(db) == 2
    assert "Hoja nyingi zimetumwa kutoka kwenye mtandao wako" in html and "subiri dakika chache" in html
    assert 'value="Hoja ya tatu ya leo"' in html and valid_submission()["description"] in html  # kept as typed


def test_every_post_of_the_form_counts_towards_a_larger_limit(client, world, db, limits):
    limits(SUBMIT_ATTEMPT_RATE_LIMIT="4 per minute")
    statuses = [post_submission(client, subject=f"ab{attempt}").status_code for attempt in range(4)]
    limited = post_submission(client, subject="Hoja halali kabisa")
    assert statuses == [422] * 4 and limited.status_code == 429 and count(db) == 0
    assert 'value="Hoja halali kabisa"' in limited.get_data(as_text=True)


def test_a_limited_form_without_its_own_page_says_to_go_back_to_the_typed_text(client, world, limits):
    limits(TRACK_RATE_LIMIT="1 per minute")
    page = hidden_fields(client.get("/fuatilia").data)
    client.post("/fuatilia", data={**page, "reference": "WN-2026-000001", "code": "AAAAA-AAAAA"})
    limited = client.post("/fuatilia", data={**page, "reference": "WN-2026-000001", "code": "BBBBB-BBBBB"})
    html = limited.get_data(as_text=True)
    assert limited.status_code == 429
    assert "Rudi nyuma kwa kitufe cha Nyuma cha kivinjari chako: ulichoandika bado kipo kwenye fomu." in html


PER_ADDRESS = """
import json
from tests.helpers import hidden_fields, valid_submission, world_client
from wananchi import create_app

app = create_app()
client = world_client(app)


def send(address, subject):
    headers = {"X-Forwarded-For": address}  # as the proxy in front writes it
    form = hidden_fields(client.get("/wasilisha", headers=headers).data)
    data = {**form, **valid_submission(subject=subject)}
    return client.post("/wasilisha", data=data, headers=headers).status_code


print(json.dumps([
    send("41.59.1.1", "Hoja ya kwanza ya Asha"),
    send("41.59.1.1", "Hoja ya pili ya Asha"),
    send("41.59.2.2", "Hoja ya Juma"),
    send("9.9.9.9, 41.59.1.1", "Hoja ya tatu ya Asha"),
]))
"""


def test_production_keeps_limits_per_client_address_behind_its_proxy(tmp_path):
    statuses, _stderr = run_production_child(
        PER_ADDRESS,
        tmp_path,
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",  # receipts wait in the outbox: nothing listens there
        RATELIMIT_STORAGE_URI="memory://",
        SUBMIT_RATE_LIMIT="1 per minute",
    )
    # One proxy (the default): its X-Forwarded-For names the citizen, and a citizen cannot pose as another by
    # writing the header themselves (the proxy appends the address it saw).
    assert statuses == [303, 429, 303, 429]


@pytest.fixture
def production(monkeypatch, tmp_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "s" * 40)
    monkeypatch.setattr(ProductionConfig, "TRACKING_CODE_KEY", "t" * 40)
    monkeypatch.setattr(ProductionConfig, "USSD_GATEWAY_SECRET", "u" * 40)
    monkeypatch.setattr(ProductionConfig, "SMS_GATEWAY_SECRET", "m" * 40)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    monkeypatch.setattr(ProductionConfig, "REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")


def test_production_refuses_to_start_behind_a_proxy_whose_address_it_does_not_trust(monkeypatch, production):
    monkeypatch.setattr(ProductionConfig, "PROXY_FIX_X_FOR", 0)
    with pytest.raises(RuntimeError, match="PROXY_FIX_X_FOR=0 behind a reverse proxy"):
        create_app("production")
    monkeypatch.setattr(ProductionConfig, "BEHIND_PROXY", False)  # told clients connect directly
    assert create_app("production").config["PROXY_FIX_X_FOR"] == 0


def test_production_refuses_to_trust_forwarded_addresses_with_no_proxy_in_front(monkeypatch, production):
    monkeypatch.setattr(ProductionConfig, "BEHIND_PROXY", False)
    monkeypatch.setattr(ProductionConfig, "PROXY_FIX_X_FOR", 1)
    with pytest.raises(RuntimeError, match="BEHIND_PROXY=0, PROXY_FIX_X_FOR must be 0"):
        create_app("production")
    monkeypatch.setattr(ProductionConfig, "BEHIND_PROXY", True)  # one proxy: the default
    assert create_app("production").config["PROXY_FIX_X_FOR"] == 1
