"""How long the phone channels keep an SMS received: INBOUND_SMS_RETENTION_DAYS after it arrived, then the daily
retention job (wananchi/privacy/retention.py) deletes it, its number and text with it. The ticket it became keeps
its own text (and loses its contact details with the ticket's own retention); a gateway resends an SMS within
minutes, so the gateway's id is not needed longer to act on each SMS once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import current_app
from sqlalchemy import delete, select

from wananchi.extensions import db
from wananchi.phone.models import InboundSms
from wananchi.privacy import signals

BATCH = 500


def erase_old_inbound_sms(commit: Callable[[], None], now: dt.datetime) -> int:
    """Delete the SMS received more than INBOUND_SMS_RETENTION_DAYS before `now`, BATCH at a time in id order,
    committing after each; how many. Running it again deletes nothing more."""
    cutoff = now - dt.timedelta(days=int(current_app.config["INBOUND_SMS_RETENTION_DAYS"]))
    deleted = 0
    while True:
        ids = list(
            db.session.scalars(
                select(InboundSms.id).where(InboundSms.received_at <= cutoff).order_by(InboundSms.id).limit(BATCH)
            )
        )
        if not ids:
            return deleted
        db.session.execute(delete(InboundSms).where(InboundSms.id.in_(ids)))
        deleted += len(ids)
        commit()


def _on_retention_due(now: dt.datetime, *, commit: Callable[[], None], **_: Any) -> dict[str, int]:
    return {"inbound_sms": erase_old_inbound_sms(commit, now)}


def connect_handlers() -> None:
    """Erase the SMS received past their period when the daily retention job runs (once)."""
    signals.retention_due.connect(_on_retention_due, weak=False)
