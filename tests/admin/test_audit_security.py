"""The audit log shows the security events: keys issued and revoked, failed and delayed logins, two-step
failures, password resets and changes, tokens created and revoked, each with who (if anyone) and from where."""

from __future__ import annotations

import re

import pyotp

from tests.helpers import hidden_fields, log_in
from tests.world import PASSWORD, build_staff, build_world
from wananchi.accounts.logins import ACCOUNT_DELAY
from wananchi.accounts.services import password_reset_token

NEW_PASSWORD = "kahawa-chungu-ya-asubuhi"


def post_page(client, page: str, action: str | None = None, **data: object):  # type: ignore[no-untyped-def]
    token = hidden_fields(client.get(page).data)["csrf_token"]
    return client.post(action or page, data={"csrf_token": token, **data})


def test_the_audit_log_lists_every_kind_of_security_event(app, db):
    staff = build_staff(build_world())
    staff.officer_b.totp_secret = pyotp.random_base32()
    db.session.commit()
    admin = app.test_client()
    log_in(admin, staff.admin.email, PASSWORD)
    # An integration key issued to the agency, then revoked.
    post_page(admin, "/utawala/funguo", institution=str(staff.officer_a.institution_id), name="Mfumo", scopes="read")
    revoke = re.search(r'action="(/utawala/funguo/\d+/futa)"', admin.get("/utawala/funguo").get_data(as_text=True))
    post_page(admin, "/utawala/funguo", revoke.group(1))
    # Failed logins, then enough to make the account wait.
    log_in(app.test_client(), "hayupo@dawasa.go.tz", PASSWORD)
    for _attempt in range(ACCOUNT_DELAY.free):
        log_in(app.test_client(), staff.officer_a2.email, "si-nenosiri-lake")
    # A wrong two-step code.
    second_step = app.test_client()
    log_in(second_step, staff.officer_b.email, PASSWORD)
    post_page(second_step, "/ingia/msimbo", code="000000")
    # A password set through a reset link, and one changed on the account page.
    reset = app.test_client()
    with app.test_request_context():
        link = f"/nenosiri/weka/{password_reset_token(staff.supervisor_a)}"
    assert post_page(reset, link, password=NEW_PASSWORD, confirm=NEW_PASSWORD).status_code == 303
    officer = app.test_client()
    log_in(officer, staff.officer_a.email, PASSWORD)
    # A token created and revoked.
    post_page(officer, "/akaunti/tokeni", name="Hati", scopes="read")
    revoke = re.search(r'action="(/akaunti/tokeni/\d+/futa)"', officer.get("/akaunti/tokeni").get_data(as_text=True))
    post_page(officer, "/akaunti/tokeni", revoke.group(1))
    changed = post_page(officer, "/akaunti", current_password=PASSWORD, password=NEW_PASSWORD, confirm=NEW_PASSWORD)
    assert changed.status_code == 303
    page = admin.get("/utawala/kumbukumbu").get_data(as_text=True)
    for label in (
        "Ufunguo wa mfumo umetolewa",
        "Ufunguo wa mfumo umefutwa",
        "Kuingia kumekataliwa",
        "Kuingia kumesitishwa kwa muda",
        "Msimbo wa hatua ya pili umekataliwa",
        "Nenosiri limewekwa kupitia kiungo cha kuweka upya",
        "Nenosiri limebadilishwa",
        "Tokeni ya API imetengenezwa",
        "Tokeni ya API imefutwa",
        "Ameingia",
        "Barua pepe isiyo na akaunti",
    ):
        assert label in page, label
    assert "mtu ambaye hajaingia · kutoka 127.0.0.1" in page  # a refused login: no actor, but an address
    assert "hayupo" not in page  # an address nobody has is kept as a keyed hash only
