"""Staff API: token scopes and revocation, the queue, a ticket, actions under the web pages' rules."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.api.conftest import bearer, submit
from wananchi.api.models import ApiToken
from wananchi.api.tokens import (
    create_api_token,
    create_integration_key,
    find_api_token,
    find_integration_key,
    revoke_api_token,
)
from wananchi.core.audit import AuditEntry
from wananchi.tickets.models import Ticket

SWAHILI_MONTHS = (
    "Januari",
    "Februari",
    "Machi",
    "Aprili",
    "Mei",
    "Juni",
    "Julai",
    "Agosti",
    "Septemba",
    "Oktoba",
    "Novemba",
    "Desemba",
)


def _ticket(client, setting) -> dict:
    reference = submit(client).json["reference"]
    return client.get(f"/api/v1/staff/tickets/{reference}", headers=bearer(setting.tokens["officer_a"])).json


def test_no_token_or_a_bad_one_is_401_and_the_session_cookie_is_ignored(client, setting):
    assert client.get("/api/v1/staff/queue").status_code == 401
    assert client.get("/api/v1/staff/queue", headers=bearer("wnt_bandia")).status_code == 401


def test_queue_and_ticket(client, setting):
    ticket = _ticket(client, setting)
    page = client.get("/api/v1/staff/queue?tab=new&type=hakuna", headers=bearer(setting.tokens["officer_a"]))
    assert page.status_code == 200 and [i["reference"] for i in page.json["items"]] == [ticket["reference"]]
    assert len(page.json["ignored"]) == 1
    other = client.get("/api/v1/staff/queue", headers=bearer(setting.tokens["officer_b"])).json
    assert other["items"] == []
    assert client.get("/api/v1/staff/queue", headers=bearer(setting.tokens["admin"])).status_code == 404
    hidden = client.get(f"/api/v1/staff/tickets/{ticket['reference']}", headers=bearer(setting.tokens["officer_b"]))
    assert hidden.status_code == 404


def test_actions_and_stale_versions(client, setting):
    ticket = _ticket(client, setting)
    url = f"/api/v1/staff/tickets/{ticket['reference']}"
    token = bearer(setting.tokens["officer_a"])
    replied = client.post(
        f"{url}/reply", json={"body": "Tunashughulikia.", "version": ticket["version"]}, headers=token
    )
    assert replied.status_code == 200 and replied.json["messages"][-1]["kind"] == "reply"
    stale = client.post(f"{url}/note", json={"body": "Kumbuka.", "version": ticket["version"]}, headers=token)
    assert stale.status_code == 409 and stale.json["code"] == "conflict"
    version = replied.json["version"]
    noted = client.post(f"{url}/note", json={"body": "Kumbuka.", "version": version}, headers=token)
    assert noted.status_code == 200
    asked = client.post(
        f"{url}/request-info", json={"body": "Namba ya mita?", "version": noted.json["version"]}, headers=token
    )
    assert asked.status_code == 200 and asked.json["status"] == "awaiting_citizen"
    forbidden = client.post(
        f"{url}/assign",
        json={"assignee_id": setting.staff.officer_a2.id, "version": asked.json["version"]},
        headers=token,
    )
    assert forbidden.status_code == 403
    assigned = client.post(
        f"{url}/assign",
        json={"assignee_id": setting.staff.officer_a2.id, "version": asked.json["version"]},
        headers=bearer(setting.tokens["supervisor_a"]),
    )
    assert assigned.status_code == 200 and assigned.json["assignee_id"] == setting.staff.officer_a2.id
    resolved = client.post(
        f"{url}/status",
        json={"status": "resolved", "summary": "Bili imerekebishwa.", "version": assigned.json["version"]},
        headers=token,
    )
    assert resolved.status_code == 200 and resolved.json["status"] == "resolved"
    oversight = client.post(
        f"{url}/reply",
        json={"body": "x", "version": resolved.json["version"]},
        headers=bearer(setting.tokens["oversight_above_a"]),
    )
    assert oversight.status_code == 403


def test_transfer(client, setting):
    ticket = _ticket(client, setting)
    moved = client.post(
        f"/api/v1/staff/tickets/{ticket['reference']}/transfer",
        json={"institution": setting.world.council.slug, "reason": "Ni ya halmashauri.", "version": ticket["version"]},
        headers=bearer(setting.tokens["officer_a"]),
    )
    assert moved.status_code == 200 and moved.json["institution"]["slug"] == setting.world.council.slug


def test_transfer_with_a_service(client, setting, db):
    world = setting.world
    ticket = _ticket(client, setting)
    url = f"/api/v1/staff/tickets/{ticket['reference']}/transfer"
    officer = bearer(setting.tokens["officer_a"])
    body = {"institution": world.council.slug, "reason": "Ni ya halmashauri.", "version": ticket["version"]}
    for wrong in (world.national_service.code, "hakuna-huduma"):  # not the council's, or no such service
        refused = client.post(url, json={**body, "service": wrong}, headers=officer)
        assert refused.status_code == 422, wrong
    moved = client.post(url, json={**body, "service": world.local_service.code}, headers=officer)
    assert moved.status_code == 200 and moved.json["institution"]["slug"] == world.council.slug
    stored = db.session.scalar(select(Ticket).where(Ticket.reference == ticket["reference"]))
    assert stored.category_id == world.local_service.id


def test_scopes_and_revocation(client, setting, db):
    ticket = _ticket(client, setting)
    token, raw = create_api_token(setting.staff.officer_a, "kusoma tu", ["read"])
    db.session.commit()
    url = f"/api/v1/staff/tickets/{ticket['reference']}"
    assert client.get(url, headers=bearer(raw)).status_code == 200
    write = client.post(f"{url}/note", json={"body": "x", "version": ticket["version"]}, headers=bearer(raw))
    assert write.status_code == 403
    stored = db.session.get(ApiToken, token.id)
    assert stored.token_hash != raw and raw.startswith(stored.prefix) and stored.last_used_at is not None
    revoke_api_token(stored)
    db.session.commit()
    assert client.get(url, headers=bearer(raw)).status_code == 401


def test_integration_keys_read_their_institution_and_never_write(client, setting, db):
    ticket = _ticket(client, setting)
    key, raw = create_integration_key(setting.world.agency, "Mfumo wa DAWASA", ["read", "write"], actor=None)
    db.session.commit()
    assert find_integration_key(raw).institution.slug == setting.world.agency.slug
    url = f"/api/v1/staff/tickets/{ticket['reference']}"
    assert client.get(url, headers=bearer(raw)).status_code == 200
    assert client.get("/api/v1/staff/queue", headers=bearer(raw)).json["items"]
    assert client.post(f"{url}/note", json={"body": "x", "version": 1}, headers=bearer(raw)).status_code == 403
    assert find_integration_key("wnk_bandia") is None


def test_token_pages(client, setting, db):
    from tests.helpers import hidden_fields, log_in
    from tests.world import PASSWORD

    log_in(client, setting.staff.officer_a.email, PASSWORD)
    page = client.get("/akaunti/tokeni")
    created = client.post(
        "/akaunti/tokeni",
        data={"csrf_token": hidden_fields(page.data)["csrf_token"], "name": "Hati", "scopes": ["read"]},
    )
    # Shown once, on the page the browser is sent to: a reload neither shows it again nor makes a second token.
    assert created.status_code == 303 and created.headers["Location"] == "/akaunti/tokeni"
    shown = client.get("/akaunti/tokeni").get_data(as_text=True)
    secret = re.search(r'<code id="new-token">(wnt_[^<]+)</code>', shown).group(1)
    assert find_api_token(secret).name == "Hati"
    again = client.get("/akaunti/tokeni").get_data(as_text=True)
    assert 'id="new-token"' not in again and secret not in again
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.name == "Hati")) == 1
    assert "<td>Kusoma</td>" in again  # its permissions in the page's language, not "read"
    too_long = client.post(
        "/akaunti/tokeni",
        data={"csrf_token": hidden_fields(page.data)["csrf_token"], "name": "x" * 300, "scopes": ["read"]},
    )
    assert too_long.status_code == 422 and "Herufi 80 kwa juu kabisa." in too_long.get_data(as_text=True)
    # When each token was made is written as a reader in Tanzania reads it (East Africa Time), in Swahili.
    token = db.session.scalars(select(ApiToken).where(ApiToken.name == "Hati")).one()
    made = token.created_at.astimezone(ZoneInfo("Africa/Dar_es_Salaam"))
    shown = f"{made.day} {SWAHILI_MONTHS[made.month - 1]} {made.year}, {made:%H:%M}"
    listed = client.get("/akaunti/tokeni").get_data(as_text=True)
    assert shown in listed
    assert "Itume hivi: Authorization: Bearer &lt;token&gt;." in listed  # how to send it, the placeholder shown


def test_rate_limit_per_token(app, client, setting):
    app.config["API_TOKEN_RATE_LIMIT"] = "2 per minute"
    token = bearer(setting.tokens["officer_a"])
    statuses = [client.get("/api/v1/staff/queue", headers=token).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get("/api/v1/staff/queue", headers=bearer(setting.tokens["officer_a2"])).status_code == 200
    assert client.get("/api/v1/institutions").status_code == 200  # the address's own limit


def test_a_too_large_body_is_a_json_413(app, client, setting):
    app.config["MAX_CONTENT_LENGTH"], saved = 1000, app.config["MAX_CONTENT_LENGTH"]
    try:
        response = client.post("/api/v1/tickets", json={"description": "x" * 5000})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert response.status_code == 413 and response.json["code"] == "too_large"


def test_401_names_the_scheme(client, setting):
    assert client.get("/api/v1/staff/queue").headers["WWW-Authenticate"].startswith("Bearer")


def _audit(db, action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_creating_and_revoking_a_token_on_its_page_is_audited(client, setting, db):
    from tests.helpers import hidden_fields, log_in
    from tests.world import PASSWORD

    user = setting.staff.officer_a
    log_in(client, user.email, PASSWORD)
    page = client.get("/akaunti/tokeni")
    client.post(
        "/akaunti/tokeni",
        data={"csrf_token": hidden_fields(page.data)["csrf_token"], "name": "Hati", "scopes": ["read"]},
    )
    token = db.session.scalars(select(ApiToken).where(ApiToken.name == "Hati")).one()
    revoked = client.post(f"/akaunti/tokeni/{token.id}/futa", data=hidden_fields(client.get("/akaunti/tokeni").data))
    assert revoked.status_code == 303
    [created] = _audit(db, "api_token_created")[-1:]
    [gone] = _audit(db, "api_token_revoked")
    assert (created.actor_id, created.object_id, created.client_address) == (user.id, str(token.id), "127.0.0.1")
    assert created.changes == {"name": "Hati", "scopes": "read"}
    assert (gone.actor_id, gone.object_id, gone.changes["reason"]) == (user.id, str(token.id), "revoked")


def test_a_password_change_revokes_the_users_tokens(client, setting, db):
    from tests.helpers import hidden_fields, log_in
    from tests.world import PASSWORD

    user, raw = setting.staff.officer_a, setting.tokens["officer_a"]
    other = bearer(setting.tokens["officer_a2"])
    assert client.get("/api/v1/staff/queue", headers=bearer(raw)).status_code == 200
    log_in(client, user.email, PASSWORD)
    page = client.get("/akaunti")
    new = "kahawa-chungu-ya-asubuhi"
    changed = client.post(
        "/akaunti", data={**hidden_fields(page.data), "current_password": PASSWORD, "password": new, "confirm": new}
    )
    assert changed.status_code == 303
    assert client.get("/api/v1/staff/queue", headers=bearer(raw)).status_code == 401
    assert client.get("/api/v1/staff/queue", headers=other).status_code == 200  # another user's token lives on
    [revoked] = _audit(db, "api_token_revoked")
    assert revoked.actor_id == user.id and revoked.changes["reason"] == "password_changed"
    assert db.session.get(ApiToken, int(revoked.object_id)).revoked_at is not None


def test_a_password_reset_revokes_the_users_tokens(client, setting, db):
    from wananchi.accounts.services import password_reset_token, reset_password

    user, raw = setting.staff.officer_a, setting.tokens["officer_a"]
    with client.application.test_request_context():
        reset_password(password_reset_token(user), "kahawa-chungu-ya-asubuhi")
    db.session.commit()
    assert client.get("/api/v1/staff/queue", headers=bearer(raw)).status_code == 401
    [revoked] = _audit(db, "api_token_revoked")
    assert revoked.changes["reason"] == "password_reset"
