"""The password policy: 12 characters or more, not a common password, not the user's own name or address."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in
from tests.world import PASSWORD, build_staff, build_world
from wananchi.accounts.models import Role, User
from wananchi.accounts.passwords import MIN_PASSWORD_LENGTH, check_password_strength, common_passwords
from wananchi.accounts.services import create_user
from wananchi.core.errors import DomainError


@pytest.fixture
def staff(db):
    staff = build_staff(build_world())
    db.session.commit()
    return staff


def refusal(app: Flask, password: str, **who: str) -> str | None:
    """The message refusing `password` (in Swahili, as a page would give it), or None when it is accepted."""
    try:
        with app.test_request_context():
            check_password_strength(password, **who)
    except DomainError as error:
        assert error.field == "password"
        return error.message
    return None


def test_the_shipped_list_is_read_from_the_repository(app):
    passwords = common_passwords()
    assert len(passwords) > 19_000
    assert {"123456", "password", "qwerty123456", "1q2w3e4r5t6y"} <= passwords
    assert "nenosiri" in passwords  # and the words guessed first here


@pytest.mark.parametrize("password", ["nenosiri-fupi", "a" * MIN_PASSWORD_LENGTH, "kahawa chungu ya asubuhi"])
def test_a_long_uncommon_password_is_accepted(app, password):
    assert refusal(app, password, name="Asha Juma", email="asha.juma@dawasa.go.tz") is None


def test_eleven_characters_are_too_few(app):
    assert refusal(app, "kahawa-chun") == "Nenosiri linapaswa kuwa na angalau herufi 12."


@pytest.mark.parametrize(
    "password", ["qwerty123456", "1Q2W3E4R5T6Y", "Password2026!!", "!!Tanzania2026", "  nenosiri1234"]
)
def test_common_passwords_and_common_words_dressed_in_digits_are_refused(app, password):
    assert "ya kawaida" in refusal(app, password)


@pytest.mark.parametrize("password", ["Asha-na-kahawa-2026", "kahawa-ya-JUMA-2026", "kahawa-ya-mwanaidi-2026"])
def test_a_password_holding_the_users_name_or_address_is_refused(app, password):
    message = refusal(app, password, name="Asha Juma", email="mwanaidi.k@dawasa.go.tz")
    assert message == "Nenosiri lisiwe na jina lako wala anwani yako ya barua pepe."


def test_short_name_parts_are_not_looked_for(app):
    """ "Ali" is in "halisi": parts shorter than four letters would refuse honest passwords."""
    assert refusal(app, "bei-halisi-ya-maji", name="Ali Omari", email="ali@dawasa.go.tz") is None


def test_a_new_account_follows_the_policy(app, db, staff):
    with pytest.raises(DomainError):
        create_user(
            email="neema.mpya@dawasa.go.tz",
            name="Neema Mpya",
            role=Role.OFFICER,
            password="neema-mpya-2026",
            institution=staff.officer_a.institution,
        )
    assert db.session.scalar(select(User).where(User.email == "neema.mpya@dawasa.go.tz")) is None


def change_password(client, new: str):  # type: ignore[no-untyped-def]
    page = client.get("/akaunti")
    return client.post(
        "/akaunti", data={**hidden_fields(page.data), "current_password": PASSWORD, "password": new, "confirm": new}
    )


@pytest.mark.parametrize(
    ("new", "swahili", "english"),
    [
        ("kahawa-chun", "angalau herufi 12", "at least 12 characters"),
        ("qwertyuiop123", "ya kawaida", "one of the most common ones"),
        ("asha-na-kahawa-2026", "jina lako", "must not contain your name"),
    ],
)
def test_the_account_page_refuses_weak_passwords_in_both_languages(app, staff, new, swahili, english):
    client = app.test_client()
    log_in(client, staff.officer_a.email, PASSWORD)
    refused = change_password(client, new)
    assert refused.status_code == 422 and swahili in refused.get_data(as_text=True)
    client.get("/lugha/en")
    refused = change_password(client, new)
    assert refused.status_code == 422 and english in refused.get_data(as_text=True)
    assert change_password(client, "kahawa-chungu-ya-asubuhi").status_code == 303
