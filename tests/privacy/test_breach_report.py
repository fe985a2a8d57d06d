"""Ready for a breach: the command lists every contact that could have been exposed at the institutions in the
period (submitted, changed or read in it; not erased before it) and writes the messages in Swahili and English to
files for review, sending nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from sqlalchemy import func, select

from tests.world import build_staff, build_world, complaint
from wananchi.core.audit import AuditEntry, record
from wananchi.notifications.models import OutboxMessage
from wananchi.tickets import actions
from wananchi.tickets.models import Identity
from wananchi.tickets.services import submit_ticket

BEFORE = dt.datetime(2026, 2, 10, 7, tzinfo=dt.UTC)
IN_PERIOD = dt.datetime(2026, 3, 10, 7, tzinfo=dt.UTC)  # the period: 1-31 March 2026, Dar es Salaam time
AFTER = dt.datetime(2026, 4, 10, 7, tzinfo=dt.UTC)


def named(world, email: str, phone: str | None = None, **overrides):
    return complaint(world, identity=Identity.NAMED, name="Asha Juma", email=email, phone=phone, **overrides)


@pytest.fixture
def tickets(app, db):
    world = build_world()
    staff = build_staff(world)
    with time_machine.travel(IN_PERIOD, tick=False):
        submitted = submit_ticket(named(world, "asha@example.co.tz", "+255712345678")).ticket
        anonymous = submit_ticket(complaint(world)).ticket
        elsewhere = submit_ticket(
            named(world, "juma@example.co.tz", category=world.local_service, district=world.district)
        ).ticket
    with time_machine.travel(BEFORE, tick=False):
        viewed = submit_ticket(named(world, "baraka@example.co.tz")).ticket
        untouched = submit_ticket(named(world, "neema@example.co.tz")).ticket
        changed_after = submit_ticket(named(world, "zawadi@example.co.tz")).ticket
    with time_machine.travel(IN_PERIOD + dt.timedelta(days=1), tick=False):
        record(staff.officer_a.id, "view_ticket", viewed, {"reference": viewed.reference, "via": "page"})
        db.session.flush()
    with time_machine.travel(AFTER, tick=False):
        actions.claim_ticket(changed_after, actor=staff.officer_a)
    db.session.commit()
    return world, {
        "submitted": submitted,
        "anonymous": anonymous,
        "elsewhere": elsewhere,
        "viewed": viewed,
        "untouched": untouched,
        "changed_after": changed_after,
    }


def read_csv(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8").lstrip("\ufeff"))))


def test_the_report_lists_the_exposed_contacts_and_writes_both_languages_without_sending(app, db, tickets, tmp_path):
    world, t = tickets
    outbox_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    folder = tmp_path / "uvujaji"
    result = app.test_cli_runner().invoke(
        args=[
            "wananchi",
            "breach-report",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--institution",
            world.agency.slug,
            "--output",
            str(folder),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "3 tickets could have been exposed; 2 with a contact, 1 without; 3 messages written, none sent." in (
        result.output
    )
    contacts = read_csv(folder / "contacts.csv")
    assert [row["reference"] for row in contacts] == [t["submitted"].reference, t["viewed"].reference]
    assert (
        contacts[0]["email"] == "asha@example.co.tz" and contacts[0]["phone"] == "'+255712345678"
    )  # "+" leads a formula
    messages = read_csv(folder / "messages.csv")
    assert [(m["reference"], m["channel"], m["recipient"]) for m in messages] == [
        (t["submitted"].reference, "email", "asha@example.co.tz"),
        (t["submitted"].reference, "sms", "'+255712345678"),
        (t["viewed"].reference, "email", "baraka@example.co.tz"),
    ]
    email = messages[0]
    assert email["subject"].startswith(f"Taarifa kuhusu taarifa zako binafsi ({t['submitted'].reference})")
    assert f"Notice about your personal data ({t['submitted'].reference})" in email["subject"]
    swahili, english = email["body"].split("\n\n---\n\n")
    assert "Ndugu mwananchi" in swahili and "Tume ya Ulinzi wa Taarifa Binafsi" in swahili
    assert "Dear citizen" in english and "01/03/2026 00:00" in english and "01/04/2026 00:00" in english
    assert "your name, your e-mail address, your phone number, the text of your ticket" in english
    assert "msaada@wananchi.go.tz" in english
    sms = messages[1]["body"].split("\n")
    assert len(sms) == 2 and t["submitted"].reference in sms[0] and sms[1].startswith("Personal data of your ticket")
    summary = (folder / "summary.txt").read_text(encoding="utf-8")
    assert "NOTHING HAS BEEN SENT" in summary and "Tickets that could have been exposed: 3" in summary
    assert (folder / "contacts.csv").stat().st_mode & 0o777 == 0o600
    # Nothing was sent or queued; the run is in the audit log.
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == outbox_before
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "breach_report")).all()
    assert entry.changes["tickets"] == 3 and entry.changes["institutions"] == [world.agency.slug]


def test_everything_held_counts_the_untouched_but_not_the_erased_or_those_after_the_period(app, db, tickets, tmp_path):
    world, t = tickets
    t["untouched"].personal_data_erased_at = dt.datetime(2026, 2, 20, tzinfo=dt.UTC)
    t["untouched"].citizen_email = None
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=[
            "wananchi",
            "breach-report",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--institution",
            world.agency.slug,
            "--institution",
            world.council.slug,
            "--everything-held",
            "--output",
            str(tmp_path),
        ]
    )
    assert result.exit_code == 0, result.output
    references = {row["reference"] for row in read_csv(tmp_path / "contacts.csv")}
    assert references == {
        t["submitted"].reference,
        t["elsewhere"].reference,
        t["viewed"].reference,
        t["changed_after"].reference,
    }


def test_bad_arguments_are_refused_with_a_message(app, db, tickets, tmp_path):
    runner = app.test_cli_runner()
    base = ["wananchi", "breach-report", "--output", str(tmp_path)]
    unknown = runner.invoke(args=[*base, "--from", "2026-03-01", "--to", "2026-03-31", "--institution", "hakuna"])
    assert unknown.exit_code == 2 and "no institution with slug 'hakuna'" in unknown.output
    backwards = runner.invoke(args=[*base, "--from", "2026-03-31", "--to", "2026-03-01", "--institution", "taifa"])
    assert backwards.exit_code == 2 and "ends before it starts" in backwards.output
    nonsense = runner.invoke(args=[*base, "--from", "jana", "--to", "2026-03-01", "--institution", "taifa"])
    assert nonsense.exit_code == 2 and "YYYY-MM-DD" in nonsense.output
