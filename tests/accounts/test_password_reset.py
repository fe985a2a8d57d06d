"""Self-service password reset by an e-mailed one-time link, delivered through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy import select

from tests.helpers import free_port, hidden_fields, log_in
from tests.notifications.conftest import SmtpServer, smtp_server  # noqa: F401  (the real SMTP server fixture)
from tests.world import PASSWORD, Staff, build_staff, build_world
from wananchi.accounts.models import User
from wananchi.core.db import utcnow
from wananchi.core.tasks import huey
from wananchi.notifications.models import OutboxMessage
from wananchi.notifications.outbox import sweep

NEW_PASSWORD = "nenosiri-jipya-la-2026"
LINK = re.compile(r"https?://[^/\s]+(/nenosiri/weka/[^\s\"<>]+)")


@pytest.fixture
def staff(db) -> Staff:
    built = build_staff(build_world())
    db.session.commit()
    return built


def ask_for_link(client, email: str):  # type: ignore[no-untyped-def]
    """Open the forgotten-password page and send the address."""
    page = client.get("/nenosiri/sahau")
    return client.post("/nenosiri/sahau", data={**hidden_fields(page.data), "email": email})


def delivered_link(smtp_server: SmtpServer, email: str) -> str:  # noqa: F811
    """Deliver the outbox, then the path of the reset link in the one message that reached `email`."""
    sweep()
    [mail] = smtp_server.mailbox.to(email)
    match = LINK.search(mail.get_body(("plain",)).get_content())
    assert match, mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert f'href="http://127.0.0.1:5000{match.group(1)}"' in html
    assert email in mail.get_body(("plain",)).get_content() and email in html  # the account it is for
    return match.group(1)


def set_password(client, path: str, password: str, confirm: str | None = None):  # type: ignore[no-untyped-def]
    """Post a new password twice to a reset link (with a valid form token, so only the link decides)."""
    token = hidden_fields(client.get("/nenosiri/sahau").data)["csrf_token"]
    data = {"csrf_token": token, "password": password, "confirm": password if confirm is None else confirm}
    return client.post(path, data=data)


def assert_refused(response) -> None:  # type: ignore[no-untyped-def]
    """The link's own refusal (not a form-token error): 400 and an offer to ask for a new link."""
    assert response.status_code == 400
    assert 'href="/nenosiri/sahau"' in response.get_data(as_text=True)


def test_the_login_page_links_to_the_forgotten_password_page(client, staff):
    assert 'href="/nenosiri/sahau"' in client.get("/ingia").get_data(as_text=True)
    assert client.get("/nenosiri/sahau").status_code == 200


def test_the_emailed_link_sets_the_password_and_ends_every_other_session(app, client, staff, db, smtp_server):  # noqa: F811
    user = staff.officer_a
    laptop = app.test_client()
    assert log_in(laptop, user.email, PASSWORD).status_code == 303
    user.failed_logins, user.locked_until = 3, utcnow() + dt.timedelta(minutes=10)  # a lock-out is lifted too
    db.session.commit()

    assert ask_for_link(client, user.email.upper()).status_code == 200
    path = delivered_link(smtp_server, user.email)
    [row] = db.session.scalars(select(OutboxMessage))
    assert row.event == "password_reset" and row.recipient_user_id == user.id and row.language == "sw"

    assert client.get(path).status_code == 200
    response = set_password(client, path, NEW_PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/ingia"

    assert laptop.get("/afisa/").status_code == 302  # the other session is dead
    assert log_in(app.test_client(), user.email, PASSWORD).status_code == 422  # the old password is refused
    assert log_in(client, user.email, NEW_PASSWORD).status_code == 303
    assert client.get("/afisa/").status_code == 200
    db.session.expire_all()
    refreshed = db.session.get(User, user.id)
    assert refreshed.failed_logins == 0 and refreshed.locked_until is None


def test_the_mail_is_in_the_users_language(client, staff, db, smtp_server):  # noqa: F811
    staff.officer_b.language = "en"
    db.session.commit()
    ask_for_link(client, staff.officer_b.email)
    sweep()
    [mail] = smtp_server.mailbox.to(staff.officer_b.email)
    assert mail["Subject"] == "Set a new password for Wananchi"
    assert "within 60 minutes" in mail.get_body(("plain",)).get_content()


def test_a_used_link_is_refused(client, staff, db, smtp_server):  # noqa: F811
    ask_for_link(client, staff.officer_a.email)
    path = delivered_link(smtp_server, staff.officer_a.email)
    assert set_password(client, path, NEW_PASSWORD).status_code == 303
    assert_refused(client.get(path))
    assert_refused(set_password(client, path, "tena-nenosiri-jingine"))
    assert log_in(client, staff.officer_a.email, NEW_PASSWORD).status_code == 303


def test_using_one_link_voids_the_others_and_a_password_change_voids_them_all(client, staff, smtp_server):  # noqa: F811
    ask_for_link(client, staff.officer_a.email)
    first = delivered_link(smtp_server, staff.officer_a.email)
    smtp_server.mailbox.messages.clear()
    ask_for_link(client, staff.officer_a.email)
    second = delivered_link(smtp_server, staff.officer_a.email)
    assert set_password(client, second, NEW_PASSWORD).status_code == 303
    assert_refused(client.get(first))

    smtp_server.mailbox.messages.clear()
    ask_for_link(client, staff.officer_a.email)
    third = delivered_link(smtp_server, staff.officer_a.email)
    log_in(client, staff.officer_a.email, NEW_PASSWORD)
    page = client.get("/akaunti")
    client.post(
        "/akaunti",
        data={
            **hidden_fields(page.data),
            "current_password": NEW_PASSWORD,
            "password": "nenosiri-la-tatu-2026",
            "confirm": "nenosiri-la-tatu-2026",
        },
    )
    assert_refused(client.get(third))


def test_an_expired_link_is_refused(client, staff, smtp_server):  # noqa: F811
    ask_for_link(client, staff.officer_a.email)
    path = delivered_link(smtp_server, staff.officer_a.email)
    with time_machine.travel(utcnow() + dt.timedelta(minutes=59), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(utcnow() + dt.timedelta(minutes=61), tick=False):
        assert_refused(client.get(path))
        assert_refused(set_password(client, path, NEW_PASSWORD))
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # the signature
        lambda token: "x" + token[1:],  # the payload
        lambda token: token.split(".")[0],  # no signature at all
    ],
)
def test_a_tampered_link_is_refused(client, staff, smtp_server, tamper):  # noqa: F811
    ask_for_link(client, staff.officer_a.email)
    path = delivered_link(smtp_server, staff.officer_a.email)
    prefix, token = path.rsplit("/", 1)
    forged = f"{prefix}/{tamper(token)}"
    assert_refused(client.get(forged))
    assert_refused(set_password(client, forged, NEW_PASSWORD))
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 303


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def test_an_unknown_or_deactivated_address_gets_the_same_page_and_no_mail(client, staff, db, smtp_server):  # noqa: F811
    staff.officer_b.active = False
    db.session.commit()
    known = ask_for_link(client, staff.officer_a.email)
    unknown = ask_for_link(client, "hayupo@dawasa.go.tz")
    deactivated = ask_for_link(client, staff.officer_b.email)
    assert known.status_code == unknown.status_code == deactivated.status_code == 200
    assert _without_tokens(known.get_data(as_text=True)) == _without_tokens(unknown.get_data(as_text=True))
    assert _without_tokens(known.get_data(as_text=True)) == _without_tokens(deactivated.get_data(as_text=True))
    assert sweep() == 1
    assert [str(m["To"]) for m in smtp_server.mailbox.messages] == [staff.officer_a.email]


def test_the_request_only_queues_the_address_whoever_it_belongs_to(client, staff, db):
    """No query, no e-mail written while the citizen waits: the answer and its timing reveal nothing."""
    statements: list[str] = []

    def record(conn, cursor, statement, *_):  # type: ignore[no-untyped-def]
        statements.append(statement)

    huey.immediate = False  # queued tasks wait in memory instead of running at once
    try:
        for email in (staff.officer_a.email, "hayupo@dawasa.go.tz"):
            page = client.get("/nenosiri/sahau")
            sa.event.listen(sa.Engine, "before_cursor_execute", record)
            try:
                response = client.post("/nenosiri/sahau", data={**hidden_fields(page.data), "email": email})
            finally:
                sa.event.remove(sa.Engine, "before_cursor_execute", record)
            assert response.status_code == 200
            assert statements == []
            [task] = [huey.dequeue()]
            assert huey.dequeue() is None and task.name.endswith("send_password_reset") and task.args == (email,)
            huey.execute(task)  # what the worker does: only the account's address gets a message
    finally:
        huey.flush()
        huey.immediate = True
    assert [m.recipient for m in db.session.scalars(select(OutboxMessage))] == [staff.officer_a.email]


def test_a_weak_or_mistyped_password_is_refused(client, staff, smtp_server):  # noqa: F811
    ask_for_link(client, staff.officer_a.email)
    path = delivered_link(smtp_server, staff.officer_a.email)
    client.get("/lugha/en")
    weak = set_password(client, path, "fupi")
    assert weak.status_code == 422 and "at least 12 characters" in weak.get_data(as_text=True)
    mistyped = set_password(client, path, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert mistyped.status_code == 422 and "not the same" in mistyped.get_data(as_text=True)
    assert set_password(client, path, NEW_PASSWORD).status_code == 303  # the link still works afterwards


def test_reset_requests_are_rate_limited_per_address(app, client, staff, db):
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "2 per hour"
    try:
        statuses = [ask_for_link(app.test_client(), staff.officer_a.email).status_code for _ in range(3)]
        other = ask_for_link(client, staff.officer_a2.email).status_code
    finally:
        del app.config["PASSWORD_RESET_RATE_LIMIT"]
    assert statuses == [200, 200, 429] and other == 200
    assert len(list(db.session.scalars(select(OutboxMessage)))) == 3


def _outbox_text(db, message_id: int) -> str:
    """Every column of an outbox row, as text."""
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message_id)
    return " ".join(str(getattr(row, column.key)) for column in OutboxMessage.__table__.columns)


def test_the_link_is_never_stored_in_the_outbox(app, client, staff, db, smtp_server):  # noqa: F811
    """The link is a credential: anyone who can read the outbox (an administrator, a backup) must not find it."""
    ask_for_link(client, staff.officer_a.email)
    [row] = db.session.scalars(select(OutboxMessage))
    assert (row.subject, row.body_text, row.body_html) == ("", "", None)
    mail = app.extensions["mail"]
    mail.port, working_port = free_port(), mail.port  # the mail server is unreachable: the first attempt fails
    try:
        assert sweep() == 0
    finally:
        mail.port = working_port
    assert "/nenosiri/weka/" not in _outbox_text(db, row.id)
    with time_machine.travel(utcnow() + dt.timedelta(minutes=2), tick=False):
        path = delivered_link(smtp_server, staff.officer_a.email)  # the retry renders a link as it sends
        stored = _outbox_text(db, row.id)
        assert "sent" in stored and "/nenosiri/weka/" not in stored and path.rsplit("/", 1)[1] not in stored
        assert set_password(client, path, NEW_PASSWORD).status_code == 303
