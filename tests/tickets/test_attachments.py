"""Attachments: documents rewritten without what identifies their sender, neutral names where the sender is hidden,
photos whose decoding is bounded before it starts, and what one ticket may hold."""

from __future__ import annotations

import io
import os
import re
import resource
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from sqlalchemy import select

from tests.helpers import hidden_fields, pdf_bomb, pdf_bytes, valid_submission
from tests.tickets.test_submit import jpeg_bytes, png_bytes
from tests.world import build_world
from wananchi.tickets.models import Attachment, Ticket

# What the document built below says about its sender, in every place a PDF can hide it.
SECRETS = (
    b"amina",
    b"mwakyusa",
    b"juma",
    b"siri",
    b"0712 345 678",
    b"app.alert",
    b"cmd.exe",
    b"phishing",
    b"/javascript",
    b"/js",
    b"/embeddedfile",
    b"/filespec",
    b"/author",
    b"/creator",
    b"/producer",
    b"/metadata",
    b"/pieceinfo",
    b"/openaction",
    b"/aa",
    b"/launch",
    b"/uri",
)
PAGE_TEXT = "Barua kwa Halmashauri ya Jiji"


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def submit(client, files, **overrides):
    """Post the submit form with `files` (name, content) and the submission's `overrides`."""
    page = client.get("/wasilisha")
    data = {
        **hidden_fields(page.data),
        **valid_submission(**overrides),
        "attachments": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post("/wasilisha", data=data, content_type="multipart/form-data")


def add_information(client, reference, body, files=()):
    """Post the tracking page's form to add information (the client has the ticket open)."""
    page = client.get(f"/hoja/{reference}")
    data = {
        **hidden_fields(page.data),
        "body": body,
        "attachments": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post(f"/hoja/{reference}", data=data, content_type="multipart/form-data")


def stored(db, app) -> list[tuple[Attachment, bytes]]:
    rows = db.session.scalars(select(Attachment).order_by(Attachment.id))
    return [(row, Path(app.config["UPLOAD_FOLDER"], row.stored_name).read_bytes()) for row in rows]


def only_ticket(db) -> Ticket:
    [ticket] = db.session.scalars(select(Ticket)).all()
    return ticket


# --- documents ---------------------------------------------------------------------------------------------------


def _javascript(pdf: pikepdf.Pdf, script: str) -> pikepdf.Dictionary:
    return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=script))


def identifying_pdf() -> bytes:
    """A one-page letter that carries its sender's name, files and scripts everywhere a PDF can, then an incremental
    update that names the sender again, then bytes after the last %%EOF."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes(PAGE_TEXT)))
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Amina Mwakyusa"]
        meta["xmp:CreatorTool"] = r"C:\Users\amina\Desktop\barua.docx"
    pdf.docinfo["/Author"] = "Amina Mwakyusa"
    pdf.docinfo["/Creator"] = r"Microsoft Word - C:\Users\amina\Documents\Juma_Mwakyusa_CV.docx"
    pdf.docinfo["/Producer"] = "Siri PDF 1.0"
    pdf.attachments[r"C:\Users\amina\Documents\siri.txt"] = pikepdf.AttachedFileSpec(
        pdf, b"Namba ya simu 0712 345 678", filename=r"C:\Users\amina\Documents\siri.txt"
    )
    names = pdf.Root.Names
    names.JavaScript = pikepdf.Dictionary(Names=pikepdf.Array(["siri", _javascript(pdf, "app.alert('siri')")]))
    pdf.Root.OpenAction = _javascript(pdf, "app.alert('amina')")
    page = pdf.pages[0]
    page.obj.AA = pikepdf.Dictionary(O=_javascript(pdf, "app.alert('juma')"))
    page.obj.PieceInfo = pikepdf.Dictionary(Word=pikepdf.Dictionary(Private="C:\\Users\\amina\\barua.docx"))
    attached = pikepdf.AttachedFileSpec(pdf, b"siri", filename=r"C:\Users\amina\siri.docx")
    rect = pikepdf.Array([72, 600, 90, 618])
    page.obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment,
                                                     Rect=rect, T="Amina Mwakyusa", FS=attached.obj)),
                pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=rect,
                                                     T="Amina Mwakyusa", Contents="Tafadhali saidieni")),
                pdf.make_indirect(pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=rect,
                    A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=r"C:\Windows\System32\cmd.exe"))),
                pdf.make_indirect(pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=rect,
                    A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI="http://phishing.example/ingia"))),
            ]
        )
    )  # fmt: skip
    photo = pikepdf.Stream(pdf, jpeg_bytes(8, 8))
    photo.Type, photo.Subtype, photo.Filter = pikepdf.Name.XObject, pikepdf.Name.Image, pikepdf.Name.DCTDecode
    photo.Width, photo.Height, photo.BitsPerComponent = 8, 8, 8
    photo.ColorSpace = pikepdf.Name.DeviceRGB
    photo.Metadata = pdf.make_stream(b"<x:xmpmeta><dc:creator>Amina Mwakyusa</dc:creator></x:xmpmeta>")
    page.Resources.XObject = pikepdf.Dictionary(Im0=photo)
    output = io.BytesIO()
    pdf.save(output, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False)
    return _incremental_update(output.getvalue(), pdf.Root.objgen[0]) + b"\n" + rb"C:\Users\amina\Desktop" + b"\n"


def _incremental_update(original: bytes, root: int) -> bytes:
    """`original` with an incremental update appended that gives the document a new information dictionary."""
    previous = int(re.findall(rb"startxref\s+(\d+)", original)[-1])
    number = 1000
    body = b"\n%d 0 obj\n<< /Author (Juma Mwakyusa) /Title (Barua) >>\nendobj\n" % number
    offset = len(original) + 1
    xref = len(original) + len(body)
    update = b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (number, offset)
    trailer = b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /Prev %d >>\n" % (number + 1, root, number, previous)
    return original + body + update + trailer + b"startxref\n%d\n%%%%EOF\n" % xref


def every_byte_of(content: bytes) -> bytes:
    """The document's bytes as stored, and every object and stream in it decoded, in lower case."""
    parts = [content]
    with pikepdf.open(io.BytesIO(content)) as pdf:
        parts.append(pdf.trailer.unparse())
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                photo = obj.get("/Filter") == pikepdf.Name.DCTDecode  # a JPEG is itself: no more text in it decoded
                parts += [obj.stream_dict.unparse(), obj.read_raw_bytes() if photo else obj.read_bytes()]
            elif isinstance(obj, pikepdf.Object):
                parts.append(obj.unparse())
    return b"\n".join(parts).lower()


def test_a_document_is_stored_without_anything_that_identifies_its_sender_or_runs(client, world, db, app):
    original = identifying_pdf()
    assert [secret for secret in SECRETS if secret not in every_byte_of(original)] == []
    with pikepdf.open(io.BytesIO(original)) as pdf:
        assert str(pdf.docinfo["/Author"]) == "Juma Mwakyusa"  # the update's, over the first version's Amina
    response = submit(client, [("barua.pdf", original)])
    assert response.status_code == 303
    [(attachment, content)] = stored(db, app)
    found = every_byte_of(content)
    assert [secret for secret in SECRETS if secret in found] == []
    with pikepdf.open(io.BytesIO(content)) as pdf:
        [page] = pdf.pages
        assert PAGE_TEXT.encode() in page.Contents.read_bytes()  # the letter itself is kept
        assert "/Im0" in page.Resources.XObject  # and its picture
        assert not pdf.docinfo and "/Metadata" not in pdf.Root and not pdf.attachments
        assert [str(annot.Subtype) for annot in page.Annots] == ["/FileAttachment", "/Text", "/Link", "/Link"]
    assert content.rstrip().endswith(b"%%EOF") and content.count(b"%%EOF") == 1
    assert (attachment.size, attachment.content_type) == (len(content), "application/pdf")


def test_a_document_protected_by_a_password_is_refused_and_one_only_restricted_is_stored_open(client, world, db, app):
    locked = pdf_bytes(encryption=pikepdf.Encryption(user="siri", owner="siri"))
    response = submit(client, [("ripoti.pdf", locked)])
    assert response.status_code == 422 and stored(db, app) == []
    html = response.get_data(as_text=True)
    assert "Hati ripoti.pdf imefungwa kwa nenosiri." in html and valid_submission()["description"] in html

    restricted = pdf_bytes(encryption=pikepdf.Encryption(user="", owner="siri", allow=pikepdf.Permissions()))
    assert submit(client, [("ripoti.pdf", restricted)]).status_code == 303
    [(_attachment, content)] = stored(db, app)
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert not pdf.is_encrypted and b"Barua" in pdf.pages[0].Contents.read_bytes()


@pytest.mark.one_backend
@pytest.mark.parametrize(
    "content",
    [
        pdf_bytes()[:300],  # cut off in the middle: a repaired copy would have lost its page
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # no pages at all
        b"%PDF-1.7\n" + os.urandom(2000),
    ],
)
def test_a_damaged_document_is_refused_with_a_plain_message(client, world, db, app, content):
    response = submit(client, [("nusu.pdf", content)])
    assert response.status_code == 422 and stored(db, app) == []
    assert "Hati nusu.pdf haikuweza kusomwa. Ichague tena, au tuma nyingine." in response.get_data(as_text=True)


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.one_backend
@pytest.mark.parametrize(
    ("streams", "inflated_mb"),
    [(1, 300), (80, 60)],  # one stream past what one may inflate to; many below it, 4.7 GB together
    ids=["one-stream", "many-streams"],
)
def test_a_document_that_inflates_a_thousandfold_is_refused_within_bounded_work(
    client, world, db, app, streams, inflated_mb
):
    bomb = pdf_bomb(streams, inflated_mb)
    assert len(bomb) < 5 * 1024 * 1024
    cpu_before = children_cpu_seconds()
    response = submit(client, [("bomu.pdf", bomb)])
    assert response.status_code == 422 and stored(db, app) == []
    assert "Hati bomu.pdf haikuweza kusomwa." in response.get_data(as_text=True)
    assert children_cpu_seconds() - cpu_before < 4  # the rewriting process may use 2 s; unbounded it took 10


# --- file names --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("identity", ["anonymous", "contact_hidden"])
def test_a_hidden_senders_files_are_stored_under_neutral_names_on_every_path(client, world, db, app, identity):
    files = [
        ("Juma_Mwakyusa_CV.pdf", pdf_bytes()),
        (r"C:\Users\amina\Pictures\Amina_Mwakyusa.JPG", jpeg_bytes()),
        ("skrini-ya-Amina.png", png_bytes()),
    ]
    response = submit(client, files, identity=identity, name="Amina Mwakyusa")
    assert response.status_code == 303
    reference = only_ticket(db).reference
    added = add_information(client, reference, "Barua ya pili.", [("Amina_barua_ya_pili.pdf", pdf_bytes())])
    assert added.status_code == 303
    rows = [row for row, _content in stored(db, app)]
    assert [row.filename for row in rows] == ["kiambatisho-1.pdf", "picha-2.jpg", "picha-3.png", "kiambatisho-4.pdf"]
    assert rows[3].message_id is not None
    page = client.get(f"/hoja/{reference}").get_data(as_text=True)
    download = client.get(f"/hoja/{reference}/viambatisho/{rows[1].id}")
    assert "picha-2.jpg" in download.headers["Content-Disposition"]
    for shown in (page, download.headers["Content-Disposition"]):
        assert "Amina" not in shown.replace("Amina Mwakyusa", "") and "Juma" not in shown


def test_a_named_senders_files_keep_their_names(client, world, db, app):
    assert submit(client, [("Juma_Mwakyusa_CV.pdf", pdf_bytes())]).status_code == 303
    assert [row.filename for row, _content in stored(db, app)] == ["Juma_Mwakyusa_CV.pdf"]


# --- photos: the work of decoding is bounded before it starts ------------------------------------------------------


@contextmanager
def peak_memory_rise() -> Iterator[list[float]]:
    """How far this process's resident memory rose at its peak within the block, in MB (Linux's high-water mark,
    reset as the block starts)."""
    Path("/proc/self/clear_refs").write_text("5")
    start = _status_mb("VmRSS")
    rise: list[float] = []
    yield rise
    rise.append(_status_mb("VmHWM") - start)


def _status_mb(field: str) -> float:
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def png_of_one_colour(side: int) -> bytes:
    """A side×side black PNG, compressed row by row: 7000 pixels square fit in 143 KB and decode to 147 MB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * side)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def png_of(image: Image.Image) -> bytes:
    output = io.BytesIO()
    image.save(output, "PNG")
    return output.getvalue()


@pytest.mark.one_backend
def test_a_png_bomb_is_refused_before_it_is_decoded(client, world, db, app):
    bomb = png_of_one_colour(7000)  # 49 megapixels: under the old limit, decoded it took 470 MB and 0.8 s
    assert len(bomb) < 150_000
    with peak_memory_rise() as rise:
        response = submit(client, [("bomu.png", bomb)] * 3)
    assert response.status_code == 422 and stored(db, app) == []
    assert "Picha bomu.png ina pikseli nyingi mno." in response.get_data(as_text=True)
    assert rise[0] < 50


@pytest.mark.one_backend
def test_a_png_over_24_megapixels_is_refused_however_well_it_is_compressed(client, world, db, app):
    scan = png_of(Image.effect_mandelbrot((5000, 4900), (-2.2, -1.4, 0.8, 1.4), 100))  # 24.5 MP, 27 samples a byte
    response = submit(client, [("skana.png", scan)])
    assert response.status_code == 422
    assert "Picha skana.png ina pikseli nyingi mno." in response.get_data(as_text=True)


@pytest.mark.one_backend
def test_pngs_of_honest_size_and_compression_are_kept(client, world, db, app):
    drawing = png_of(Image.effect_mandelbrot((3000, 1500), (-2.2, -1.2, 1.0, 1.2), 100).convert("RGB"))  # 4.5 MP
    blank_screenshot = png_of(Image.new("RGB", (1080, 2400), "white"))  # a thousand samples a byte, but small
    response = submit(client, [("mchoro.png", drawing), ("skrini.png", blank_screenshot)])
    assert response.status_code == 303
    sizes = []
    for _row, content in stored(db, app):
        with Image.open(io.BytesIO(content)) as image:
            sizes.append(image.size)
    assert sizes == [(2560, 1280), (1080, 2400)]


@pytest.mark.one_backend
def test_a_50_megapixel_phone_photo_is_taken_and_scaled_down(client, world, db, app):
    photo = jpeg_bytes(8160, 6120, quality=60)  # a 50-megapixel camera
    response = submit(client, [("IMG_20261206.jpg", photo)])
    assert response.status_code == 303
    [(_row, content)] = stored(db, app)
    with Image.open(io.BytesIO(content)) as image:
        assert image.size == (2560, 1920)


# --- what one ticket may hold ---------------------------------------------------------------------------------------


def noise_png(side: int) -> bytes:
    """A PNG of random pixels, which no compression shrinks: about 3 bytes a pixel, stored as it came."""
    return png_of(Image.frombytes("RGB", (side, side), os.urandom(3 * side * side)))


@pytest.fixture
def limits(app):
    """Change some of the application's limits for one test."""
    saved: dict[str, object] = {}

    def change(**values: object) -> None:
        for name, value in values.items():
            saved.setdefault(name, app.config[name])
            app.config[name] = value

    yield change
    app.config.update(saved)


def test_a_ticket_holds_at_most_its_number_of_attachments_and_the_typed_text_is_kept(client, world, db, app, limits):
    limits(MAX_TICKET_ATTACHMENTS=4)
    assert submit(client, [(f"p{i}.png", png_bytes()) for i in range(3)]).status_code == 303
    reference = only_ticket(db).reference
    refused = add_information(client, reference, "Picha za mita.", [("a.png", png_bytes()), ("b.png", png_bytes())])
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and len(stored(db, app)) == 3
    assert "Hoja moja inaweza kuwa na viambatisho visivyozidi 4, na hii ina 3." in html
    assert "Picha za mita." in html
    assert add_information(client, reference, "Picha za mita.", [("a.png", png_bytes())]).status_code == 303
    assert add_information(client, reference, "Bila picha sasa.").status_code == 303  # text is always welcome
    assert len(stored(db, app)) == 4


def test_a_ticket_holds_at_most_its_bytes_of_attachments(client, world, db, app, limits):
    limits(MAX_TICKET_ATTACHMENT_BYTES=1024 * 1024)
    picture = noise_png(400)  # about 480 KB
    refused = submit(client, [("a.png", picture), ("b.png", picture), ("c.png", picture)])
    assert refused.status_code == 422
    assert "Viambatisho vya hoja moja visizidi 1 MB kwa jumla" in refused.get_data(as_text=True)
    assert submit(client, [("a.png", picture)]).status_code == 303
    reference = only_ticket(db).reference
    assert add_information(client, reference, "Ya pili.", [("b.png", picture)]).status_code == 303
    refused = add_information(client, reference, "Ya tatu.", [("c.png", picture)])
    assert refused.status_code == 422 and "Ya tatu." in refused.get_data(as_text=True)
    assert len(stored(db, app)) == 2 and sum(row.size for row, _content in stored(db, app)) <= 1024 * 1024


def test_an_oversized_request_to_add_information_gets_the_friendly_413_page(client, world, db, app):
    assert submit(client, []).status_code == 303
    reference = only_ticket(db).reference
    response = client.post(
        f"/hoja/{reference}",
        input_stream=io.BytesIO(b"x" * 100),
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(50 * 1024 * 1024)},
    )
    assert response.status_code == 413 and "Ulichotuma ni 50 MB" in response.get_data(as_text=True)
