"""Submitting a ticket through the web form: success, every validation, attachments, retries, limits."""

from __future__ import annotations

import io
import os
import re
import struct
import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from tests.helpers import hidden_fields, pdf_bytes, pixels, post_submission, valid_submission
from tests.world import build_world, complaint
from wananchi.notifications.models import Channel, OutboxMessage
from wananchi.tickets.models import (
    Attachment,
    EventKind,
    Identity,
    ReferenceCounter,
    Ticket,
    TicketStatus,
)


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PDF = pdf_bytes()


def jpeg_bytes(width: int = 4, height: int = 2, **save: object) -> bytes:
    """A valid JPEG photo, saved with `save` (exif=..., for instance)."""
    output = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(output, "JPEG", **save)
    return output.getvalue()


JPEG = jpeg_bytes()


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def tickets(db) -> list[Ticket]:
    return list(db.session.scalars(select(Ticket).order_by(Ticket.id)))


def test_submit_page_opens_in_swahili_with_every_field(client, world):
    page = client.get("/wasilisha", headers={"Accept-Language": "en-US,en;q=0.9"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<html lang="sw">' in html
    assert "Wasilisha hoja" in html
    for name in (
        "type",
        "category",
        "district",
        "subject",
        "description",
        "attachments",
        "identity",
        "name",
        "email",
        "phone",
        "csrf_token",
        "submission_key",
    ):
        assert f'name="{name}"' in html
    assert "Bili ya maji" in html and 'value="sijui"' in html


def test_a_named_complaint_is_received_routed_and_confirmed(client, world, db):
    response = post_submission(client)
    assert response.status_code == 303
    [ticket] = tickets(db)
    assert re.fullmatch(r"WN-\d{4}-\d{6}", ticket.reference)
    assert response.headers["Location"].endswith(f"/wasilisha/{ticket.reference}/imepokelewa")
    assert ticket.institution_id == world.agency.id
    assert ticket.status == TicketStatus.RECEIVED
    assert ticket.citizen_phone == "+255712345678"
    assert ticket.citizen_email == "asha@example.co.tz"
    assert ticket.language == "sw"
    assert [e.kind for e in ticket.events] == [EventKind.SUBMITTED, EventKind.ROUTED]

    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert ticket.reference in receipt
    code = re.search(r'id="tracking-code">([0-9A-Z]{5}-[0-9A-Z]{5})<', receipt).group(1)
    assert code.replace("-", "") not in ticket.tracking_code_hash
    assert "Wizara" not in receipt or "Mamlaka ya Majisafi" in receipt
    assert "Ujumbe wenye namba zote mbili pia unatumwa kwa mawasiliano uliyotoa." in receipt
    assert "unaonyeshwa sasa tu" not in receipt


def test_local_service_goes_to_the_council_of_the_chosen_district(client, world, db):
    response = post_submission(client, category="usafi-taka", district="dodoma-jiji")
    assert response.status_code == 303
    [ticket] = tickets(db)
    assert ticket.institution_id == world.council.id
    assert ticket.region_id == world.region.id


def test_dont_know_goes_to_triage(client, world, db):
    assert post_submission(client, category="sijui").status_code == 303
    [ticket] = tickets(db)
    assert ticket.institution_id == world.triage.id and ticket.category_id is None


def test_anonymous_submission_stores_no_contact(client, world, db):
    response = post_submission(client, identity="anonymous")
    assert response.status_code == 303
    [ticket] = tickets(db)
    assert ticket.identity == Identity.ANONYMOUS
    assert (ticket.citizen_name, ticket.citizen_email, ticket.citizen_phone) == (None, None, None)
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "hatukuhifadhi jina" in receipt.lower() or "bila kujitambulisha" in receipt.lower()
    assert "Msimbo wa ufuatiliaji unaonyeshwa sasa tu" in receipt and 'id="receipt-sent"' not in receipt


def test_contact_hidden_keeps_contact_for_notifications(client, world, db):
    assert post_submission(client, identity="contact_hidden", name="", phone="").status_code == 303
    [ticket] = tickets(db)
    assert ticket.identity == Identity.CONTACT_HIDDEN and ticket.citizen_email == "asha@example.co.tz"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"type": ""}, "type", "Chagua aina ya hoja"),
        ({"type": "rushwa"}, "type", "Chaguo hili si sahihi: chagua mojawapo"),
        ({"category": ""}, "category", "Chagua huduma"),
        ({"category": "haipo"}, "category", "Chagua huduma kutoka kwenye orodha"),
        ({"category": "usafi-taka", "district": ""}, "district", "chagua wilaya"),
        ({"district": "atlantis"}, "district", "Chagua wilaya kutoka kwenye orodha"),
        ({"subject": ""}, "subject", "Andika kichwa cha hoja"),
        ({"subject": "abc"}, "subject", "kati ya herufi 5 na 150"),
        ({"subject": "x" * 151}, "subject", "kati ya herufi 5 na 150"),
        ({"description": "fupi sana"}, "description", "kati ya herufi 20 na 5,000"),
        ({"description": "y" * 5001}, "description", "kati ya herufi 20 na 5,000"),
        ({"email": "si-barua-pepe"}, "email", "Andika barua pepe sahihi"),
        ({"phone": "12345"}, "phone", "Andika namba ya simu sahihi"),
        ({"identity": "named", "name": ""}, "name", "Andika jina lako"),
        ({"identity": "named", "email": "", "phone": ""}, "email", "barua pepe au namba ya simu"),
        ({"identity": "kinyago"}, "identity", "Chaguo hili si sahihi: chagua mojawapo"),
        ({"name": "n" * 121}, "name", "herufi 120"),
    ],
)
def test_each_field_is_validated_in_swahili_and_nothing_typed_is_lost(client, world, db, overrides, field, message):
    response = post_submission(client, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert tickets(db) == []
    assert 'class="error-summary"' in html
    assert f'href="#{field}' in html  # the summary links to the field
    assert message.lower() in html.lower()
    assert "Not a valid choice" not in html  # WTForms' own messages speak Swahili too
    # What the citizen typed comes back.
    data = valid_submission(**overrides)
    if field != "description":
        assert str(data["description"]) in html
    if field != "subject":
        assert f'value="{data["subject"]}"' in html


def test_errors_come_in_english_when_english_was_chosen(client, world):
    client.get("/lugha/en")
    html = post_submission(client, subject="", email="x@", type="rushwa").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Write a short subject." in html
    assert "Write a valid e-mail address, for example name@example.go.tz." in html  # an English example
    assert "That is not one of the choices offered" in html


def test_text_is_shown_as_text_never_as_html(client, world, db):
    subject = '<script>alert("x")</script> maji'
    response = post_submission(client, subject=subject, description="<img src=x onerror=alert(1)> " * 3)
    assert response.status_code == 303
    page = client.get(f"/hoja/{tickets(db)[0].reference}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page


def test_double_submit_creates_one_ticket_and_the_same_confirmation(client, world, db):
    page = client.get("/wasilisha")
    data = {**hidden_fields(page.data), **valid_submission()}
    first = client.post("/wasilisha", data=data)
    second = client.post("/wasilisha", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(tickets(db)) == 1
    receipt = client.get(second.headers["Location"]).get_data(as_text=True)
    other_browser = world and client.application.test_client()
    other_page = other_browser.get("/wasilisha")
    third = other_browser.post("/wasilisha", data={**data, "csrf_token": hidden_fields(other_page.data)["csrf_token"]})
    assert third.headers["Location"] == first.headers["Location"]
    assert other_browser.get(third.headers["Location"]).get_data(as_text=True).count("tracking-code") == receipt.count(
        "tracking-code"
    )
    assert len(tickets(db)) == 1


def test_a_sent_form_brought_back_changed_and_sent_again_is_a_new_ticket(client, world, db):
    """The back button can bring the sent form back, hidden key and all: changed, it is a new ticket, not a resend."""
    data = {**hidden_fields(client.get("/wasilisha").data), **valid_submission()}
    first = client.post("/wasilisha", data=data)
    second = client.post("/wasilisha", data={**data, "subject": "Mita ya maji imeharibika"})
    resent = client.post("/wasilisha", data={**data, "subject": "Mita ya maji imeharibika"})
    assert first.status_code == second.status_code == resent.status_code == 303
    assert first.headers["Location"] != second.headers["Location"] == resent.headers["Location"]
    assert sorted(t.subject for t in tickets(db)) == ["Bili ya maji si sahihi", "Mita ya maji imeharibika"]


def test_consent_to_publication_is_asked_separately_and_off_unless_ticked(client, world, db):
    page = client.get("/wasilisha").get_data(as_text=True)
    assert "Ridhaa ya kuchapishwa" in page and "bila taarifa zangu binafsi" in page
    checkbox = re.search(r'<input[^>]*name="publication_consent"[^>]*>', page).group(0)
    assert 'type="checkbox"' in checkbox and "checked" not in checkbox
    assert post_submission(client).status_code == 303
    assert post_submission(client, subject="Mita ya maji imeharibika", publication_consent="y").status_code == 303
    assert [(t.subject, t.publication_consent) for t in tickets(db)] == [
        ("Bili ya maji si sahihi", False),
        ("Mita ya maji imeharibika", True),
    ]
    refused = post_submission(client, subject="abc", publication_consent="y").get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*name="publication_consent"[^>]*>', refused).group(0)


def test_a_sent_form_sent_again_with_the_consent_changed_is_not_taken_for_a_resend(client, world, db):
    """Otherwise a citizen who went back to untick the box would silently be shown the first receipt, as if it had
    been stored their way. With the same text the citizen is told it is the first ticket's repeat (that ticket keeps
    the consent given; it is withdrawn from the tracking page); with the text edited too it is a new ticket."""
    data = {**hidden_fields(client.get("/wasilisha").data), **valid_submission(), "publication_consent": "y"}
    first = client.post("/wasilisha", data=data)
    data.pop("publication_consent")
    repeated = client.post("/wasilisha", data=data)
    assert repeated.status_code == 422 and tickets(db)[0].reference in repeated.get_data(as_text=True)
    second = client.post("/wasilisha", data={**data, "subject": "Bili ya maji ya mwezi huu"})
    assert first.headers["Location"] != second.headers["Location"]
    assert [t.publication_consent for t in tickets(db)] == [True, False]


def test_a_submission_stores_its_ticket_with_the_due_dates_receipts_and_history(app, client, world, db):
    data = {**hidden_fields(client.get("/wasilisha").data), **valid_submission(subject="Mita ya maji imeharibika")}
    response = client.post("/wasilisha", data=data)
    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Mita ya maji imeharibika"))
    assert ticket is not None and ticket.first_response_due_at and ticket.resolution_due_at and ticket.next_sla_check_at
    assert [(e.kind, e.actor) for e in ticket.events] == [
        (EventKind.SUBMITTED, "mwananchi"),
        (EventKind.ROUTED, "mfumo"),
    ]
    assert ticket.events[1].data == {"institution": world.agency.slug, "category": "maji-bili"}
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.ticket_id == ticket.id)).all()
    assert sorted(m.channel for m in messages) == [Channel.EMAIL, Channel.SMS]
    assert all(m.event == "receipt" and m.body_text == "" for m in messages)  # rendered when sent


def test_a_submission_is_stored_when_the_years_counter_is_behind_the_stored_references(app, client, world, db):
    """Tickets stored without the counter (an import, or the loader of benchmarks/queue_pages.py) hold the next
    numbers: the submission takes the first free one, and so do the ones after it, instead of failing on each."""
    from wananchi.tickets.services import submit_ticket

    with app.test_request_context():
        imported = [submit_ticket(complaint(world, subject=f"Hoja ya zamani {n}")).ticket.reference for n in range(3)]
    db.session.execute(sa.delete(ReferenceCounter))  # as if the counter had never drawn them
    db.session.commit()
    first, second = (post_submission(client, subject=f"Hoja mpya {n}") for n in range(2))
    assert first.status_code == second.status_code == 303
    stored = {t.subject: t.reference for t in tickets(db)}
    year = imported[0].split("-")[1]
    assert [stored["Hoja mpya 0"], stored["Hoja mpya 1"]] == [f"WN-{year}-000004", f"WN-{year}-000005"]


def test_the_submitted_ticket_is_the_stored_row_with_every_default(app, world, db):
    """What submit_ticket returns is what was stored, column by column, with the columns' defaults filled in."""
    from wananchi.tickets.services import submit_ticket

    submission = complaint(world, identity=Identity.CONTACT_HIDDEN, email="asha@example.co.tz")
    with app.test_request_context():
        ticket = submit_ticket(submission).ticket
        columns = [prop.key for prop in sa.inspect(Ticket).column_attrs]
        seen = {key: getattr(ticket, key) for key in columns}
        assert ticket.institution is world.agency and ticket.category is world.national_service
        db.session.commit()
        db.session.expire_all()
        assert {key: getattr(ticket, key) for key in columns} == seen
    assert seen["version"] == 1 and seen["sla_round"] == seen["paused_minutes"] == seen["tracking_code_version"] == 0
    assert seen["status"] == TicketStatus.RECEIVED and seen["publication_consent"] is False
    assert seen["assignee_id"] is None and seen["first_response_due_at"] is not None


def test_a_forged_short_submission_key_is_replaced(client, world, db):
    page = client.get("/wasilisha")
    data = {**hidden_fields(page.data), **valid_submission(), "submission_key": "a"}
    assert client.post("/wasilisha", data=data).status_code == 303
    assert client.post("/wasilisha", data={**data, "subject": "Mita ya maji imeharibika"}).status_code == 303
    assert len(tickets(db)) == 2
    assert all(len(t.submission_key) >= 32 for t in tickets(db))


def test_expired_form_is_returned_with_everything_typed(client, world, db):
    client.get("/wasilisha")
    data = {**valid_submission(), "csrf_token": "expired-token", "submission_key": "k" * 40}
    response = client.post("/wasilisha", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert tickets(db) == []
    assert "imepitwa na muda" in html
    assert valid_submission()["description"] in html
    # The page carries a fresh token: sending it again works and creates the ticket.
    retry = client.post("/wasilisha", data={**data, **hidden_fields(html)})
    assert retry.status_code == 303 and len(tickets(db)) == 1


def test_other_forms_with_an_expired_token_get_a_friendly_page(client, world):
    response = client.post("/fuatilia", data={"reference": "WN-2026-000001", "code": "x", "csrf_token": "old"})
    assert response.status_code == 400
    assert "Fomu" in response.get_data(as_text=True)


class TestAttachments:
    def _post(self, client, files):
        page = client.get("/wasilisha")
        data = {
            **hidden_fields(page.data),
            **valid_submission(),
            "attachments": [(io.BytesIO(content), name) for name, content in files],
        }
        return client.post("/wasilisha", data=data, content_type="multipart/form-data")

    def test_photos_and_pdf_are_stored_under_random_names_outside_static(self, client, world, db, app):
        response = self._post(client, [("picha.png", png_bytes()), ("barua.pdf", PDF), ("IMG_1.JPG", JPEG)])
        assert response.status_code == 303
        stored = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
        assert [(a.filename, a.content_type) for a in stored] == [
            ("picha.png", "image/png"),
            ("barua.pdf", "application/pdf"),
            ("IMG_1.JPG", "image/jpeg"),
        ]
        upload_dir = app.config["UPLOAD_FOLDER"]
        assert "static" not in upload_dir
        for item in stored:
            assert item.filename not in item.stored_name
            assert os.path.isfile(os.path.join(upload_dir, item.stored_name))
        download = client.get(f"/hoja/{tickets(db)[0].reference}/viambatisho/{stored[0].id}")
        assert download.status_code == 200 and pixels(download.data) == pixels(png_bytes())
        assert download.headers["Content-Type"] == "image/png"
        assert "attachment" in download.headers["Content-Disposition"]
        assert download.headers["X-Content-Type-Options"] == "nosniff"

    def test_file_names_are_cleaned_of_control_characters_and_shortened_keeping_their_ending(self, client, world, db):
        files = [("a\x00b.png", png_bytes()), ("\u202egnp.pdf", PDF), ("/sdcard/DCIM/" + "x" * 5000 + ".jpg", JPEG)]
        response = self._post(client, files)
        assert response.status_code == 303
        stored = db.session.scalars(select(Attachment.filename).order_by(Attachment.id)).all()
        assert stored == ["ab.png", "gnp.pdf", "x" * 196 + ".jpg"]

    def test_photos_are_stored_without_their_metadata_and_turned_upright(self, client, world, db, app):
        exif = Image.Exif()
        exif[0x0112] = 6  # orientation: the camera was held on its side
        exif[0x013B] = "Asha Juma"  # artist: the phone's owner
        exif[0x0110] = "Simu ya Asha"  # camera model
        exif.get_ifd(0x8825)[2] = (6.0, 10.0, 0.0)  # GPS latitude
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Asha Juma")
        png = io.BytesIO()
        Image.new("RGB", (3, 2), (0, 200, 0)).save(png, "PNG", pnginfo=info)
        trailer = b"<!doctype html><script>alert(1)</script>"  # anything hidden after the image
        response = self._post(
            client, [("IMG_2.jpg", jpeg_bytes(4, 2, exif=exif.tobytes()) + trailer), ("skrini.png", png.getvalue())]
        )
        assert response.status_code == 303
        stored = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
        photo, screenshot = (Path(app.config["UPLOAD_FOLDER"], a.stored_name).read_bytes() for a in stored)
        for content in (photo, screenshot):
            assert b"Asha" not in content and b"script" not in content
        with Image.open(io.BytesIO(photo)) as image:
            assert image.size == (2, 4) and not image.getexif()  # upright, and nothing about place or device
        assert pixels(screenshot) == ((3, 2), bytes([0, 200, 0]) * 6)  # a PNG keeps its exact pixels
        assert [a.size for a in stored] == [len(photo), len(screenshot)]

    def test_a_large_photo_is_scaled_down_and_one_with_too_many_pixels_refused(self, client, world, db, app):
        response = self._post(client, [("kubwa.jpg", jpeg_bytes(4000, 3000))])
        assert response.status_code == 303
        stored = db.session.scalar(select(Attachment))
        with Image.open(Path(app.config["UPLOAD_FOLDER"], stored.stored_name)) as image:
            assert image.size == (2560, 1920)
        huge = io.BytesIO()
        Image.new("1", (10_000, 6_000)).save(huge, "PNG")  # 60 megapixels in a few kilobytes
        response = self._post(client, [("bomu.png", huge.getvalue())])
        assert response.status_code == 422 and len(tickets(db)) == 1
        assert "Picha bomu.png ina pikseli nyingi mno." in response.get_data(as_text=True)

    def test_a_damaged_photo_is_refused_with_a_plain_message(self, client, world, db):
        response = self._post(client, [("nusu.jpg", jpeg_bytes(400, 300)[:300])])  # cut off while sending
        assert response.status_code == 422 and tickets(db) == []
        assert "Picha nusu.jpg haikuweza kusomwa." in response.get_data(as_text=True)

    def test_a_resent_form_with_a_photo_keeps_one_ticket_and_one_stored_file(self, client, world, db, app):
        data = {**hidden_fields(client.get("/wasilisha").data), **valid_submission()}
        locations = []
        for _attempt in range(2):
            attachments = {"attachments": [(io.BytesIO(png_bytes()), "picha.png")]}
            response = client.post("/wasilisha", data={**data, **attachments}, content_type="multipart/form-data")
            assert response.status_code == 303
            locations.append(response.headers["Location"])
        assert locations[0] == locations[1] and len(tickets(db)) == 1
        stored = db.session.scalars(select(Attachment.stored_name)).all()
        assert len(stored) == 1
        assert sorted(os.listdir(app.config["UPLOAD_FOLDER"])) == stored  # the resend's copy was removed
        assert tickets(db)[0].reference.endswith("-000001")
        # The resend is known as the same form (its text was sent today) before it takes a number.
        assert db.session.scalar(select(ReferenceCounter.last_value)) == 1

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("picha.pdf", png_bytes()),  # a PNG renamed .pdf
            ("picha.jpg", b"<!doctype html><html><script>alert(1)</script></html>"),  # HTML renamed .jpg
            ("hati.docx", b"PK\x03\x04" + b"\x00" * 100),
            ("tupu.png", b""),
        ],
    )
    def test_files_are_recognised_by_content_and_refused(self, client, world, db, name, content):
        response = self._post(client, [(name, content)])
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert tickets(db) == [] and db.session.scalar(select(func.count(Attachment.id))) == 0
        assert name in html
        assert "chagua faili nyingine" in html.lower()
        assert valid_submission()["description"] in html

    def test_more_than_three_files_are_refused(self, client, world, db):
        response = self._post(client, [(f"p{i}.png", png_bytes()) for i in range(4)])
        assert response.status_code == 422 and tickets(db) == []
        assert "faili 3" in response.get_data(as_text=True)

    def test_a_document_over_5_mb_and_a_photo_over_15_mb_are_refused_saying_their_size(self, client, world, db):
        big_document = PDF + b"%" + b"\x00" * (6 * 1024 * 1024 + 200 * 1024)
        response = self._post(client, [("ripoti.pdf", big_document)])
        assert response.status_code == 422 and tickets(db) == []
        assert "Hati ripoti.pdf ina 6.2 MB, na hati isizidi 5 MB." in response.get_data(as_text=True)
        big_photo = png_bytes() + b"\x00" * (16 * 1024 * 1024)
        response = self._post(client, [("kubwa.png", big_photo)])
        assert response.status_code == 422 and tickets(db) == []
        assert "Picha kubwa.png ina 16 MB, na picha isizidi 15 MB." in response.get_data(as_text=True)

    def test_a_request_declaring_more_than_three_photos_is_refused_before_its_body_is_read(self, client, world, db):
        class Unread(io.BytesIO):
            def read(self, *args):  # the body of a refused request is never read
                raise AssertionError("the body was read")

            readline = read

        page = client.get("/wasilisha")
        body = Unread(b"x" * 100)
        response = client.post(
            "/wasilisha",
            input_stream=body,
            content_type="multipart/form-data; boundary=x",
            environ_overrides={"CONTENT_LENGTH": str(60 * 1024 * 1024)},
        )
        assert page.status_code == 200 and response.status_code == 413 and tickets(db) == []
        html = response.get_data(as_text=True)
        assert "Ulichotuma ni 60 MB" in html and "picha zisizozidi 15 MB" in html and "hati zisizozidi 5 MB" in html
        # Three full-size phone photos are within what a request may declare.
        allowed = client.post(
            "/wasilisha",
            input_stream=io.BytesIO(b"x" * 100),
            content_type="multipart/form-data; boundary=x",
            environ_overrides={"CONTENT_LENGTH": str(46 * 1024 * 1024)},
        )
        assert allowed.status_code != 413
        # Any other page keeps the smaller limit.
        elsewhere = client.post(
            "/fuatilia",
            input_stream=Unread(b"x" * 100),
            content_type="application/x-www-form-urlencoded",
            environ_overrides={"CONTENT_LENGTH": str(17 * 1024 * 1024)},
        )
        assert elsewhere.status_code == 413


def test_a_flood_of_submissions_gets_a_429_page(client, world, db, app):
    app.config["SUBMIT_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [post_submission(client, subject=f"Hoja namba {i}").status_code for i in range(5)]
    finally:
        app.config["SUBMIT_RATE_LIMIT"] = "1000 per minute"
    assert statuses[:3] == [303, 303, 303]
    assert statuses[3:] == [429, 429]
    assert len(tickets(db)) == 3


def test_429_page_is_friendly_and_in_swahili(client, world, app):
    app.config["SUBMIT_RATE_LIMIT"] = "1 per minute"
    try:
        post_submission(client)
        response = post_submission(client)
    finally:
        app.config["SUBMIT_RATE_LIMIT"] = "1000 per minute"
    assert response.status_code == 429
    assert "subiri" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("garbage", ["\x00", "a\x00b", "𝕏" * 200, "' OR 1=1 --", "%s%s%n", "\u202e" * 10])
def test_no_input_produces_a_server_error(client, world, garbage):
    for field in ("type", "category", "district", "subject", "description", "identity", "name", "email", "phone"):
        response = post_submission(client, **{field: garbage})
        assert response.status_code < 500, field
        if "\x00" in garbage:
            assert response.status_code == 400 and "herufi" in response.get_data(as_text=True).lower()
    for path in ("/fuatilia?ref=%00", "/hoja/WN-2026-%00", "/afisa/hoja/%00"):
        assert client.get(path).status_code < 500


def test_a_file_sent_as_text_and_text_sent_as_a_file_are_refused_field_by_field(client, world, db):
    response = post_submission(client, subject=(io.BytesIO(b"Bili ya maji"), "somo.txt"), attachments="picha.png")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and tickets(db) == []
    assert "Andika kichwa cha hoja kifupi." in page  # the subject is empty: a file is not a subject
    assert 'value="Asha Juma"' in page  # the rest is kept as typed


@pytest.mark.parametrize("host", ["x" * 64 + ".go.tz", "x" * 5000])
def test_a_host_header_no_address_can_be_built_for_gets_a_plain_400(client, world, host):
    for method in ("GET", "POST"):
        response = client.open("/wasilisha", method=method, headers={"Host": host})
        assert response.status_code == 400
        assert response.mimetype == "text/plain" and "Ombi halikueleweka" in response.get_data(as_text=True)
