"""Staff logins: argon2id, one answer to every refusal, two-factor codes, password changes, the CLI."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in
from tests.world import PASSWORD, build_staff, build_world
from wananchi.accounts.models import Role, RolePolicy, User


@pytest.fixture
def staff(db):
    staff = build_staff(build_world())
    db.session.commit()
    return staff


def test_passwords_are_hashed_with_argon2id(staff):
    assert staff.officer_a.password_hash.startswith("$argon2id$")
    assert PASSWORD not in staff.officer_a.password_hash


def test_an_officer_logs_in_and_lands_on_the_dashboard(client, staff):
    response = log_in(client, "ASHA.afisa@dawasa.go.tz", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/afisa/"
    page = client.get("/afisa/")
    assert page.status_code == 200 and "Asha Afisa" in page.get_data(as_text=True)


def test_an_administrator_lands_on_the_administration(client, staff):
    assert log_in(client, staff.admin.email, PASSWORD).headers["Location"] == "/utawala/"


def test_wrong_password_and_unknown_address_get_the_same_answer(client, staff):
    wrong = log_in(client, staff.officer_a.email, "si-sahihi-kabisa")
    unknown = log_in(client, "hayupo@dawasa.go.tz", "si-sahihi-kabisa")
    assert wrong.status_code == unknown.status_code == 422
    assert "Barua pepe au nenosiri si sahihi" in wrong.get_data(as_text=True)
    assert "Barua pepe au nenosiri si sahihi" in unknown.get_data(as_text=True)
    assert client.get("/afisa/").status_code == 302


def test_login_attempts_are_rate_limited(client, staff, app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [log_in(client, "mtu@example.com", "kosa-kosa-kosa").status_code for _ in range(4)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute;100 per hour"
    assert statuses == [422, 422, 422, 429]


def test_a_deactivated_user_cannot_log_in(client, staff, db):
    staff.officer_a.active = False
    db.session.commit()
    assert log_in(client, staff.officer_a.email, PASSWORD).status_code == 422
    assert client.get("/afisa/").status_code == 302


def test_two_factor_code_is_asked_when_the_user_has_one(client, staff, db):
    secret = pyotp.random_base32()
    staff.officer_a.totp_secret = secret
    db.session.commit()
    response = log_in(client, staff.officer_a.email, PASSWORD)
    assert response.headers["Location"] == "/ingia/msimbo"
    assert client.get("/afisa/").status_code == 302  # not logged in yet
    page = client.get("/ingia/msimbo")
    wrong = client.post("/ingia/msimbo", data={**hidden_fields(page.data), "code": "000000"})
    assert wrong.status_code == 422
    right = client.post("/ingia/msimbo", data={**hidden_fields(page.data), "code": pyotp.TOTP(secret).now()})
    assert right.status_code == 303
    assert client.get("/afisa/").status_code == 200


def test_a_role_that_requires_two_factor_codes_sets_one_up_at_login(client, staff, db):
    db.session.add(RolePolicy(role=Role.SUPERVISOR, require_totp=True))
    db.session.commit()
    log_in(client, staff.supervisor_a.email, PASSWORD)
    page = client.get("/ingia/msimbo")
    html = page.get_data(as_text=True)
    assert "<svg" in html
    secret = html.split('<code class="code">')[1].split("<")[0]
    client.post("/ingia/msimbo", data={**hidden_fields(page.data), "code": pyotp.TOTP(secret).now()})
    assert client.get("/afisa/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, staff.supervisor_a.id).totp_secret == secret
    # An officer's role does not require it.
    other = client.application.test_client()
    assert log_in(other, staff.officer_a.email, PASSWORD).headers["Location"] == "/afisa/"


def test_no_remember_me_cookie_is_given(client, staff):
    """A staff session ends after 30 minutes idle or 12 hours at most: no cookie may outlive it."""
    assert "remember" not in client.get("/ingia").get_data(as_text=True)
    response = log_in(client, staff.officer_a.email, PASSWORD, remember="y")
    assert response.status_code == 303
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]


def test_a_password_change_ends_the_other_sessions(app, staff, db):
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, staff.officer_a.email, PASSWORD)
    log_in(laptop, staff.officer_a.email, PASSWORD)
    page = laptop.get("/akaunti")
    response = laptop.post(
        "/akaunti",
        data={
            **hidden_fields(page.data),
            "current_password": PASSWORD,
            "password": "nenosiri-jipya-kabisa",
            "confirm": "nenosiri-jipya-kabisa",
        },
    )
    assert response.status_code == 303
    assert laptop.get("/afisa/").status_code == 200
    assert phone.get("/afisa/").status_code == 302  # the other session is dead
    fresh = app.test_client()
    assert log_in(fresh, staff.officer_a.email, "nenosiri-jipya-kabisa").status_code == 303


def test_a_weak_or_mistyped_new_password_is_refused(client, staff):
    log_in(client, staff.officer_a.email, PASSWORD)
    page = client.get("/akaunti")
    short = client.post(
        "/akaunti",
        data={**hidden_fields(page.data), "current_password": PASSWORD, "password": "fupi", "confirm": "fupi"},
    )
    assert short.status_code == 422 and "herufi 12" in short.get_data(as_text=True)
    wrong = client.post(
        "/akaunti",
        data={
            **hidden_fields(page.data),
            "current_password": "si-sahihi-hii",
            "password": "nenosiri-jipya-kabisa",
            "confirm": "nenosiri-jipya-kabisa",
        },
    )
    assert wrong.status_code == 422


def test_logout_ends_the_session(client, staff):
    log_in(client, staff.officer_a.email, PASSWORD)
    page = client.get("/afisa/")
    client.post("/toka", data=hidden_fields(page.data))
    assert client.get("/afisa/").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "javascript:alert(1)",
        "/\\evil.example",  # browsers read a backslash as a slash
        "/afisa/\r\nSet-Cookie: kikao=bandia",  # a line break would split the Location header (it was a 500)
        "/afisa/\tfoleni",
        "/afisa/\u202efoleni",
        "afisa/foleni",
    ],
)
def test_login_never_redirects_to_another_site_nor_breaks_on_a_bad_next(client, staff, target):
    page = client.get("/ingia", query_string={"next": target})
    assert page.status_code == 200
    response = client.post(
        "/ingia",
        query_string={"next": target},
        data={**hidden_fields(page.data), "email": staff.officer_a.email, "password": PASSWORD},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/afisa/"
    assert client.get("/ingia", query_string={"next": target}).headers["Location"] == "/afisa/"  # logged in already


def test_login_goes_on_to_the_page_asked_for(client, staff):
    page = client.get("/afisa/foleni?tab=mine")
    assert page.headers["Location"] == "/ingia?next=%2Fafisa%2Ffoleni%3Ftab%3Dmine"
    form = client.get(page.headers["Location"])
    response = client.post(
        page.headers["Location"],
        data={**hidden_fields(form.data), "email": staff.officer_a.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/afisa/foleni?tab=mine"


def test_staff_pages_need_a_login(client, staff):
    for path in ("/afisa/", "/afisa/foleni", "/akaunti", "/utawala/"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/ingia?next=")


def test_cli_creates_a_user_with_the_password_from_standard_input(app, db, staff):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "wananchi",
            "create-user",
            "mpya@dawasa.go.tz",
            "--institution",
            "dawasa",
            "--role",
            "supervisor",
            "--name",
            "Mpya Msimamizi",
        ],
        input="nenosiri-la-cli-2026\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "mpya@dawasa.go.tz"))
    assert user.role == Role.SUPERVISOR and user.institution.slug == "dawasa"
    bad = runner.invoke(
        args=["wananchi", "create-user", "x@y.tz", "--role", "officer", "--institution", "hakuna"],
        input="nenosiri-la-cli-2026\n",
    )
    assert bad.exit_code != 0 and "hakuna" in bad.output
    short = runner.invoke(args=["wananchi", "create-user", "z@y.tz", "--role", "admin"], input="fupi\n")
    assert short.exit_code != 0


def test_wrong_current_passwords_are_audited_and_limited_like_logins(app, client, staff, db):
    from wananchi.core.audit import AuditEntry

    log_in(client, staff.officer_a.email, PASSWORD)
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    try:
        statuses = []
        for _attempt in range(3):
            page = client.get("/akaunti")
            data = {
                "current_password": "si-hili-kabisa",
                "password": "kahawa-chungu-2026",
                "confirm": "kahawa-chungu-2026",
            }
            statuses.append(client.post("/akaunti", data={**hidden_fields(page.data), **data}).status_code)
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute;100 per hour"
    assert statuses == [422, 422, 429]
    refused = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "password_change_failed")))
    assert [(entry.actor_id, entry.changes) for entry in refused] == [
        (staff.officer_a.id, {"reason": "wrong_password"})
    ] * 2


def test_the_account_page_says_how_two_step_login_comes_on(client, staff, db):
    """Off, with how it comes on (an administrator requires it for the role; set up at the next login); then On."""
    log_in(client, staff.officer_a.email, PASSWORD)
    two_step = re.compile(r'<dd id="two-step">(.*?)</dd>', re.S)
    off = two_step.search(client.get("/akaunti").get_data(as_text=True)).group(1)
    assert off.startswith("Imezimwa") and "msimamizi wa mfumo anaweza kuilazimisha kwa nafasi yako" in off
    staff.officer_a.totp_secret = pyotp.random_base32()
    db.session.commit()
    assert two_step.search(client.get("/akaunti").get_data(as_text=True)).group(1) == "Imewashwa"
