"""A government site people recognise: the national emblem and the Republic's name in the header, a footer with
help and contact, the privacy notice, the accessibility statement and a way to give feedback, in both languages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.world import build_world
from wananchi.tickets.models import Ticket

CITIZEN_PAGES = ("/", "/wasilisha", "/fuatilia", "/fuatilia/msimbo-mpya", "/msaada", "/faragha", "/upatikanaji")


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


@pytest.mark.parametrize("path", CITIZEN_PAGES)
def test_every_citizen_page_carries_the_emblem_the_republic_and_the_footer_links(client, world, path):
    html = client.get(path).get_data(as_text=True)
    assert re.search(r'<img class="emblem" src="/static/img/nembo.svg\?v=[0-9a-f]{12}" alt=""', html)
    assert "Jamhuri ya Muungano wa Tanzania" in html
    footer = html[html.index("<footer") :]
    for address, label in (
        ("/msaada", "Msaada na mawasiliano"),
        ("/faragha", "Taarifa ya faragha"),
        ("/upatikanaji", "Upatikanaji kwa wote"),
        ("/wasilisha?aina=opinion&amp;huduma=sijui", "Toa maoni kuhusu huduma hii"),
    ):
        assert f'<a href="{address}">{label}</a>' in footer


def test_the_emblem_is_configured_per_deployment(client, world, app, tmp_path):
    saved = app.config["SITE_EMBLEM"]
    app.config["SITE_EMBLEM"] = "img/nembo-rasmi.svg"
    try:
        html = client.get("/").get_data(as_text=True)
    finally:
        app.config["SITE_EMBLEM"] = saved
    assert 'src="/static/img/nembo-rasmi.svg"' in html


def test_the_privacy_notice_exists_in_both_languages(client, world):
    swahili = client.get("/faragha")
    assert swahili.status_code == 200
    html = swahili.get_data(as_text=True)
    assert "<h1>Taarifa ya faragha</h1>" in html and "Sheria ya Ulinzi wa Taarifa Binafsi" in html
    for heading in ("Kinachohifadhiwa", "Kwa muda gani", "Nani huziona", "Haki zako"):
        assert f">{heading}</h2>" in html
    assert "Tume ya Ulinzi wa Taarifa Binafsi" in html and "saa 6" in html  # kept uploads: KEPT_UPLOAD_MAX_AGE
    assert "hufutwa siku 730 baada ya hoja kufungwa" in html  # PERSONAL_DATA_RETENTION_DAYS, the default

    client.get("/lugha/en")
    english = client.get("/faragha").get_data(as_text=True)
    assert '<html lang="en">' in english and "<h1>Privacy notice</h1>" in english
    assert "Personal Data Protection Act, 2022" in english and "Personal Data Protection Commission" in english


def test_the_privacy_notice_states_the_retention_periods_configured(client, world, app, db):
    from wananchi.privacy.models import RetentionPeriod
    from wananchi.tickets.models import TicketType

    app.config["PERSONAL_DATA_RETENTION_DAYS"] = 365
    db.session.add(RetentionPeriod(institution=world.agency, ticket_type=TicketType.COMPLAINT, days=1825))
    db.session.commit()
    try:
        html = client.get("/faragha").get_data(as_text=True)
    finally:
        app.config["PERSONAL_DATA_RETENTION_DAYS"] = 730
    assert "hufutwa siku 365 baada ya hoja kufungwa" in html
    assert 'id="retention-periods"' in html and "Lalamiko: siku 1825" in html


def test_help_lists_the_contacts_that_are_configured_and_the_accessibility_statement_exists(client, world, app):
    html = client.get("/msaada").get_data(as_text=True)
    assert "Nifanyeje" in html and 'href="mailto:msaada@wananchi.go.tz"' in html and "tel:" not in html
    app.config["CONTACT_PHONE"] = "026 216 0000"
    try:
        assert 'href="tel:0262160000"' in client.get("/msaada").get_data(as_text=True)
    finally:
        app.config["CONTACT_PHONE"] = ""
    statement = client.get("/upatikanaji").get_data(as_text=True)
    assert "<h1>Taarifa ya upatikanaji kwa wote</h1>" in statement and "WCAG" in statement


def test_the_feedback_link_opens_the_form_set_for_an_opinion(client, world, app):
    html = client.get("/wasilisha?aina=opinion&huduma=sijui").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="opinion"|<input[^>]*value="opinion"[^>]*checked', html)
    assert '<option value="sijui" selected>' in html
    app.config["FEEDBACK_CATEGORY"] = "maji-bili"
    try:
        footer = client.get("/").get_data(as_text=True)
        assert "/wasilisha?aina=opinion&amp;huduma=maji-bili" in footer
    finally:
        app.config["FEEDBACK_CATEGORY"] = ""
    unknown = client.get("/wasilisha?aina=rushwa&huduma=haipo").get_data(as_text=True)
    assert "checked" not in re.search(r'<input[^>]*value="opinion"[^>]*>', unknown).group(0)


def _title(response) -> str:  # type: ignore[no-untyped-def]
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


def test_a_refused_form_says_error_first_in_the_title(app, client, world, db):
    """A screen reader reads the title first: every refused form's page starts it with "Hitilafu:" (the log-in, the
    account, the citizen's forms, an officer's action on the ticket page); a page read without a mistake does not."""
    from tests.helpers import hidden_fields, log_in, post_submission
    from tests.world import PASSWORD, build_staff

    staff = build_staff(world)
    db.session.commit()
    assert _title(client.get("/ingia")) == "Ingia · Wananchi"
    refused = client.post(
        "/ingia", data={**hidden_fields(client.get("/ingia").data), "email": "x@y.tz", "password": "z"}
    )
    assert refused.status_code == 422 and _title(refused) == "Hitilafu: Ingia · Wananchi"
    assert _title(post_submission(client, subject="")).startswith("Hitilafu: ")
    track = client.post("/fuatilia", data=hidden_fields(client.get("/fuatilia").data))
    assert track.status_code == 422 and _title(track).startswith("Hitilafu: ")
    assert _title(track).count("Hitilafu") == 1

    officer = app.test_client()
    log_in(officer, staff.officer_a.email, PASSWORD)
    account = officer.get("/akaunti")
    assert not _title(account).startswith("Hitilafu")
    changed = officer.post("/akaunti", data={**hidden_fields(account.data), "current_password": "si-hii"})
    assert changed.status_code == 422 and _title(changed).startswith("Hitilafu: ")
    assert post_submission(app.test_client(), subject="Bili ya maji ni kubwa mno").status_code == 303
    reference = db.session.scalar(select(Ticket.reference).order_by(Ticket.id.desc()))
    page = officer.get(f"/afisa/hoja/{reference}")
    assert not _title(page).startswith("Hitilafu")
    empty_reply = officer.post(f"/afisa/hoja/{reference}/reply", data=hidden_fields(page.data))
    assert empty_reply.status_code in (409, 422) and _title(empty_reply).startswith("Hitilafu: ")
