"""Reports split by every channel, tickets taken by phone and by staff included, and count the SMS sent per
institution with their segments and cost."""

from __future__ import annotations

import datetime as dt

from flask_babel import force_locale

from tests.notifications.setting import build_setting, eat
from tests.world import complaint
from wananchi.extensions import db as _db
from wananchi.notifications.models import Channel as MessageChannel
from wananchi.notifications.models import OutboxMessage, OutboxStatus
from wananchi.reports.periods import Period
from wananchi.reports.queries import build_report
from wananchi.reports.tables import split_tables, summary_table
from wananchi.tickets.models import Channel
from wananchi.tickets.services import submit_ticket

MONDAY = eat(2026, 11, 23, 9, 0)


def test_every_channel_and_the_sms_with_their_cost(app, db):
    setting = build_setting()
    world = setting.world
    for channel in (Channel.USSD, Channel.USSD, Channel.SMS, Channel.TELEPHONE, Channel.WALK_IN, Channel.LETTER):
        submit_ticket(complaint(world, channel=channel), now=MONDAY)
    ticket = submit_ticket(complaint(world, channel=Channel.WEB), now=MONDAY).ticket
    for segments, status in ((1, OutboxStatus.SENT), (3, OutboxStatus.SENT), (2, OutboxStatus.FAILED)):
        _db.session.add(
            OutboxMessage(
                event="reply",
                channel=MessageChannel.SMS,
                recipient="+255712345678",
                language="sw",
                body_text="Jibu",
                ticket_id=ticket.id,
                status=status,
                sent_at=MONDAY + dt.timedelta(hours=1) if status == OutboxStatus.SENT else None,
                sms_segments=segments if status == OutboxStatus.SENT else None,
            )
        )
    _db.session.commit()
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30), "custom")
    report = build_report([world.agency.id], period, now=MONDAY + dt.timedelta(days=1))
    by_channel = {key: figures.received for key, figures in report.splits["channel"].items()}
    assert by_channel == {"ussd": 2, "sms": 1, "telephone": 1, "walk_in": 1, "letter": 1, "web": 1}
    assert (report.total.sms_sent, report.total.sms_segments) == (2, 4)  # the failed one was not paid for
    with force_locale("sw"):
        rows = {row[0]: row[1] for row in summary_table(report).rows}
        channel_table = next(table for table in split_tables(report) if table.name == "by_channel")
        names = {row[0] for row in channel_table.rows}
    assert rows["SMS zilizotumwa"] == 2 and rows["Sehemu za SMS"] == 4 and rows["Gharama ya SMS (TZS)"] == 76.0
    assert {"USSD", "Ujumbe mfupi (SMS)", "Simu (kituo cha huduma kwa simu)", "Barua", "Tovuti"} <= names
    app.config["SMS_PRICE_TZS"] = 25
    try:
        with force_locale("en"):
            assert {row[0]: row[1] for row in summary_table(report).rows}["SMS cost (TZS)"] == 100.0
    finally:
        app.config["SMS_PRICE_TZS"] = 19
