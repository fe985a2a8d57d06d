"""Citizens' requests about their personal data: made from the tracking page, decided by the institution's supervisor
within the response-time target of such requests (listed nearest due first, overdue marked), both recorded; a
granted erasure erases at once, a granted correction corrects, a legal hold stops an erasure."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in
from tests.privacy.test_citizen_rights import submit
from tests.tickets.test_submit import png_bytes
from tests.tickets.test_track import track
from tests.world import PASSWORD, build_staff, build_world
from wananchi.core.audit import AuditEntry
from wananchi.core.errors import DomainError
from wananchi.privacy.models import DataRequest, RequestKind, RequestStatus
from wananchi.privacy.requests import decide_request, request_correction, request_erasure
from wananchi.privacy.services import set_legal_hold
from wananchi.tickets.models import EventKind, Ticket, TicketType


@pytest.fixture
def setting(app, db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    return world, staff


def only(db, reference: str) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference))


def test_a_citizen_asks_for_erasure_and_the_supervisor_grants_it(app, client, db, setting):
    world, staff = setting
    citizen = app.test_client()
    page = citizen.get("/wasilisha")
    from tests.helpers import valid_submission

    data = {**hidden_fields(page.data), **valid_submission(), "attachments": [(io.BytesIO(png_bytes()), "picha.png")]}
    receipt = citizen.post("/wasilisha", data=data, content_type="multipart/form-data")
    assert receipt.status_code == 303
    ticket = db.session.scalar(select(Ticket))
    reference = ticket.reference
    code_page = citizen.get(receipt.headers["Location"]).get_data(as_text=True)
    code = re.search(r'id="tracking-code">([0-9A-Z-]+)<', code_page).group(1)
    assert track(client, reference, code).status_code == 303
    assert 'id="my-rights"' in client.get(f"/hoja/{reference}").get_data(as_text=True)

    rights = client.get(f"/hoja/{reference}/haki-zangu")
    html = rights.get_data(as_text=True)
    assert "<h1>Taarifa zako binafsi</h1>" in html and "ndani ya siku 5 za kazi" in html
    token = hidden_fields(rights.data)["csrf_token"]
    asked = client.post(f"/hoja/{reference}/haki-zangu/kufuta", data={"csrf_token": token, "reason": "Nimehama"})
    assert asked.status_code == 303
    again = client.post(f"/hoja/{reference}/haki-zangu/kufuta", data={"csrf_token": token})
    assert again.status_code == 422 and "tayari linasubiri uamuzi" in again.get_data(as_text=True)
    assert "<title>Hitilafu: Taarifa zako binafsi" in again.get_data(as_text=True)  # said first, for a screen reader
    request = db.session.scalar(select(DataRequest))
    assert (request.kind, request.status, request.reason) == (RequestKind.ERASURE, RequestStatus.PENDING, "Nimehama")
    assert request.request_ticket.type == TicketType.DATA_REQUEST  # its time is its ticket's resolution target
    assert request.due_at == request.request_ticket.resolution_due_at > request.created_at
    supervisor = app.test_client()
    assert log_in(supervisor, staff.supervisor_a.email, PASSWORD).status_code == 303
    assert 'class="overdue"' not in supervisor.get("/afisa/maombi-ya-taarifa").get_data(as_text=True)
    request.request_ticket.resolution_due_at = request.created_at - dt.timedelta(minutes=1)  # its time has passed
    db.session.commit()
    listing = supervisor.get("/afisa/maombi-ya-taarifa").get_data(as_text=True)
    assert reference in listing and 'class="overdue"' in listing and "Imechelewa" in listing
    decision_page = supervisor.get(f"/afisa/hoja/{reference}/maombi-ya-taarifa")
    assert decision_page.status_code == 200 and "Nimehama" in decision_page.get_data(as_text=True)
    url = f"/afisa/hoja/{reference}/maombi-ya-taarifa/{request.id}"
    token = hidden_fields(decision_page.data)["csrf_token"]
    assert supervisor.post(url, data={"csrf_token": token, "decision": "grant"}).status_code == 422  # no reason
    granted = supervisor.post(url, data={"csrf_token": token, "decision": "grant", "reason": "Ombi limekubaliwa"})
    assert granted.status_code == 303
    db.session.expire_all()
    ticket = only(db, reference)
    assert (ticket.citizen_name, ticket.citizen_email, ticket.citizen_phone, ticket.attachments) == (
        None,
        None,
        None,
        [],
    )
    assert ticket.personal_data_erased_at is not None
    request = db.session.get(DataRequest, request.id)
    assert request.status == RequestStatus.GRANTED and request.decided_by_id == staff.supervisor_a.id
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "decide_data_request"))
    assert audit.changes == {"kind": "erasure", "decision": "granted", "fields": []}
    kinds = [event.kind for event in ticket.events]
    assert EventKind.DATA_REQUESTED in kinds and kinds[-1] == EventKind.DATA_REQUEST_DECIDED
    assert EventKind.DATA_ERASED_ON_REQUEST in kinds and EventKind.PERSONAL_DATA_ERASED not in kinds
    answer = client.get(f"/hoja/{reference}/haki-zangu").get_data(as_text=True)
    assert "Limekubaliwa" in answer and "Ombi limekubaliwa" in answer
    # Said as it happened, to the citizen and to the staff: at the citizen's request, not when a period ended.
    assert re.search(r'<p id="erased">Zilifutwa [^<]*, kwa ombi lako\.</p>', answer)
    assert "muda wake wa kuhifadhi" not in answer
    assert ", kwa ombi lako." in client.get(f"/hoja/{reference}/taarifa-zangu").get_data(as_text=True)
    ticket_page = client.get(f"/hoja/{reference}").get_data(as_text=True)  # the ticket's own page says it too
    assert re.search(r'<p id="erased">Zilifutwa [^<]*, kwa ombi lako\.</p>', ticket_page)
    assert "Maombi kuhusu taarifa zako binafsi na maamuzi yake" in ticket_page  # nothing left to ask to erase
    staff_page = supervisor.get(f"/afisa/hoja/{reference}")
    html = staff_page.get_data(as_text=True)
    assert ", kwa ombi la mwananchi." in html and "Zimefutwa kwa ombi la mwananchi" in html
    # Nothing left to show: no button, and a view asked for anyway is refused and not recorded as one.
    assert "Taarifa za mawasiliano zimefutwa." in html and "/mawasiliano" not in html
    shown = supervisor.post(f"/afisa/hoja/{reference}/mawasiliano", data=hidden_fields(staff_page.data))
    assert shown.status_code == 403
    assert EventKind.CONTACT_VIEWED not in {event.kind for event in only(db, reference).events}
    assert "Hakuna ombi linalosubiri uamuzi." in supervisor.get("/afisa/maombi-ya-taarifa").get_data(as_text=True)


def test_a_correction_is_asked_checked_and_granted_or_refused(app, client, db, setting):
    world, staff = setting
    reference, code = submit(app)
    track(client, reference, code)
    page = client.get(f"/hoja/{reference}/haki-zangu")
    token = hidden_fields(page.data)["csrf_token"]
    url = f"/hoja/{reference}/haki-zangu/marekebisho"
    assert client.post(url, data={"csrf_token": token}).status_code == 422  # nothing to correct
    bad = client.post(url, data={"csrf_token": token, "phone": "12"})
    assert bad.status_code == 422 and "0712 345 678" in bad.get_data(as_text=True)
    asked = client.post(url, data={"csrf_token": token, "name": "Asha J. Mwakyusa", "phone": "0754 123 456"})
    assert asked.status_code == 303
    request = db.session.scalar(select(DataRequest))
    assert request.details == {"name": "Asha J. Mwakyusa", "phone": "+255754123456"}

    with pytest.raises(DomainError):
        decide_request(request, True, "", actor=staff.supervisor_a)  # a reason is needed
    decide_request(request, True, "Imesahihishwa", actor=staff.supervisor_a)
    db.session.commit()
    ticket = only(db, reference)
    assert (ticket.citizen_name, ticket.citizen_phone, ticket.citizen_email) == (
        "Asha J. Mwakyusa",
        "+255754123456",
        "asha@example.co.tz",
    )
    with pytest.raises(DomainError):
        decide_request(request, False, "Tena", actor=staff.supervisor_a)  # decided once

    second = client.post(url, data={"csrf_token": token, "email": "asha.j@example.co.tz"})
    assert second.status_code == 303
    refused = db.session.scalar(select(DataRequest).where(DataRequest.id != request.id))
    decide_request(refused, False, "Barua pepe haijathibitishwa", actor=staff.supervisor_a)
    db.session.commit()
    assert only(db, reference).citizen_email == "asha@example.co.tz"


def test_a_legal_hold_stops_an_erasure_and_only_the_supervisor_decides(app, db, setting):
    from wananchi.privacy.services import NotPermitted

    world, staff = setting
    reference, _code = submit(app)
    ticket = only(db, reference)
    request = request_erasure(ticket, "")
    set_legal_hold(ticket, True, "Uchunguzi", actor=staff.supervisor_a)
    db.session.commit()
    for user in (staff.officer_a, staff.officer_b, staff.oversight_above_a, staff.admin):
        with pytest.raises(NotPermitted):
            decide_request(request, True, "Sababu", actor=user)
    with pytest.raises(DomainError, match="zuio la kisheria|legal hold"):
        decide_request(request, True, "Sababu", actor=staff.supervisor_a)
    assert only(db, reference).citizen_email == "asha@example.co.tz"
    assert request.status == RequestStatus.PENDING


def test_each_waiting_requests_choices_belong_to_its_own_form(app, db, setting):
    """Two requests waiting on one page: every id is unique and each label ticks the choice of its own request (a
    click on "Kubali" in one form ticked the other's)."""
    _world, staff = setting
    reference, _code = submit(app)
    ticket = only(db, reference)
    first, second = request_correction(ticket, {"phone": "+255754000111"}, ""), request_erasure(ticket, "")
    db.session.commit()
    supervisor = app.test_client()
    log_in(supervisor, staff.supervisor_a.email, PASSWORD)
    html = supervisor.get(f"/afisa/hoja/{reference}/maombi-ya-taarifa").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for request in (first, second):
        form = re.search(rf'<section class="card" id="request-{request.id}">.*?</section>', html, re.S).group(0)
        labels = re.findall(r'<label for="([^"]+)"', form)
        radios = re.findall(r'<input[^>]*type="radio"[^>]*>', form)
        assert len(radios) == 2 and all(f'id="{target}"' in form for target in labels)
