"""Files survive an error: a file that passed the checks is kept for the browser session that sent it, listed on the
returned form with a Remove button, sent with the form without being uploaded again, and deleted by the worker
when it was never sent. Phones' HEIC and WebP photos are taken and stored as JPEG."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image
from sqlalchemy import func, select, update

from tests.helpers import hidden_fields, valid_submission
from tests.tickets.test_submit import jpeg_bytes, png_bytes
from tests.world import build_world
from wananchi.core.db import utcnow
from wananchi.tickets.models import Attachment, KeptUpload, Ticket
from wananchi.tickets.tasks import remove_expired_uploads_hourly

TOKEN = re.compile(r'<input type="hidden" name="kept" value="([^"]+)">')


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def post(client, data: dict, files=()):
    """Post the submit form with `data` (a page's hidden fields and what was typed) and `files` (name, content)."""
    body = {**data, "attachments": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/wasilisha", data=body, content_type="multipart/form-data")


def kept_tokens(response) -> list[str]:
    return TOKEN.findall(response.get_data(as_text=True))


def returned_form(response) -> dict:
    """What the browser sends again from a returned form: its hidden fields (kept files among them) and the text."""
    html = response.get_data(as_text=True)
    return {**hidden_fields(html), "kept": TOKEN.findall(html)}


def stored_files(app) -> list[str]:
    return sorted(path.name for path in Path(app.config["UPLOAD_FOLDER"]).iterdir())


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_photo_sent_with_a_mistake_is_kept_and_the_corrected_form_sends_it_without_uploading_again(
    client, world, db, app
):
    page = hidden_fields(client.get("/wasilisha").data)
    photo = jpeg_bytes(800, 600)
    refused = post(client, {**page, **valid_submission(subject="abc")}, [("IMG_0420.jpg", photo)])
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and count(db, Ticket) == 0
    assert "IMG_0420.jpg" in html and "Faili hizi zimeshaambatishwa" in html
    assert 'name="remove_upload"' in html and "Ondoa" in html
    [token] = kept_tokens(refused)
    [kept] = db.session.scalars(select(KeptUpload)).all()
    stored_name = kept.stored_name
    assert kept.token == token and stored_files(app) == [stored_name]

    sent = post(client, {**returned_form(refused), **valid_submission()})  # no file this time
    assert sent.status_code == 303
    [attachment] = db.session.scalars(select(Attachment)).all()
    assert (attachment.filename, attachment.content_type) == ("IMG_0420.jpg", "image/jpeg")
    assert attachment.stored_name == stored_name and stored_files(app) == [stored_name]
    assert count(db, KeptUpload) == 0
    with Image.open(Path(app.config["UPLOAD_FOLDER"], attachment.stored_name)) as image:
        assert image.size == (800, 600)


def test_a_refused_file_is_not_kept_and_says_why_while_a_good_one_beside_it_is(client, world, db, app):
    page = hidden_fields(client.get("/wasilisha").data)
    refused = post(
        client, {**page, **valid_submission()}, [("barua.docx", b"PK\x03\x04" + b"\x00" * 100), ("a.png", png_bytes())]
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and count(db, Ticket) == 0
    assert "Faili barua.docx si picha" in html
    assert [row.filename for row in db.session.scalars(select(KeptUpload))] == ["a.png"]
    assert post(client, {**returned_form(refused), **valid_submission()}).status_code == 303
    assert [row.filename for row in db.session.scalars(select(Attachment))] == ["a.png"]


def test_a_kept_file_cannot_be_used_from_another_browser_session(client, world, db, app):
    page = hidden_fields(client.get("/wasilisha").data)
    refused = post(client, {**page, **valid_submission(subject="abc")}, [("siri.png", png_bytes())])
    [token] = kept_tokens(refused)

    stranger = app.test_client()
    form = hidden_fields(stranger.get("/wasilisha").data)
    taken = post(stranger, {**form, **valid_submission(), "kept": [token]})
    html = taken.get_data(as_text=True)
    assert taken.status_code == 422 and count(db, Ticket) == 0 and count(db, Attachment) == 0
    assert "siri.png" not in html and token not in html
    assert "hazijahifadhiwa tena" in html
    assert count(db, KeptUpload) == 1  # still the first browser's


def test_a_kept_file_expires_and_the_worker_deletes_it_and_its_file(client, world, db, app):
    page = hidden_fields(client.get("/wasilisha").data)
    refused = post(
        client, {**page, **valid_submission(subject="abc")}, [("a.png", png_bytes()), ("b.png", png_bytes())]
    )
    assert count(db, KeptUpload) == 2
    old = utcnow() - app.config["KEPT_UPLOAD_MAX_AGE"] - dt.timedelta(minutes=1)
    first = db.session.scalars(select(KeptUpload).order_by(KeptUpload.id)).first()
    db.session.execute(update(KeptUpload).where(KeptUpload.id == first.id).values(created_at=old))
    db.session.commit()

    late = post(client, {**returned_form(refused), **valid_submission()})
    assert late.status_code == 422 and count(db, Ticket) == 0
    assert "hazijahifadhiwa tena" in late.get_data(as_text=True)
    assert kept_tokens(late) == [kept_tokens(refused)[1]]  # the one still kept is listed again

    assert remove_expired_uploads_hourly.s().validate_datetime(dt.datetime(2026, 12, 7, 9, 17))  # hourly
    remove_expired_uploads_hourly()  # the test suite runs tasks at once, in process
    [left] = db.session.scalars(select(KeptUpload)).all()
    assert left.filename == "b.png" and stored_files(app) == [left.stored_name]
    assert post(client, {**returned_form(late), **valid_submission()}).status_code == 303
    assert [row.filename for row in db.session.scalars(select(Attachment))] == ["b.png"]


def test_remove_takes_a_kept_file_off_the_form_and_keeps_what_was_typed(client, world, db, app):
    page = hidden_fields(client.get("/wasilisha").data)
    refused = post(
        client, {**page, **valid_submission(subject="abc")}, [("a.png", png_bytes()), ("b.png", png_bytes())]
    )
    first, second = kept_tokens(refused)
    removed = post(client, {**returned_form(refused), **valid_submission(subject="abc"), "remove_upload": first})
    html = removed.get_data(as_text=True)
    assert removed.status_code == 200 and 'class="error-summary"' not in html
    assert kept_tokens(removed) == [second] and 'value="abc"' in html
    [left] = db.session.scalars(select(KeptUpload)).all()
    assert left.token == second and stored_files(app) == [left.stored_name]


def test_no_more_files_than_allowed_are_kept_and_the_form_says_how_many_are_attached(client, world, db, app):
    page = hidden_fields(client.get("/wasilisha").data)
    refused = post(
        client, {**page, **valid_submission(subject="abc")}, [("a.png", png_bytes()), ("b.png", png_bytes())]
    )
    again = post(
        client, {**returned_form(refused), **valid_submission()}, [("c.png", png_bytes()), ("d.png", png_bytes())]
    )
    assert again.status_code == 422 and count(db, KeptUpload) == 2
    assert "Unaweza kuambatisha hadi faili 3, na 2 zimeshaambatishwa" in again.get_data(as_text=True)
    full = post(client, {**returned_form(again), **valid_submission(subject="abc")}, [("c.png", png_bytes())])
    assert kept_tokens(full) and len(kept_tokens(full)) == 3
    assert 'type="file"' not in full.get_data(as_text=True)  # three are attached: no room for another


def test_the_same_form_sent_twice_with_kept_files_makes_one_ticket_and_the_same_receipt(client, world, db, app):
    page = hidden_fields(client.get("/wasilisha").data)
    refused = post(client, {**page, **valid_submission(subject="abc")}, [("a.png", png_bytes())])
    form = {**returned_form(refused), **valid_submission()}
    first, second = post(client, form), post(client, form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(db, Ticket) == 1 and count(db, Attachment) == 1 and count(db, KeptUpload) == 0


def test_a_form_sent_again_with_its_photo_keeps_no_second_copy(client, world, db, app):
    data = {**hidden_fields(client.get("/wasilisha").data), **valid_submission()}
    assert post(client, data, [("a.png", png_bytes())]).status_code == 303
    assert post(client, data, [("a.png", png_bytes())]).status_code == 303
    assert count(db, Ticket) == 1 and count(db, KeptUpload) == 0
    assert stored_files(app) == [db.session.scalar(select(Attachment.stored_name))]


def test_switching_the_language_keeps_what_was_typed_and_the_files(client, world, db, app):
    page = hidden_fields(client.get("/wasilisha").data)
    switched = post(
        client, {**page, **valid_submission(subject="Maji ya bomba"), "lugha": "en"}, [("a.png", png_bytes())]
    )
    html = switched.get_data(as_text=True)
    assert switched.status_code == 200 and count(db, Ticket) == 0
    assert '<html lang="en">' in html and "Submit a ticket" in html and 'class="error-summary"' not in html
    assert 'value="Maji ya bomba"' in html and valid_submission()["description"] in html
    assert "a.png" in html and len(kept_tokens(switched)) == 1
    assert "lugha=en" in switched.headers["Set-Cookie"]
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)  # remembered
    assert post(client, {**returned_form(switched), **valid_submission(subject="Maji ya bomba")}).status_code == 303
    assert db.session.scalar(select(Ticket.language)) == "en"
    assert count(db, Attachment) == 1


def heic_bytes(width: int, height: int) -> bytes:
    pillow_heif.register_heif_opener()
    output = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(output, "HEIF")
    return output.getvalue()


def webp_bytes(width: int, height: int, mode: str = "RGB") -> bytes:
    output = io.BytesIO()
    Image.new(mode, (width, height), (40, 40, 200, 128)[: len(mode)]).save(output, "WEBP")
    return output.getvalue()


@pytest.mark.one_backend
def test_heic_and_webp_photos_from_phones_are_taken_and_stored_as_jpeg(client, world, db, app):
    page = hidden_fields(client.get("/wasilisha").data)
    files = [
        ("IMG_5512.HEIC", heic_bytes(3024, 4032)),
        ("picha.webp", webp_bytes(640, 480)),
        ("uwazi.webp", webp_bytes(32, 32, "RGBA")),
    ]
    assert post(client, {**page, **valid_submission()}, files).status_code == 303
    rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(row.filename, row.content_type) for row in rows] == [
        ("IMG_5512.jpg", "image/jpeg"),
        ("picha.jpg", "image/jpeg"),
        ("uwazi.jpg", "image/jpeg"),
    ]
    sizes = []
    for row in rows:
        assert row.stored_name.endswith(".jpg")
        with Image.open(Path(app.config["UPLOAD_FOLDER"], row.stored_name)) as image:
            assert image.format == "JPEG" and not image.getexif()
            sizes.append(image.size)
    assert sizes == [(1920, 2560), (640, 480), (32, 32)]


@pytest.mark.one_backend
def test_a_12_megabyte_phone_photo_is_taken_and_stored_redrawn(client, world, db, app):
    noise = Image.effect_noise((4000, 3000), 90).convert("RGB")
    output = io.BytesIO()
    noise.save(output, "JPEG", quality=97)
    photo = output.getvalue()
    assert 11 * 1024 * 1024 < len(photo) < 15 * 1024 * 1024
    page = hidden_fields(client.get("/wasilisha").data)
    assert post(client, {**page, **valid_submission()}, [("IMG_20261207.jpg", photo)]).status_code == 303
    [row] = db.session.scalars(select(Attachment)).all()
    stored = Path(app.config["UPLOAD_FOLDER"], row.stored_name).read_bytes()
    assert row.size == len(stored) < len(photo) // 2
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (2560, 1920)


def test_information_added_with_a_mistake_keeps_its_photo_for_the_corrected_form(client, world, db, app):
    page = hidden_fields(client.get("/wasilisha").data)
    assert post(client, {**page, **valid_submission()}).status_code == 303
    reference = db.session.scalar(select(Ticket.reference))
    form = hidden_fields(client.get(f"/hoja/{reference}").data)
    too_long = client.post(
        f"/hoja/{reference}",
        data={**form, "body": "x" * 5001, "attachments": [(io.BytesIO(png_bytes()), "mita.png")]},
        content_type="multipart/form-data",
    )
    assert too_long.status_code == 422 and count(db, Attachment) == 0
    [token] = kept_tokens(too_long)
    assert "mita.png" in too_long.get_data(as_text=True)
    added = client.post(f"/hoja/{reference}", data={**returned_form(too_long), "body": "Picha ya mita iliyoharibika."})
    assert added.status_code == 303 and count(db, KeptUpload) == 0
    [attachment] = db.session.scalars(select(Attachment)).all()
    assert attachment.filename == "mita.png" and attachment.message_id is not None
    assert token not in client.get(f"/hoja/{reference}").get_data(as_text=True)


def test_garbage_in_the_kept_list_and_the_buttons_never_breaks_the_form(client, world, db):
    page = hidden_fields(client.get("/wasilisha").data)
    for extra in (
        {"kept": ["x" * 5000, "", "\u202e", *(f"t{i}" for i in range(500))]},
        {"remove_upload": "haipo"},
        {"lugha": "fr"},
        {"lugha": ""},
    ):
        response = post(client, {**page, **valid_submission(), **extra})
        assert response.status_code in (200, 422), (response.status_code, extra, response.get_data(as_text=True)[:600])
    assert count(db, Ticket) == 0  # none of these posts sent the form
