"""`flask wananchi clean-attachments`: files stored before documents were rewritten and hidden senders' files
renamed are cleaned once, in place."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from sqlalchemy import select

from tests.helpers import pdf_bytes
from tests.tickets.test_attachments import SECRETS, every_byte_of, identifying_pdf, only_ticket, submit
from tests.tickets.test_submit import png_bytes
from tests.world import build_world
from wananchi.tickets.models import Attachment, Ticket


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


def stored_as_before(db, app, ticket: Ticket, files: list[tuple[str, str, bytes]]) -> None:
    """Store files on `ticket` as the service did before this cleaning: their own names, their bytes as sent."""
    for number, (name, content_type, content) in enumerate(files):
        stored_name = f"{ticket.id:04d}{number:028d}.bin"
        Path(app.config["UPLOAD_FOLDER"], stored_name).write_bytes(content)
        db.session.add(
            Attachment(
                ticket_id=ticket.id,
                filename=name,
                stored_name=stored_name,
                content_type=content_type,
                size=len(content),
            )
        )
    db.session.commit()


def test_stored_documents_are_rewritten_and_hidden_senders_files_renamed_once(client, world, db, app):
    assert submit(client, [("picha.png", png_bytes())], identity="anonymous").status_code == 303
    anonymous = only_ticket(db)
    assert submit(client, [], subject="Hoja yenye jina").status_code == 303
    named = db.session.scalar(select(Ticket).where(Ticket.id != anonymous.id))
    anonymous.attachments[0].filename = "Amina_Mwakyusa.png"  # as it was stored before
    db.session.commit()
    damaged = pdf_bytes()[:300]
    stored_as_before(db, app, anonymous, [("Juma_Mwakyusa_CV.pdf", "application/pdf", identifying_pdf())])
    stored_as_before(
        db, app, named, [("barua.pdf", "application/pdf", identifying_pdf()), ("nusu.pdf", "application/pdf", damaged)]
    )

    runner = app.test_cli_runner()
    first = runner.invoke(args=["wananchi", "clean-attachments"])
    assert first.exit_code == 0, first.output
    rows = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
    assert [row.filename for row in rows] == ["picha-1.png", "kiambatisho-2.pdf", "barua.pdf", "nusu.pdf"]
    assert first.output.splitlines() == [
        "Renamed 2 files; rewrote 2 documents.",
        f"Documents that could not be rewritten, kept as they were (attachment ids): {rows[3].id}",
    ]
    for row in rows[1:3]:
        content = Path(app.config["UPLOAD_FOLDER"], row.stored_name).read_bytes()
        assert [secret for secret in SECRETS if secret in every_byte_of(content)] == []
        assert row.size == len(content)
        with pikepdf.open(io.BytesIO(content)) as pdf:
            assert len(pdf.pages) == 1
    assert Path(app.config["UPLOAD_FOLDER"], rows[3].stored_name).read_bytes() == damaged
    assert sorted(p.name for p in Path(app.config["UPLOAD_FOLDER"]).iterdir()) == sorted(r.stored_name for r in rows)

    again = runner.invoke(args=["wananchi", "clean-attachments"])
    assert again.output.splitlines()[0] == "Renamed 0 files; rewrote 0 documents."
