"""The administration pages through HTTP: who may open them, every change validated and recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.helpers import hidden_fields, post_submission
from tests.world import World
from wananchi.accounts.logins import new_totp_secret
from wananchi.accounts.models import Role, RolePolicy, User
from wananchi.core.audit import AuditEntry, record
from wananchi.core.db import utcnow
from wananchi.institutions.models import Category, Institution, RoutingRule
from wananchi.tickets.models import CannedResponse

PASSWORD = "nenosiri-imara-2026"


def log_in(client, email: str, password: str = PASSWORD):
    """Log in through the real login form."""
    page = client.get("/ingia")
    return client.post("/ingia", data={**hidden_fields(page.data), "email": email, "password": password})


def submit_form(client, url: str, **data: object):
    """Open a form page (for its security token) and post it with `data`."""
    page = client.get(url)
    assert page.status_code == 200, url
    return client.post(url, data={**hidden_fields(page.data), **data})


def press(client, page_url: str, action_url: str, **data: object):
    """Press a button on a page: post to `action_url` with the page's security token."""
    page = client.get(page_url)
    return client.post(action_url, data={"csrf_token": hidden_fields(page.data)["csrf_token"], **data})


def entries(db, action: str) -> list[AuditEntry]:
    """The audit entries of one action, oldest first."""
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def count(db, model) -> int:
    """How many rows a table has."""
    return db.session.scalar(select(func.count()).select_from(model))


def rule_for(world: World) -> int:
    """The id of the rule sending the national service to its agency."""
    from wananchi.extensions import db

    return db.session.scalar(select(RoutingRule.id).where(RoutingRule.category_id == world.national_service.id))


@pytest.fixture
def canned(db, world: World) -> CannedResponse:
    """A canned response of the water agency."""
    item = CannedResponse(institution=world.agency, title="Bili", body_sw="Tunashughulikia.", body_en="In hand.")
    db.session.add(item)
    db.session.commit()
    return item


@pytest.fixture
def page_urls(world: World, officer: User, canned: CannedResponse) -> list[str]:
    """Every administration page, including the edit pages of existing rows."""
    return [
        "/utawala/",
        "/utawala/taasisi",
        "/utawala/taasisi/mpya",
        f"/utawala/taasisi/{world.council.id}",
        "/utawala/huduma",
        "/utawala/huduma/mpya",
        f"/utawala/huduma/{world.local_service.id}",
        "/utawala/uelekezaji",
        "/utawala/uelekezaji?category=usafi-taka&district=dodoma-jiji",
        "/utawala/uelekezaji/mpya",
        f"/utawala/uelekezaji/{rule_for(world)}",
        "/utawala/watumiaji",
        "/utawala/watumiaji?q=juma",
        "/utawala/watumiaji/mpya",
        f"/utawala/watumiaji/{officer.id}",
        "/utawala/usalama",
        "/utawala/majibu",
        "/utawala/majibu/mpya",
        f"/utawala/majibu/{canned.id}",
        "/utawala/kumbukumbu",
    ]


# Who may open the pages


def test_every_page_renders_for_an_administrator(db, world, admin_client, page_urls):
    for url in page_urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert b"<h1>" in response.data
    english = admin_client.get("/lugha/en?next=/utawala/taasisi")
    assert english.status_code in (302, 303)
    assert "Ministry of Water" in admin_client.get("/utawala/taasisi").get_data(as_text=True)


def test_an_officer_gets_404_and_a_visitor_is_sent_to_log_in(db, world, client, officer, page_urls):
    urls = page_urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/ingia" in response.headers["Location"]
    assert log_in(client, officer.email).status_code == 303
    for url in urls:
        assert client.get(url).status_code == 404, url
    response = press(client, "/akaunti", f"/utawala/watumiaji/{officer.id}/hali", active="0")
    assert response.status_code == 404
    db.session.refresh(officer)
    assert officer.active


def test_the_administration_pages_never_show_ticket_content(db, world, admin_client, page_urls):
    submitted = post_submission(admin_client, subject="Bomba la siri limevunjika mtaani")
    assert submitted.status_code == 303
    for url in page_urls:
        assert "Bomba la siri" not in admin_client.get(url).get_data(as_text=True), url


def test_nul_bytes_are_refused_not_a_server_error(db, world, admin_client):
    response = submit_form(
        admin_client,
        "/utawala/huduma/mpya",
        name_sw="Leseni\x00",
        name_en="Licences",
        code="leseni",
        institution=str(world.agency.id),
    )
    assert response.status_code == 400  # refused for the whole application before any view runs
    assert db.session.scalar(select(Category).where(Category.code == "leseni")) is None
    assert admin_client.get("/utawala/watumiaji?q=%00juma").status_code == 400


# Institutions


def test_adding_an_institution_is_saved_and_recorded(db, world, admin_client, admin):
    response = submit_form(
        admin_client,
        "/utawala/taasisi/mpya",
        name_sw="Halmashauri ya Wilaya ya Bahi",
        name_en="Bahi District Council",
        slug="bahi-dc",
        kind="council",
        parent=str(world.region_office.id),
        region=str(world.region.id),
        district=str(world.other_district.id),
        is_active="y",
    )
    assert response.status_code == 303
    council = db.session.scalar(select(Institution).where(Institution.slug == "bahi-dc"))
    assert council is not None and council.parent_id == world.region_office.id and council.is_active
    [entry] = entries(db, "create_institution")
    assert entry.actor_id == admin.id and entry.object_id == str(council.id)
    assert entry.changes["slug"] == [None, "bahi-dc"]
    assert entry.changes["parent"] == [None, "mkoa-dodoma"]
    page = admin_client.get("/utawala/taasisi").get_data(as_text=True)
    assert "Halmashauri ya Wilaya ya Bahi" in page


def test_the_tree_names_a_short_name_once(db, world, admin_client):
    world.tamisemi.short_name = "TAMISEMI"
    world.tamisemi.name_sw = "Ofisi ya Rais - Tawala za Mikoa na Serikali za Mitaa (TAMISEMI)"
    world.agency.short_name = "DAWASA"
    db.session.commit()
    page = admin_client.get("/utawala/taasisi").get_data(as_text=True)
    assert page.count("(TAMISEMI)") == 1  # in the name, not again after it
    assert page.count("(DAWASA)") == 1  # a short name the name does not hold is added


def test_an_invalid_institution_comes_back_with_the_message_and_nothing_changes(db, world, admin_client):
    before = count(db, Institution)
    response = submit_form(
        admin_client,
        "/utawala/taasisi/mpya",
        name_sw="Nakala",
        name_en="Copy",
        slug="dawasa",
        kind="agency",
        parent=str(world.ministry.id),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page and 'value="Nakala"' in page
    assert count(db, Institution) == before
    assert entries(db, "create_institution") == []

    bad_slug = submit_form(
        admin_client,
        "/utawala/taasisi/mpya",
        name_sw="X",
        name_en="X",
        slug="Si Sahihi!",
        kind="agency",
        parent=str(world.ministry.id),
    )
    assert bad_slug.status_code == 422

    wrong_place = submit_form(
        admin_client,
        "/utawala/taasisi/mpya",
        name_sw="Y",
        name_en="Y",
        slug="y-council",
        kind="council",
        parent=str(world.region_office.id),
        region=str(world.region.id),
        district="999999",
    )
    assert wrong_place.status_code == 422
    assert count(db, Institution) == before


def test_moving_an_institution_below_itself_is_refused(db, world, admin_client):
    url = f"/utawala/taasisi/{world.ministry.id}"
    page = admin_client.get(url).get_data(as_text=True)
    assert f'<option value="{world.agency.id}"' not in page  # its own subtree is not offered
    response = submit_form(
        admin_client,
        url,
        name_sw=world.ministry.name_sw,
        name_en=world.ministry.name_en,
        slug="wizara-ya-maji",
        kind="ministry",
        parent=str(world.agency.id),
        is_active="y",
    )
    assert response.status_code == 422
    db.session.refresh(world.ministry)
    assert world.ministry.parent_id == world.national.id
    assert entries(db, "update_institution") == []


def test_moving_an_institution_elsewhere_in_the_tree_is_recorded(db, world, admin_client, admin):
    response = submit_form(
        admin_client,
        f"/utawala/taasisi/{world.agency.id}",
        name_sw=world.agency.name_sw,
        name_en=world.agency.name_en,
        short_name="DAWASA",
        slug="dawasa",
        kind="agency",
        parent=str(world.tamisemi.id),
        is_active="y",
    )
    assert response.status_code == 303
    db.session.refresh(world.agency)
    assert world.agency.parent_id == world.tamisemi.id
    [entry] = entries(db, "update_institution")
    assert entry.actor_id == admin.id and entry.changes == {"parent": ["wizara-ya-maji", "tamisemi"]}


def test_the_last_triage_desk_cannot_be_switched_off(db, world, admin_client):
    response = submit_form(
        admin_client,
        f"/utawala/taasisi/{world.triage.id}",
        name_sw=world.triage.name_sw,
        name_en=world.triage.name_en,
        slug="dawati",
        kind="agency",
        parent=str(world.national.id),
        is_active="y",
    )
    assert response.status_code == 422
    assert "field-error" in response.get_data(as_text=True)
    db.session.refresh(world.triage)
    assert world.triage.is_triage


# Services (categories)


def test_services_are_added_validated_withdrawn_and_recorded(db, world, admin_client, admin):
    created = submit_form(
        admin_client,
        "/utawala/huduma/mpya",
        name_sw="Vibali vya ujenzi",
        name_en="Building permits",
        code="vibali-ujenzi",
        institution=str(world.tamisemi.id),
        is_local="y",
    )
    assert created.status_code == 303
    category = db.session.scalar(select(Category).where(Category.code == "vibali-ujenzi"))
    assert category is not None and category.is_local and category.is_active
    assert entries(db, "create_category")[0].changes["institution"] == [None, "tamisemi"]

    duplicate = submit_form(
        admin_client,
        "/utawala/huduma/mpya",
        name_sw="Nakala",
        name_en="Copy",
        code="maji-bili",
        institution=str(world.agency.id),
    )
    assert duplicate.status_code == 422
    assert len(entries(db, "create_category")) == 1

    missing = submit_form(admin_client, "/utawala/huduma/mpya", name_sw="", name_en="Copy", code="x", institution="")
    assert missing.status_code == 422

    url = f"/utawala/huduma/{category.id}"
    withdrawn = press(admin_client, url, f"{url}/hali", active="0")
    assert withdrawn.status_code == 303
    db.session.refresh(category)
    assert not category.is_active
    [entry] = entries(db, "deactivate_category")
    assert entry.actor_id == admin.id and entry.changes == {"is_active": [True, False]}
    assert "vibali-ujenzi" not in admin_client.get("/wasilisha").get_data(as_text=True)


def test_the_services_page_shows_services_without_a_routing_rule(db, world, admin_client):
    submit_form(
        admin_client,
        "/utawala/huduma/mpya",
        name_sw="Leseni",
        name_en="Licences",
        code="leseni",
        institution=str(world.agency.id),
    )
    page = admin_client.get("/utawala/huduma").get_data(as_text=True)
    assert page.count('class="tag warn"') == 1


# Routing


def test_routing_rules_are_added_and_duplicates_refused(db, world, admin_client, admin):
    created = submit_form(
        admin_client,
        "/utawala/uelekezaji/mpya",
        category=str(world.national_service.id),
        district=str(world.district.id),
        institution=str(world.council.id),
    )
    assert created.status_code == 303
    [entry] = entries(db, "create_routing_rule")
    assert entry.actor_id == admin.id
    assert entry.changes == {
        "category": [None, "maji-bili"],
        "district": [None, "dodoma-jiji"],
        "institution": [None, "jiji-dodoma"],
    }
    rules = count(db, RoutingRule)

    duplicate = submit_form(
        admin_client,
        "/utawala/uelekezaji/mpya",
        district=str(world.district.id),
        institution=str(world.region_office.id),
    )
    assert duplicate.status_code == 422
    assert 'id="category-error"' in duplicate.get_data(as_text=True)
    assert count(db, RoutingRule) == rules

    other_region = submit_form(
        admin_client,
        "/utawala/uelekezaji/mpya",
        region=str(_other_region(db).id),
        district=str(world.district.id),
        institution=str(world.council.id),
    )
    assert other_region.status_code == 422
    empty = submit_form(admin_client, "/utawala/uelekezaji/mpya", institution=str(world.council.id))
    assert empty.status_code == 422
    assert count(db, RoutingRule) == rules


def _other_region(db):
    """A second region, committed, whose districts are not those of the world."""
    from tests.factories import RegionFactory

    region = RegionFactory(code="arusha", name="Arusha")
    db.session.commit()
    return region


def test_a_routing_rule_is_changed_and_deleted(db, world, admin_client, admin):
    rule_id = rule_for(world)
    url = f"/utawala/uelekezaji/{rule_id}"
    changed = submit_form(
        admin_client, url, category=str(world.national_service.id), institution=str(world.ministry.id)
    )
    assert changed.status_code == 303
    assert entries(db, "update_routing_rule")[0].changes == {"institution": ["dawasa", "wizara-ya-maji"]}
    deleted = press(admin_client, url, f"{url}/futa")
    assert deleted.status_code == 303
    assert db.session.get(RoutingRule, rule_id) is None
    [entry] = entries(db, "delete_routing_rule")
    assert entry.actor_id == admin.id and entry.object_id == str(rule_id)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=usafi-taka&district=dodoma-jiji", "Halmashauri ya Jiji la Dodoma"),
        ("category=maji-bili", "Mamlaka ya Majisafi na Usafi wa Mazingira Dar es Salaam"),
        ("category=sijui", "Dawati la Huduma kwa Wananchi"),
    ],
)
def test_the_try_it_box_shows_where_a_ticket_would_go(db, world, admin_client, query, expected):
    page = admin_client.get(f"/utawala/uelekezaji?{query}").get_data(as_text=True)
    result = page.split('class="panel success"', 1)[1].split("</p>", 1)[0]
    assert expected in result


# Users


def test_a_user_is_created_with_a_temporary_password_shown_once(db, world, admin_client, admin, app):
    response = submit_form(
        admin_client,
        "/utawala/watumiaji/mpya",
        name="Asha Afisa",
        email="Asha@Dawasa.go.tz",
        role="officer",
        institution=str(world.agency.id),
        language="sw",
    )
    assert response.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "asha@dawasa.go.tz"))
    assert user is not None and user.institution_id == world.agency.id
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    password = page.split('class="big code">', 1)[1].split("<", 1)[0]
    assert len(password) >= 10
    assert password not in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    [entry] = entries(db, "create_user")
    assert entry.actor_id == admin.id and entry.changes["password"] == [None, "temporary"]
    assert password not in str(entry.changes)

    newcomer = app.test_client()
    assert log_in(newcomer, "asha@dawasa.go.tz", password).status_code == 303


def test_a_user_is_created_with_a_password_the_administrator_sets(db, world, admin_client, app):
    response = submit_form(
        admin_client,
        "/utawala/watumiaji/mpya",
        name="Baraka",
        email="baraka@tamisemi.go.tz",
        role="oversight",
        institution=str(world.tamisemi.id),
        language="en",
        password="nenosiri-la-mkoa-2026",
    )
    assert response.status_code == 303
    assert 'class="big code"' not in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert log_in(app.test_client(), "baraka@tamisemi.go.tz", "nenosiri-la-mkoa-2026").status_code == 303


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "afisa@dawasa.go.tz"}, "email"),
        ({"institution": ""}, "institution"),
        ({"password": "fupi"}, "password"),
        ({"email": "si-barua-pepe"}, "email"),
        ({"role": "mfalme"}, "role"),
    ],
)
def test_an_invalid_user_comes_back_with_the_message(db, world, admin_client, officer, overrides, field):
    data = {
        "name": "Mgeni",
        "email": "mgeni@dawasa.go.tz",
        "role": "officer",
        "institution": str(world.agency.id),
        "language": "sw",
        **overrides,
    }
    before = count(db, User)
    response = submit_form(admin_client, "/utawala/watumiaji/mpya", **data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert count(db, User) == before
    assert entries(db, "create_user") == []


def test_changing_a_users_role_and_institution_is_recorded(db, world, admin_client, admin, officer):
    response = submit_form(
        admin_client,
        f"/utawala/watumiaji/{officer.id}",
        name="Juma Afisa",
        email="afisa@dawasa.go.tz",
        role="supervisor",
        institution=str(world.ministry.id),
        language="sw",
    )
    assert response.status_code == 303
    db.session.refresh(officer)
    assert officer.role == Role.SUPERVISOR and officer.institution_id == world.ministry.id
    [entry] = entries(db, "update_user")
    assert entry.actor_id == admin.id
    assert entry.changes == {"role": ["officer", "supervisor"], "institution": ["dawasa", "wizara-ya-maji"]}


def test_an_administrator_cannot_demote_or_deactivate_themselves(db, world, admin_client, admin):
    url = f"/utawala/watumiaji/{admin.id}"
    demoted = submit_form(
        admin_client,
        url,
        name=admin.name,
        email=admin.email,
        role="officer",
        institution=str(world.agency.id),
        language="sw",
    )
    assert demoted.status_code == 422
    deactivated = press(admin_client, url, f"{url}/hali", active="0")
    assert deactivated.status_code == 422
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN and admin.active
    assert admin_client.get("/utawala/").status_code == 200


def test_deactivating_a_user_ends_their_sessions(db, world, admin_client, admin, officer, app):
    officer_client = app.test_client()
    assert log_in(officer_client, officer.email).status_code == 303
    assert officer_client.get("/afisa/").status_code == 200

    url = f"/utawala/watumiaji/{officer.id}"
    response = press(admin_client, url, f"{url}/hali", active="0")
    assert response.status_code == 303
    after = officer_client.get("/afisa/")
    assert after.status_code == 302 and "/ingia" in after.headers["Location"]
    [entry] = entries(db, "deactivate_user")
    assert entry.actor_id == admin.id
    assert entry.changes == {"active": [True, False], "sessions_ended": [False, True]}
    assert log_in(app.test_client(), officer.email).status_code == 422  # refused

    reactivated = press(admin_client, url, f"{url}/hali", active="1")
    assert reactivated.status_code == 303
    assert log_in(app.test_client(), officer.email).status_code == 303


def test_unlocking_a_locked_account(db, world, admin_client, admin, officer, app):
    officer.locked_until = utcnow() + dt.timedelta(minutes=10)
    officer.failed_logins = 2
    db.session.commit()
    url = f"/utawala/watumiaji/{officer.id}"
    assert f'action="{url}/fungua"' in admin_client.get(url).get_data(as_text=True)
    assert press(admin_client, url, f"{url}/fungua").status_code == 303
    db.session.refresh(officer)
    assert officer.locked_until is None and officer.failed_logins == 0
    [entry] = entries(db, "unlock_user")
    assert entry.actor_id == admin.id and entry.changes["failed_logins"] == [2, 0]
    assert log_in(app.test_client(), officer.email).status_code == 303
    assert press(admin_client, url, f"{url}/fungua").status_code == 422  # no longer locked


def test_resetting_two_step_login(db, world, admin_client, admin, officer):
    secret = new_totp_secret()
    officer.totp_secret = secret
    db.session.commit()
    url = f"/utawala/watumiaji/{officer.id}"
    assert press(admin_client, url, f"{url}/msimbo").status_code == 303
    db.session.refresh(officer)
    assert officer.totp_secret is None
    [entry] = entries(db, "reset_two_factor")
    assert entry.actor_id == admin.id and secret not in str(entry.changes)


# Security policy


def test_requiring_two_step_login_for_a_role_is_saved(db, world, admin_client, admin, officer, app):
    page = admin_client.get("/utawala/usalama")
    fields = hidden_fields(page.data)
    response = admin_client.post(
        "/utawala/usalama/officer",
        data={"officer-csrf_token": fields["officer-csrf_token"], "officer-require_totp": "y"},
    )
    assert response.status_code == 303
    policy = db.session.get(RolePolicy, Role.OFFICER)
    assert policy is not None and policy.require_totp
    [entry] = entries(db, "set_role_policy")
    assert entry.actor_id == admin.id and entry.object_id == "officer"
    assert entry.changes == {"require_totp": [False, True]}
    assert 'id="officer-require_totp" name="officer-require_totp" type="checkbox" value="y"' in admin_client.get(
        "/utawala/usalama"
    ).get_data(as_text=True).replace("checked ", "")

    login = log_in(app.test_client(), officer.email)
    assert login.status_code == 303 and login.headers["Location"].endswith("/ingia/msimbo")
    assert (
        admin_client.post("/utawala/usalama/mfalme", data={"csrf_token": fields["officer-csrf_token"]}).status_code
        == 404
    )


# Canned responses


def test_canned_responses_are_added_changed_and_deleted(db, world, admin_client, admin):
    created = submit_form(
        admin_client,
        "/utawala/majibu/mpya",
        institution=str(world.agency.id),
        title="Bili imerekebishwa",
        body_sw="Bili yako imerekebishwa.",
        body_en="Your bill has been corrected.",
    )
    assert created.status_code == 303
    canned = db.session.scalar(select(CannedResponse).where(CannedResponse.title == "Bili imerekebishwa"))
    assert canned is not None

    duplicate = submit_form(
        admin_client,
        "/utawala/majibu/mpya",
        institution=str(world.agency.id),
        title="bili imerekebishwa",
        body_sw="Nakala",
        body_en="Copy",
    )
    assert duplicate.status_code == 422
    assert 'id="title-error"' in duplicate.get_data(as_text=True)
    empty = submit_form(
        admin_client, "/utawala/majibu/mpya", institution=str(world.agency.id), title="Tupu", body_sw="", body_en=""
    )
    assert empty.status_code == 422
    assert count(db, CannedResponse) == 1

    url = f"/utawala/majibu/{canned.id}"
    changed = submit_form(
        admin_client,
        url,
        institution=str(world.agency.id),
        title="Bili imerekebishwa",
        body_sw="Bili yako mpya imerekebishwa.",
        body_en="Your bill has been corrected.",
    )
    assert changed.status_code == 303
    assert entries(db, "update_canned_response")[0].changes == {
        "body_sw": ["Bili yako imerekebishwa.", "Bili yako mpya imerekebishwa."]
    }
    assert press(admin_client, url, f"{url}/futa").status_code == 303
    assert count(db, CannedResponse) == 0
    [entry] = entries(db, "delete_canned_response")
    assert entry.actor_id == admin.id


# Audit log


def test_the_audit_log_lists_changes_newest_first_fifty_a_page(db, world, admin_client, admin):
    for number in range(55):
        record(admin.id, "update_institution", world.agency, {"short_name": [str(number), str(number + 1)]})
        db.session.flush()
    db.session.commit()
    first = admin_client.get("/utawala/kumbukumbu").get_data(as_text=True)
    assert first.count("<code>short_name</code>") == 50
    assert first.index("54 → 55") < first.index("53 → 54")
    assert "Neema Admin" in first and "page=2" in first
    second = admin_client.get("/utawala/kumbukumbu?page=2").get_data(as_text=True)
    assert second.count("<code>short_name</code>") == 5
    assert "0 → 1" in second
    assert admin_client.get("/utawala/kumbukumbu?page=abc").status_code == 200


def test_a_services_topic_puts_it_on_a_basic_phones_menu(admin_client, world, db):
    response = submit_form(
        admin_client,
        f"/utawala/huduma/{world.national_service.id}",
        name_sw="Bili ya maji",
        name_en="Water bills",
        code="maji-bili",
        institution=str(world.agency.id),
        topic="health",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert world.national_service.topic == "health"
    assert (
        submit_form(admin_client, f"/utawala/huduma/{world.national_service.id}", topic="nonsense").status_code == 422
    )
