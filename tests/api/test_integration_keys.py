"""Integration keys: limited to their institution's services (or the tickets routed to it), audited when issued
and revoked, and shown to the institution's supervisors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.api.conftest import api_submission, bearer
from tests.helpers import hidden_fields, log_in
from tests.world import PASSWORD
from wananchi.api.models import IntegrationKey
from wananchi.api.tokens import create_integration_key, revoke_integration_key
from wananchi.core.audit import AuditEntry
from wananchi.tickets.models import Ticket

LOCAL = {  # the ministry's service, routed to the council
    "category": "usafi-taka",
    "district": "dodoma-jiji",
    "subject": "Taka hazikusanywi",
    "description": "Taka hazijakusanywa mtaani kwetu kwa wiki tatu sasa.",
}


def key_for(db, institution, *scopes: str) -> str:
    _key, raw = create_integration_key(institution, f"Mfumo wa {institution.slug}", scopes or ["read"], actor=None)
    db.session.commit()
    return raw


def submitted(client, key: str, **overrides) -> int:  # type: ignore[no-untyped-def]
    return client.post("/api/v1/tickets", json=api_submission(**overrides), headers=bearer(key)).status_code


def test_a_key_submits_only_its_institutions_services_or_tickets_routed_to_it(client, setting, db):
    world = setting.world
    agency = key_for(db, world.agency, "read", "write")
    assert submitted(client, agency) == 201  # water bills: the agency's own service
    refused = client.post("/api/v1/tickets", json=api_submission(**LOCAL), headers=bearer(agency))
    assert refused.status_code == 403 and refused.json["code"] == "forbidden"
    assert "huduma za taasisi yake" in refused.json["message"]
    assert submitted(client, agency, category="sijui") == 403  # to the triage desk
    assert submitted(client, key_for(db, world.council, "write"), **LOCAL) == 201  # routed to the council
    # The ministry's own service (another text: the same one again from the same contact would be a repeat).
    assert submitted(client, key_for(db, world.tamisemi, "write"), **{**LOCAL, "subject": "Taka zimejaa sokoni"}) == 201
    assert submitted(client, key_for(db, world.council, "write")) == 403  # the agency's service
    assert (
        submitted(client, key_for(db, world.triage, "write"), category="sijui", subject="Sijui nani anahusika") == 201
    )
    assert len(list(db.session.scalars(select(Ticket)))) == 4


def test_open311_keys_are_limited_the_same_way(client, setting, db):
    council = key_for(db, setting.world.council, "write")
    form = {
        "api_key": council,
        "service_code": "maji-bili",
        "attribute[ticket_type]": "maoni",
        "description": "Maoni kuhusu huduma ya maji katika eneo letu.",
    }
    refused = client.post("/open311/v2/requests.json", data=form)
    assert refused.status_code == 403 and refused.json[0]["code"] == 403
    form.update({"service_code": "usafi-taka", "attribute[district]": "dodoma-jiji"})
    assert client.post("/open311/v2/requests.json", data=form).status_code == 200


def test_a_key_reads_the_tickets_routed_to_it_and_those_about_its_services(client, setting, db):
    world = setting.world
    water = client.post("/api/v1/tickets", json=api_submission()).json["reference"]
    waste = client.post("/api/v1/tickets", json=api_submission(**LOCAL)).json["reference"]
    keys = {name: key_for(db, getattr(world, name)) for name in ("agency", "council", "tamisemi", "ministry")}

    def reads(name: str, reference: str) -> int:
        return client.get(f"/api/v1/staff/tickets/{reference}", headers=bearer(keys[name])).status_code

    assert (reads("agency", water), reads("agency", waste)) == (200, 404)
    assert (reads("council", water), reads("council", waste)) == (404, 200)
    assert (reads("tamisemi", water), reads("tamisemi", waste)) == (404, 200)  # its service, routed elsewhere
    assert (reads("ministry", water), reads("ministry", waste)) == (404, 404)  # above the agency: no reach

    # Transferred away, a ticket stays readable by a key only if it is about the institution's own services.
    token = bearer(setting.tokens["officer_b"])
    ticket = client.get(f"/api/v1/staff/tickets/{waste}", headers=token).json
    moved = client.post(
        f"/api/v1/staff/tickets/{waste}/transfer",
        json={"institution": world.agency.slug, "reason": "Ni ya DAWASA.", "version": ticket["version"]},
        headers=token,
    )
    assert moved.status_code == 200
    assert (reads("council", waste), reads("agency", waste), reads("tamisemi", waste)) == (404, 200, 200)
    # The officers of the council keep their read-only view of what they transferred.
    assert client.get(f"/api/v1/staff/tickets/{waste}", headers=token).status_code == 200


def test_issuing_and_revoking_a_key_is_audited(client, setting, db):
    admin = setting.staff.admin
    log_in(client, admin.email, PASSWORD)
    page = client.get("/utawala/funguo")
    issued = client.post(
        "/utawala/funguo",
        data={
            "csrf_token": hidden_fields(page.data)["csrf_token"],
            "institution": str(setting.world.council.id),
            "name": "Programu ya halmashauri",
            "scopes": ["read"],
        },
    )
    assert issued.status_code == 303  # to the page that shows the key once: a reload makes no second key
    shown = client.get("/utawala/funguo").get_data(as_text=True)
    assert 'id="new-key">wnk_' in shown and "<td>Kusoma</td>" in shown
    assert "Kuandika (kuwasilisha hoja)" in shown and "kushughulikia hoja" not in shown  # a key never changes a ticket
    assert 'id="new-key"' not in client.get("/utawala/funguo").get_data(as_text=True)
    key = db.session.scalars(select(IntegrationKey)).one()
    revoked = client.post(f"/utawala/funguo/{key.id}/futa", data=hidden_fields(client.get("/utawala/funguo").data))
    assert revoked.status_code == 303
    entries = list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.object_type == "IntegrationKey").order_by(AuditEntry.id))
    )
    assert [(e.action, e.actor_id, e.object_id, e.client_address) for e in entries] == [
        ("integration_key_issued", admin.id, str(key.id), "127.0.0.1"),
        ("integration_key_revoked", admin.id, str(key.id), "127.0.0.1"),
    ]
    assert entries[0].changes == {"institution": "jiji-dodoma", "name": "Programu ya halmashauri", "scopes": "read"}


@pytest.fixture
def agency_keys(client, setting, db):
    """Two keys of the agency (one used and revoked) issued by the administrator, and one of the council."""
    world, admin = setting.world, setting.staff.admin
    used, used_raw = create_integration_key(world.agency, "Mfumo wa bili", ["read"], actor=admin)
    create_integration_key(world.agency, "Dashibodi ya DAWASA", ["read", "write"], actor=admin)
    create_integration_key(world.council, "Programu ya halmashauri", ["read"], actor=admin)
    db.session.commit()
    assert client.get("/api/v1/staff/queue", headers=bearer(used_raw)).status_code == 200
    revoke_integration_key(db.session.get(IntegrationKey, used.id), actor=admin)
    db.session.commit()


def test_supervisors_see_the_keys_issued_to_their_institution(app, setting, agency_keys):
    supervisor = app.test_client()
    log_in(supervisor, setting.staff.supervisor_a.email, PASSWORD)
    assert 'href="/afisa/funguo"' in supervisor.get("/akaunti").get_data(as_text=True)
    page = supervisor.get("/afisa/funguo")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mfumo wa bili" in html and "Dashibodi ya DAWASA" in html
    assert "Programu ya halmashauri" not in html  # another institution's
    assert html.count(setting.staff.admin.name) == 2  # who issued each
    assert html.count("Ulifutwa ") == 1 and html.count("<td>Hai</td>") == 1
    officer = app.test_client()
    log_in(officer, setting.staff.officer_a.email, PASSWORD)
    assert officer.get("/afisa/funguo").status_code == 404
    assert 'href="/afisa/funguo"' not in officer.get("/akaunti").get_data(as_text=True)
