"""The record of processing: a page for administrators and auditors, and docs/record-of-processing.md, both worked
out from the permission rules and the retention configuration (a test keeps the document from drifting)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import force_locale

from tests.helpers import log_in
from tests.world import PASSWORD, build_staff, build_world
from wananchi.privacy.models import RetentionPeriod
from wananchi.privacy.processing import KINDS, record_of_processing
from wananchi.privacy.retention import current_periods
from wananchi.tickets import permissions
from wananchi.tickets.models import TicketType

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "record-of-processing.md"


@pytest.fixture
def setting(app, db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    return world, staff


def test_the_committed_document_is_what_the_command_writes_from_the_default_configuration(app, db):
    result = app.test_cli_runner().invoke(args=["wananchi", "record-of-processing", "--defaults"])
    assert result.exit_code == 0, result.output
    assert result.output == DOCUMENT.read_text(encoding="utf-8"), (
        "docs/record-of-processing.md is out of date: run "
        "flask --app wsgi wananchi record-of-processing --defaults --output docs/record-of-processing.md"
    )
    assert result.output.count("\n## ") == len(KINDS)
    assert "730 days after the ticket is closed" in result.output


def test_who_can_see_follows_the_permission_rules(app, db, monkeypatch):
    with app.test_request_context(), force_locale("en"):
        contact, text = record_of_processing(current_periods())[:2]
        assert "Officer" in contact.who and "Supervisor" in contact.who and "Oversight" not in contact.who
        assert "Oversight above the institution responsible" in text.who
        original = permissions._ticket_permission

        def oversight_sees_contacts(user, permission, ticket):  # type: ignore[no-untyped-def]
            if permission == permissions.Permission.VIEW_CONTACT and user.role == "oversight":
                return True
            return original(user, permission, ticket)

        monkeypatch.setattr(permissions, "_ticket_permission", oversight_sees_contacts)
        assert "Oversight" in record_of_processing(current_periods())[0].who


def test_administrators_and_auditors_read_the_page_with_the_periods_in_force(app, db, setting):
    world, staff = setting
    db.session.add(RetentionPeriod(institution=world.agency, ticket_type=TicketType.COMPLAINT, days=365))
    db.session.commit()
    for user in (staff.admin, staff.auditor):
        client = app.test_client()
        assert log_in(client, user.email, PASSWORD).status_code == 303
        page = client.get("/utawala/uchakataji")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "<h1>Kumbukumbu ya uchakataji wa taarifa binafsi</h1>" in html
        assert "siku 730 baada ya hoja kufungwa" in html and f"{world.agency.name_sw}, Lalamiko: siku 365" in html
        assert "ndani ya siku 5 za kazi" in html
    officer = app.test_client()
    assert log_in(officer, staff.officer_a.email, PASSWORD).status_code == 303
    assert officer.get("/utawala/uchakataji").status_code == 404
