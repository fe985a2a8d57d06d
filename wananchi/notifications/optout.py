"""Phones that asked for no more SMS: a phone that sends ACHA or STOP gets none until it sends ANZA or START."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select

from wananchi.core.db import utcnow
from wananchi.extensions import db
from wananchi.notifications.models import SmsOptOut


def stopped_phones(phones: list[str]) -> set[str]:
    """Those of `phones` that asked for no more SMS."""
    if not phones:
        return set()
    return set(db.session.scalars(select(SmsOptOut.phone).where(SmsOptOut.phone.in_(phones))))


def stop_sms(phone: str, now: dt.datetime | None = None) -> None:
    """No more SMS to `phone` (an E.164 number), from now on; asking again changes nothing."""
    if not stopped_phones([phone]):
        db.session.add(SmsOptOut(phone=phone, created_at=now or utcnow()))
        db.session.flush()


def resume_sms(phone: str) -> None:
    """SMS to `phone` again."""
    db.session.execute(delete(SmsOptOut).where(SmsOptOut.phone == phone))
