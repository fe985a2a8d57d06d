"""The undelivered-messages page: administrators see failed messages (masked) and send them again, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in
from tests.notifications.conftest import SmtpServer, smtp_server  # noqa: F401  (the real SMTP server fixture)
from tests.world import PASSWORD, build_world
from wananchi.accounts.models import Role, User
from wananchi.accounts.services import create_user
from wananchi.admin.outbox_views import mask_recipient
from wananchi.core.audit import AuditEntry
from wananchi.notifications.models import Channel, OutboxMessage, OutboxStatus
from wananchi.notifications.outbox import sweep


def message(status: OutboxStatus, attempts: int, recipient: str = "asha.juma@example.co.tz", **extra) -> OutboxMessage:  # type: ignore[no-untyped-def]
    """An outbox row in the given state."""
    channel = Channel.SMS if recipient.startswith("+") else Channel.EMAIL
    return OutboxMessage(
        event="receipt",
        channel=channel,
        recipient=recipient,
        language="sw",
        subject="Hoja WN-1",
        body_text="Hoja yako imepokelewa.",
        status=status,
        attempts=attempts,
        **extra,
    )


@pytest.fixture
def admin(db) -> User:
    """An administrator (no institution)."""
    user = create_user(
        email="admin@utumishi.go.tz", name="Neema Admin", role=Role.ADMIN, password=PASSWORD, institution=None
    )
    db.session.commit()
    return user


@pytest.fixture
def officer(db) -> User:
    """An officer of the water agency."""
    user = create_user(
        email="afisa@dawasa.go.tz",
        name="Juma Afisa",
        role=Role.OFFICER,
        password=PASSWORD,
        institution=build_world().agency,
    )
    db.session.commit()
    return user


@pytest.fixture
def admin_client(client, admin: User):  # type: ignore[no-untyped-def]
    """A client logged in as the administrator."""
    assert log_in(client, admin.email, PASSWORD).status_code == 303
    return client


@pytest.fixture
def messages(db) -> dict[str, OutboxMessage]:
    """A failed e-mail, a failed SMS, one still retrying, one tried once, one sent."""
    rows = {
        "failed": message(OutboxStatus.FAILED, 8, last_error="SMTPRecipientsRefused: <asha.juma@example.co.tz> 550"),
        "failed_sms": message(OutboxStatus.FAILED, 8, "+255712345678", last_error='gateway refused: "+255712345678"'),
        "retrying": message(OutboxStatus.PENDING, 3, "neema@example.co.tz", last_error="ConnectionRefusedError"),
        "first_try": message(OutboxStatus.PENDING, 1, "juma@example.co.tz", last_error="timed out"),
        "sent": message(OutboxStatus.SENT, 1, "baraka@example.co.tz"),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    return rows


def test_recipients_are_masked_to_their_first_letters():
    assert mask_recipient("asha.juma@example.co.tz") == "as…@ex…"
    assert mask_recipient("+255712345678") == "+25571…"


def test_the_page_lists_failed_and_retrying_messages_with_masked_recipients(admin_client, messages):
    html = admin_client.get("/utawala/ujumbe").get_data(as_text=True)
    for name in ("failed", "failed_sms", "retrying"):
        assert f"/utawala/ujumbe/{messages[name].id}/tuma-tena" in html
    for name in ("first_try", "sent"):
        assert f"/utawala/ujumbe/{messages[name].id}/tuma-tena" not in html
    assert "as…@ex…" in html and "+25571…" in html and "ne…@ex…" in html
    assert "asha.juma" not in html and "255712345678" not in html  # not even inside the provider's error
    assert "SMTPRecipientsRefused" in html and "ConnectionRefusedError" in html
    assert ">8<" in html and ">3<" in html  # the attempts
    assert 'href="/utawala/ujumbe"' in admin_client.get("/utawala/").get_data(as_text=True)  # in the section menu


def test_the_page_says_when_everything_was_delivered(admin_client, db):
    response = admin_client.get("/utawala/ujumbe")
    assert response.status_code == 200 and "/tuma-tena" not in response.get_data(as_text=True)


def test_resend_gives_a_failed_message_fresh_attempts_and_is_audited(admin_client, admin, messages, db, smtp_server):  # noqa: F811
    failed = messages["failed"]
    token = hidden_fields(admin_client.get("/utawala/ujumbe").data)["csrf_token"]
    response = admin_client.post(f"/utawala/ujumbe/{failed.id}/tuma-tena", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/utawala/ujumbe"
    db.session.expire_all()
    row = db.session.get(OutboxMessage, failed.id)
    assert row.status == OutboxStatus.PENDING and row.attempts == 0 and row.last_error is None
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "resend_outbox_message"))
    assert entry.actor_id == admin.id and entry.object_type == "OutboxMessage" and entry.object_id == str(failed.id)
    assert entry.changes == {"status": ["failed", "pending"], "attempts": [8, 0]}
    # The worker's sweep now delivers it to a real SMTP server.
    sweep()
    assert len(smtp_server.mailbox.to("asha.juma@example.co.tz")) == 1
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed.id).status == OutboxStatus.SENT
    assert f"/utawala/ujumbe/{failed.id}/tuma-tena" not in admin_client.get("/utawala/ujumbe").get_data(as_text=True)


def test_a_sent_message_is_not_sent_again(admin_client, messages, db):
    sent = messages["sent"]
    token = hidden_fields(admin_client.get("/utawala/ujumbe").data)["csrf_token"]
    response = admin_client.post(f"/utawala/ujumbe/{sent.id}/tuma-tena", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(OutboxMessage, sent.id).status == OutboxStatus.SENT
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "resend_outbox_message")).first() is None


def test_an_unknown_message_is_404(admin_client, db):
    token = hidden_fields(admin_client.get("/utawala/ujumbe").data)["csrf_token"]
    assert admin_client.post("/utawala/ujumbe/999999/tuma-tena", data={"csrf_token": token}).status_code == 404


def test_officers_do_not_see_the_page(client, officer: User, messages, db):
    assert log_in(client, officer.email, PASSWORD).status_code == 303
    assert client.get("/utawala/ujumbe").status_code == 404
    token = hidden_fields(client.get("/akaunti").data)["csrf_token"]
    failed = messages["failed"]
    assert client.post(f"/utawala/ujumbe/{failed.id}/tuma-tena", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed.id).status == OutboxStatus.FAILED
