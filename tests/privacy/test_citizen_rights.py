"""The citizen's personal data from the tracking page: everything held about the ticket (JSON and a printable page,
in both languages), and consent to publication withdrawn, which unpublishes the text from Open311."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from tests.helpers import hidden_fields, post_submission
from tests.tickets.test_track import track
from tests.world import build_world
from wananchi.tickets.models import EventKind, Ticket


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def submit(app, **overrides):
    """Submit from another browser; (reference, code)."""
    citizen = app.test_client()
    receipt = citizen.get(post_submission(citizen, **overrides).headers["Location"]).get_data(as_text=True)
    reference = re.search(r'id="reference">(WN-[0-9-]+)<', receipt).group(1)
    code = re.search(r'id="tracking-code">([0-9A-Z-]+)<', receipt).group(1)
    return reference, code


def test_the_download_holds_everything_about_the_ticket_and_nothing_of_others(app, client, world, db):
    reference, code = submit(app, publication_consent="y")
    other, _code = submit(
        app,
        name="Juma Hamisi",
        email="juma@example.co.tz",
        phone="0713 000 111",
        subject="Taa za barabarani zimezimika",
    )
    assert client.get(f"/hoja/{reference}/taarifa-zangu.json").status_code == 404  # the code first
    assert client.get(f"/hoja/{reference}/taarifa-zangu").status_code == 302
    assert track(client, reference, code).status_code == 303

    answer = client.get(f"/hoja/{reference}/taarifa-zangu.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert f'filename="{reference}.json"' in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"] == "no-store"
    data = json.loads(answer.get_data(as_text=True))
    assert data["reference"] == reference and data["name"] == "Asha Juma"
    assert data["email"] == "asha@example.co.tz" and data["phone"] == "+255712345678"
    assert data["publication_consent"] is True and data["subject"] == "Bili ya maji si sahihi"
    assert data["place"] == "Mtaa wa Kisasa, Kata ya Nzuguni" and data["history"][0]["kind"] == "submitted"
    assert data["institution"] == "Mamlaka ya Majisafi na Usafi wa Mazingira Dar es Salaam"
    body = answer.get_data(as_text=True)
    assert other not in body and "Juma Hamisi" not in body and "juma@example.co.tz" not in body
    # Another ticket's data is not this browser's to read.
    assert client.get(f"/hoja/{other}/taarifa-zangu.json").status_code == 404

    swahili = client.get(f"/hoja/{reference}/taarifa-zangu").get_data(as_text=True)
    assert f"<h1>Taarifa zinazohifadhiwa kuhusu hoja {reference}</h1>" in swahili
    assert "asha@example.co.tz" in swahili and "Ridhaa ya kuchapishwa" in swahili and "Juma Hamisi" not in swahili
    # The page follows the language the citizen chose, from the header's switch like every other page.
    client.get("/lugha/en")
    english = client.get(f"/hoja/{reference}/taarifa-zangu").get_data(as_text=True)
    assert '<html lang="en">' in english and f"<h1>Data held about ticket {reference}</h1>" in english
    assert "Consent to publication" in english and "Dar es Salaam Water Supply" in english
    client.get("/lugha/sw")

    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    downloads = [e.data["form"] for e in ticket.events if e.kind == EventKind.DATA_DOWNLOADED]
    assert downloads == ["json", "page", "page"]


def test_withdrawn_consent_unpublishes_the_text_from_open311(app, client, world, db):
    reference, code = submit(app, publication_consent="y")
    published = client.get(f"/open311/v2/requests/{reference}.json").get_json()[0]
    assert published["description"].startswith("Nimepokea bili ya maji")
    track(client, reference, code)
    page = client.get(f"/hoja/{reference}")
    html = page.get_data(as_text=True)
    assert 'id="withdraw-consent"' in html and f'href="/hoja/{reference}/taarifa-zangu"' in html

    refused = client.post(f"/hoja/{reference}/ridhaa", data={})  # no security token: nothing changes
    assert refused.status_code == 400
    assert db.session.scalar(select(Ticket.publication_consent).where(Ticket.reference == reference)) is True

    answer = client.post(f"/hoja/{reference}/ridhaa", data={"csrf_token": hidden_fields(page.data)["csrf_token"]})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/hoja/{reference}#personal-data")
    after = client.get(f"/hoja/{reference}").get_data(as_text=True)
    assert "Ridhaa yako imeondolewa" in after and 'id="withdraw-consent"' not in after
    unpublished = client.get(f"/open311/v2/requests/{reference}.json").get_json()[0]
    assert unpublished["description"] != published["description"]
    assert "Nimepokea bili" not in json.dumps(unpublished)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    assert ticket.publication_consent is False and ticket.events[-1].kind == EventKind.CONSENT_WITHDRAWN


def test_another_browser_cannot_withdraw_consent(app, client, world, db):
    reference, _code = submit(app, publication_consent="y")
    page = client.get("/fuatilia")
    answer = client.post(f"/hoja/{reference}/ridhaa", data={"csrf_token": hidden_fields(page.data)["csrf_token"]})
    assert answer.status_code == 302 and "/fuatilia" in answer.headers["Location"]
    assert db.session.scalar(select(Ticket.publication_consent).where(Ticket.reference == reference)) is True
