"""Attachments in an S3-compatible bucket, against a real store (SeaweedFS on loopback): the same checks, names and
clean-up as in a folder, files sent only through the service's permission checks, nothing public, and the command
that moves a folder's files into the bucket."""

from __future__ import annotations

import io
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import select

from tests.helpers import hidden_fields, pixels, valid_submission
from tests.tickets.test_submit import jpeg_bytes, png_bytes
from tests.world import PASSWORD, build_staff, build_world
from wananchi.core import errors
from wananchi.core.db import rollback
from wananchi.core.storage import LocalFolder, S3Bucket, StorageError, file_store
from wananchi.tickets import signals
from wananchi.tickets.attachments import IncomingFile
from wananchi.tickets.models import Attachment, KeptUpload, Ticket
from wananchi.tickets.uploads import keep_files


@pytest.fixture
def world(db):
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    return world, staff


def in_bucket(seaweedfs, bucket: str) -> dict[str, bytes]:
    """Every object of the bucket and its content, read with the store's own keys."""
    client = seaweedfs.client()
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {item["Key"]: client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read() for item in listed}


def submit(client, files, **overrides):
    page = client.get("/wasilisha")
    data = {
        **hidden_fields(page.data),
        **valid_submission(**overrides),
        "attachments": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post("/wasilisha", data=data, content_type="multipart/form-data")


def folder_files(app) -> list[str]:
    return sorted(path.name for path in Path(app.config["UPLOAD_FOLDER"]).iterdir())


def test_the_store_is_the_bucket_when_one_is_set_and_the_folder_otherwise(app, db, bucket, monkeypatch):
    assert isinstance(file_store(), S3Bucket) and file_store() is file_store()  # one client, made once
    monkeypatch.setitem(app.config, "S3_BUCKET", "")
    assert isinstance(file_store(), LocalFolder)


def test_a_submitted_photo_is_stored_in_the_bucket_and_sent_only_to_whom_may_see_it(
    client, app, db, world, bucket, seaweedfs
):
    _world, staff = world
    response = submit(client, [("IMG_0420.jpg", jpeg_bytes(800, 600)), ("skrini.png", png_bytes())])
    assert response.status_code == 303
    [ticket] = db.session.scalars(select(Ticket)).all()
    rows = sorted(ticket.attachments, key=lambda row: row.id)
    objects = in_bucket(seaweedfs, bucket)
    assert sorted(objects) == sorted(row.stored_name for row in rows)
    assert folder_files(app) == []  # nothing on this machine's disk
    assert [len(objects[row.stored_name]) for row in rows] == [row.size for row in rows]
    assert b"Exif" not in objects[rows[0].stored_name]  # drawn again, as in a folder

    download = client.get(f"/hoja/{ticket.reference}/viambatisho/{rows[1].id}")
    assert download.status_code == 200 and pixels(download.data) == pixels(png_bytes())
    assert download.headers["Content-Type"] == "image/png"
    assert download.headers["Content-Length"] == str(rows[1].size)
    assert "attachment" in download.headers["Content-Disposition"]
    assert app.test_client().get(f"/hoja/{ticket.reference}/viambatisho/{rows[1].id}").status_code == 404

    officer, outsider = app.test_client(), app.test_client()
    for user, browser in ((staff.officer_a, officer), (staff.officer_b, outsider)):
        page = browser.get("/ingia")
        browser.post("/ingia", data={**hidden_fields(page.data), "email": user.email, "password": PASSWORD})
    staff_download = officer.get(f"/afisa/hoja/{ticket.reference}/viambatisho/{rows[0].id}")
    assert staff_download.status_code == 200 and staff_download.data == objects[rows[0].stored_name]
    assert outsider.get(f"/afisa/hoja/{ticket.reference}/viambatisho/{rows[0].id}").status_code in (403, 404)


def test_no_object_is_public(app, db, bucket, seaweedfs):
    file_store().write("abc.png", png_bytes())
    for url in (f"{seaweedfs.endpoint}/{bucket}/abc.png", f"{seaweedfs.endpoint}/{bucket}"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - the loopback store
        assert refused.value.code == 403


def test_a_kept_upload_lives_in_the_bucket_until_sent_and_a_resent_copy_is_removed(
    client, app, db, world, bucket, seaweedfs
):
    refused = submit(client, [("a.png", png_bytes())], subject="abc")  # too short: the form comes back
    assert refused.status_code == 422
    [(stored_name, token)] = db.session.execute(select(KeptUpload.stored_name, KeptUpload.token)).all()
    assert list(in_bucket(seaweedfs, bucket)) == [stored_name]
    form = {**hidden_fields(refused.get_data(as_text=True)), **valid_submission(), "kept": [token]}
    sent = client.post("/wasilisha", data=form, content_type="multipart/form-data")
    assert sent.status_code == 303
    [attachment] = db.session.scalars(select(Attachment)).all()
    assert attachment.stored_name == stored_name and list(in_bucket(seaweedfs, bucket)) == [stored_name]

    again = {**hidden_fields(client.get("/wasilisha").data), **valid_submission(subject="Mita ya maji imeharibika")}
    for _attempt in range(2):  # a double click: one ticket, and the second copy of its photo is deleted
        body = {**again, "attachments": [(io.BytesIO(png_bytes()), "b.png")]}
        assert client.post("/wasilisha", data=body, content_type="multipart/form-data").status_code == 303
    names = sorted(db.session.scalars(select(Attachment.stored_name)))
    assert len(names) == 2 and sorted(in_bucket(seaweedfs, bucket)) == names


def test_a_fault_after_the_files_were_stored_keeps_them_for_the_form_that_comes_back(
    client, app, db, world, bucket, seaweedfs
):
    """The files a failed submission brought stay kept (their rows and objects), so the citizen sends them again
    without uploading; nothing else is left in the bucket."""
    written = []

    def broken(ticket, **kwargs):
        written.extend(in_bucket(seaweedfs, bucket))
        raise RuntimeError("the database went away")

    with signals.ticket_submitted.connected_to(broken):
        assert submit(client, [("a.png", png_bytes()), ("b.jpg", jpeg_bytes())]).status_code == 500
    assert len(written) == 2
    assert db.session.scalars(select(Ticket)).all() == []
    assert sorted(in_bucket(seaweedfs, bucket)) == sorted(db.session.scalars(select(KeptUpload.stored_name)))


def test_objects_written_in_a_transaction_that_is_rolled_back_are_deleted(app, db, bucket, seaweedfs):
    with app.test_request_context():
        kept, refused = keep_files("owner", [IncomingFile("a.png", io.BytesIO(png_bytes()))], room=3)
        assert refused == [] and list(in_bucket(seaweedfs, bucket)) == [kept[0].stored_name]
        rollback()
    assert in_bucket(seaweedfs, bucket) == {}


@pytest.mark.slow
@pytest.mark.one_backend
def test_the_store_reports_a_bucket_it_cannot_reach_within_its_timeouts(app, db, monkeypatch):
    with socket.socket() as listener:  # accepts connections and never answers: a hung store
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        for key, value in {
            "S3_BUCKET": "wananchi",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{listener.getsockname()[1]}",
            "S3_ACCESS_KEY_ID": "a",
            "S3_SECRET_ACCESS_KEY": "b",
            "S3_READ_TIMEOUT": 0.3,
        }.items():
            monkeypatch.setitem(app.config, key, value)
        store = file_store()
        started = time.monotonic()
        with pytest.raises(StorageError):
            store.write("abc.png", b"x")
        with pytest.raises(StorageError):
            store.check()
        store.delete(["abc.png"])  # logged, never raised: a clean-up must not hide the error that caused it
        assert time.monotonic() - started < 15  # three tries of each, none waiting for ever


def run(app, *args: str) -> Result:
    return app.test_cli_runner().invoke(args=["wananchi", *args])


def test_the_move_command_copies_a_folders_files_into_the_bucket_and_can_be_run_again(
    client, app, db, world, bucket, seaweedfs, monkeypatch
):
    monkeypatch.setitem(app.config, "S3_BUCKET", "")  # the files arrive while the service still uses its folder
    assert submit(client, [("a.png", png_bytes()), ("b.jpg", jpeg_bytes())]).status_code == 303
    stored = folder_files(app)
    contents = {name: Path(app.config["UPLOAD_FOLDER"], name).read_bytes() for name in stored}
    assert len(stored) == 2 and in_bucket(seaweedfs, bucket) == {}

    monkeypatch.setitem(app.config, "S3_BUCKET", bucket)
    moved = run(app, "move-files-to-bucket", "--keep")
    assert moved.exit_code == 0, moved.output
    assert "Moved 2 files; 0 were already in the bucket." in moved.output
    assert in_bucket(seaweedfs, bucket) == contents and folder_files(app) == stored
    again = run(app, "move-files-to-bucket")
    assert again.exit_code == 0 and "Moved 0 files; 2 were already in the bucket." in again.output
    assert folder_files(app) == []

    [ticket] = db.session.scalars(select(Ticket)).all()
    row = min(ticket.attachments, key=lambda row: row.id)
    download = client.get(f"/hoja/{ticket.reference}/viambatisho/{row.id}")
    assert download.status_code == 200 and download.data == contents[row.stored_name]

    seaweedfs.client().delete_object(Bucket=bucket, Key=row.stored_name)
    lost = run(app, "move-files-to-bucket")
    assert lost.exit_code == 1 and f"Rows naming a file the bucket does not hold: 1 ({row.stored_name})" in lost.output


def test_the_move_command_needs_a_bucket(app, db):
    refused = run(app, "move-files-to-bucket")
    assert refused.exit_code != 0 and "Set S3_BUCKET" in refused.output


def test_a_form_with_a_photo_sent_while_the_bucket_is_down_answers_503_and_stores_nothing(
    app, client, db, world, monkeypatch, caplog
):
    # No outage in progress: another test's refusals in this process within the last minute would go on counting.
    monkeypatch.setattr(errors, "store_outage", type(errors.store_outage)())
    with socket.socket() as dead:
        dead.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused, as when the store is stopped
        for key, value in {
            "S3_BUCKET": "wananchi",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{dead.getsockname()[1]}",
            "S3_ACCESS_KEY_ID": "a",
            "S3_SECRET_ACCESS_KEY": "b",
        }.items():
            monkeypatch.setitem(app.config, key, value)
        answers = [submit(client, [("mita.png", png_bytes())], subject=f"Mita {n}") for n in range(2)]
    for answer in answers:
        assert answer.status_code == 503 and int(answer.headers["Retry-After"]) >= 29  # (or the limits' later time)
        page = answer.get_data(as_text=True)
        assert "haijapokelewa" in page and "Nyuma" in page  # not received; what was typed is in the form
    assert db.session.scalars(select(Ticket)).all() == []
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("file store unavailable")]
    assert len(lines) == 2 and "(failure 2 in this outage)" in lines[1]
    assert not any(r.exc_info for r in caplog.records if r.levelname == "ERROR")  # one line each, no traceback
