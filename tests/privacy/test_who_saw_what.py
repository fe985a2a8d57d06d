"""Who saw what: every view of a ticket's personal data (page, contact, file, API), every export holding it, every
search by phone or e-mail and every change of roles is in the audit log; administrators and auditors list it by
person, ticket and period, page by page, and export it as CSV; the auditor reads nothing else; queue exports carry
contact details only for supervisors and say so."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.helpers import hidden_fields, log_in
from tests.tickets.test_submit import png_bytes
from tests.world import PASSWORD, build_staff, build_world
from wananchi.admin import queries
from wananchi.api.tokens import create_api_token
from wananchi.core.audit import AuditEntry
from wananchi.tickets.models import Ticket


@pytest.fixture
def setting(app, db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    citizen = app.test_client()
    page = citizen.get("/wasilisha")
    data = {
        **hidden_fields(page.data),
        **{
            "type": "complaint",
            "category": "maji-bili",
            "district": "",
            "subject": '=HYPERLINK("http://evil.example","Bili")',
            "description": "Nimepokea bili ya maji ya shilingi laki mbili ingawa nyumba imefungwa mwezi mzima.",
            "identity": "named",
            "name": "Asha Juma",
            "email": "asha@example.co.tz",
            "phone": "0712 345 678",
        },
        "attachments": [(io.BytesIO(png_bytes()), "picha.png")],
    }
    assert citizen.post("/wasilisha", data=data, content_type="multipart/form-data").status_code == 303
    ticket = db.session.scalar(select(Ticket))
    return world, staff, ticket


def client_of(app, user):
    client = app.test_client()
    assert log_in(client, user.email, PASSWORD).status_code == 303
    return client


def entries(db, action: str, **where) -> list[AuditEntry]:
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()
    return [row for row in rows if all(getattr(row, name) == value for name, value in where.items())]


def test_every_path_to_a_tickets_personal_data_is_recorded_with_its_reader(app, db, setting):
    _world, staff, ticket = setting
    officer = client_of(app, staff.officer_a)
    page = officer.get(f"/afisa/hoja/{ticket.reference}")
    assert page.status_code == 200
    [viewed] = entries(db, "view_ticket", actor_id=staff.officer_a.id)
    assert (viewed.object_type, viewed.object_id, viewed.changes) == (
        "Ticket",
        str(ticket.id),
        {"reference": ticket.reference, "via": "page"},
    )
    assert viewed.client_address == "127.0.0.1"

    token = hidden_fields(page.data)["csrf_token"]
    shown = officer.post(f"/afisa/hoja/{ticket.reference}/mawasiliano", data={"csrf_token": token})
    assert shown.status_code == 200 and "asha@example.co.tz" in shown.get_data(as_text=True)
    [contact] = entries(db, "view_contact", actor_id=staff.officer_a.id)
    assert contact.changes == {"reference": ticket.reference, "via": "page"}

    attachment = ticket.attachments[0]
    assert officer.get(f"/afisa/hoja/{ticket.reference}/viambatisho/{attachment.id}").status_code == 200
    [opened] = entries(db, "view_attachment")
    assert (opened.actor_id, opened.changes["attachment"]) == (staff.officer_a.id, attachment.id)

    # The queue's search by the citizen's phone: the search, and a view of the contact of each ticket found.
    found = officer.get("/afisa/foleni", query_string={"q": "0712345678", "scope": "all"})
    assert found.status_code == 200 and ticket.reference in found.get_data(as_text=True)
    [search] = entries(db, "search_contact")
    assert (search.actor_id, search.changes["by"], search.changes["found"]) == (
        staff.officer_a.id,
        "phone",
        [ticket.reference],
    )
    assert "0712345678" not in str(search.changes) and "712345678" not in str(search.changes)
    assert [e.changes["via"] for e in entries(db, "view_contact")] == ["page", "search"]

    # The staff API: a read of the ticket, and a search by e-mail.
    _row, raw = create_api_token(staff.supervisor_a, "kazi", ["read"])
    db.session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    assert api.get(f"/api/v1/staff/tickets/{ticket.reference}", headers=headers).status_code == 200
    [api_read] = entries(db, "view_ticket", actor_id=staff.supervisor_a.id)
    assert api_read.changes == {"reference": ticket.reference, "via": "api"}
    listed = api.get("/api/v1/staff/queue", query_string={"q": "asha@example.co.tz", "scope": "all"}, headers=headers)
    assert listed.status_code == 200 and [i["reference"] for i in listed.get_json()["items"]] == [ticket.reference]
    api_search = entries(db, "search_contact", actor_id=staff.supervisor_a.id)
    assert [(s.changes["by"], s.changes["via"], s.changes["found"]) for s in api_search] == [
        ("email", "api", [ticket.reference])
    ]

    # By ticket: everything about this ticket, and nothing else (the searches are listed by person).
    page_of_ticket, _actors = queries.audit_page(1, queries.AuditFilter(ticket_id=ticket.id))
    assert {e.action for e in page_of_ticket.items} == {"view_ticket", "view_contact", "view_attachment"}


def test_queue_exports_carry_contact_details_only_for_supervisors_and_say_so(app, db, setting):
    _world, staff, ticket = setting
    officer = client_of(app, staff.officer_a)
    exported = officer.get("/afisa/foleni.csv", query_string={"tab": "open"})
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Taarifa za mawasiliano: hazijajumuishwa, kwa sababu cheo chako hakiziruhusu kwenye faili."]
    header, [row] = rows[2], rows[3:]
    assert "Barua pepe" not in header and len(row) == len(header) == 8
    assert row[0] == ticket.reference
    assert row[5].startswith("'=HYPERLINK")  # the citizen's text never becomes a formula
    assert "asha@example.co.tz" not in exported.get_data(as_text=True)
    [officer_export] = entries(db, "export_ticket", actor_id=staff.officer_a.id)
    assert officer_export.changes == {"reference": ticket.reference, "format": "csv", "contact": False}

    supervisor = client_of(app, staff.supervisor_a)
    workbook_bytes = supervisor.get("/afisa/foleni.xlsx", query_string={"tab": "open"})
    assert workbook_bytes.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes.data)).active
    values = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert values[0][0].startswith("Taarifa za mawasiliano: zimejumuishwa")
    assert values[2][-3:] == ["Jina", "Barua pepe", "Namba ya simu"]
    assert values[3][0] == ticket.reference and values[3][-3:] == ["Asha Juma", "asha@example.co.tz", "+255712345678"]
    assert sheet.cell(row=4, column=6).data_type == "s"  # a string, not a formula
    [supervisor_export] = entries(db, "export_ticket", actor_id=staff.supervisor_a.id)
    assert supervisor_export.changes["contact"] is True and supervisor_export.changes["format"] == "xlsx"

    # Oversight reads the queue, never contacts: its export has none.
    oversight = client_of(app, staff.oversight_above_a)
    text = oversight.get("/afisa/foleni.csv", query_string={"tab": "open"}).get_data(as_text=True)
    assert ticket.reference in text and "asha@example.co.tz" not in text and "hazijajumuishwa" in text


def test_an_auditor_reads_the_audit_and_nothing_else(app, db, setting):
    _world, staff, ticket = setting
    auditor = app.test_client()
    landed = log_in(auditor, staff.auditor.email, PASSWORD)
    assert landed.status_code == 303 and landed.headers["Location"].endswith("/utawala/kumbukumbu")
    page = auditor.get("/utawala/kumbukumbu").get_data(as_text=True)
    assert "<h1>Kumbukumbu za mabadiliko</h1>" in page
    assert 'href="/utawala/"' not in page and 'href="/afisa/"' not in page  # no administration, no desk
    for url in (
        "/utawala/",
        "/utawala/watumiaji",
        "/utawala/uhifadhi",
        "/afisa/",
        "/afisa/foleni",
        "/afisa/foleni.csv",
        f"/afisa/hoja/{ticket.reference}",
        f"/afisa/hoja/{ticket.reference}/viambatisho/{ticket.attachments[0].id}",
        "/ripoti/",
    ):
        assert auditor.get(url).status_code == 404, url
    _row, raw = create_api_token(staff.auditor, "ukaguzi", ["read"])
    db.session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    assert api.get(f"/api/v1/staff/tickets/{ticket.reference}", headers=headers).status_code == 404
    assert api.get("/api/v1/staff/queue", headers=headers).status_code == 404
    assert entries(db, "view_ticket") == []  # the refusals saw nothing


def test_an_auditor_cannot_be_given_an_institution_or_administrator_rights(app, db, setting):
    from wananchi.accounts.models import Role
    from wananchi.accounts.services import UserValues, create_user_account
    from wananchi.core.errors import DomainError

    world, staff, _ticket = setting
    for institution, is_admin in ((world.agency, False), (None, True)):
        with pytest.raises(DomainError):
            create_user_account(
                UserValues("m2@wananchi.go.tz", "Mkaguzi Wawili", Role.AUDITOR, institution, is_admin, "sw"),
                PASSWORD,
                actor=staff.admin,
            )
    staff.auditor.is_admin = True  # even if a row says so, an auditor does not administer
    assert not staff.auditor.can_administer


def test_role_changes_are_listed_by_person_ticket_period_and_kind_and_exported(app, db, setting):
    _world, staff, ticket = setting
    admin = client_of(app, staff.admin)
    edit = admin.get(f"/utawala/watumiaji/{staff.officer_a2.id}")
    fields = hidden_fields(edit.data)
    changed = admin.post(
        f"/utawala/watumiaji/{staff.officer_a2.id}",
        data={
            **fields,
            "email": staff.officer_a2.email,
            "name": staff.officer_a2.name,
            "role": "supervisor",
            "institution": str(staff.officer_a2.institution_id),
            "language": "sw",
        },
    )
    assert changed.status_code == 303
    [role_change] = entries(db, "update_user")
    assert role_change.actor_id == staff.admin.id and role_change.changes["role"] == ["officer", "supervisor"]

    officer = client_of(app, staff.officer_a)
    assert officer.get(f"/afisa/hoja/{ticket.reference}").status_code == 200
    assert officer.get(f"/afisa/hoja/{ticket.reference}").status_code == 200
    earlier = entries(db, "view_ticket")[0]
    earlier.created_at = dt.datetime(2026, 3, 3, 20, 59, tzinfo=dt.UTC)  # 23:59 on 3 March in Dar es Salaam
    db.session.commit()

    auditor = client_of(app, staff.auditor)
    by_person = auditor.get("/utawala/kumbukumbu", query_string={"person": staff.admin.id, "kind": "users"})
    html = by_person.get_data(as_text=True)
    assert (
        by_person.status_code == 200 and "Taarifa za mtumiaji zimebadilishwa" in html and "Hoja imetazamwa" not in html
    )
    by_ticket = auditor.get("/utawala/kumbukumbu", query_string={"ticket": ticket.reference.lower()}).get_data(
        as_text=True
    )
    assert by_ticket.count("Hoja imetazamwa") == 2 and "Taarifa za mtumiaji zimebadilishwa" not in by_ticket
    in_march = auditor.get(
        "/utawala/kumbukumbu", query_string={"ticket": ticket.reference, "from": "2026-03-03", "to": "2026-03-03"}
    ).get_data(as_text=True)
    assert in_march.count("Hoja imetazamwa") == 1

    wrong = auditor.get("/utawala/kumbukumbu", query_string={"from": "2026-02-30", "ticket": "WN-1999-000001"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert "Andika tarehe kwa mfumo YYYY-MM-DD" in html and 'value="2026-02-30"' in html
    assert "Hakuna hoja yenye namba hii ya kumbukumbu." in html and "Hakuna kumbukumbu inayolingana." in html

    exported = auditor.get("/utawala/kumbukumbu.csv", query_string={"ticket": ticket.reference})
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 3 and {row[4] for row in rows[1:]} == {"view_ticket"}
    assert all(ticket.reference in row[7] for row in rows[1:])
    [export_entry] = entries(db, "export_audit")
    assert export_entry.actor_id == staff.auditor.id and export_entry.changes["entries"] == 2


def test_the_audit_list_is_paged_and_a_formula_in_it_is_defused(app, db, setting):
    from wananchi.core.audit import Subject, record

    _world, staff, _ticket = setting
    for number in range(60):
        record(staff.admin.id, "update_user", Subject("User", f"=SUM(A{number})"), {"name": ["a", "b"]})
    db.session.commit()
    admin = client_of(app, staff.admin)
    first = admin.get("/utawala/kumbukumbu", query_string={"kind": "users"}).get_data(as_text=True)
    assert first.count('<li>\n    <p class="meta">') == 50 and "page=2" in first and "kind=users" in first
    second = admin.get("/utawala/kumbukumbu", query_string={"kind": "users", "page": 2}).get_data(as_text=True)
    assert second.count('<li>\n    <p class="meta">') == 10
    text = admin.get("/utawala/kumbukumbu.csv", query_string={"kind": "users"}).get_data(as_text=True)
    assert '"\'=SUM(A59)"' in text and '"=SUM' not in text  # a formula in a cell is written as text
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "export_audit"))
