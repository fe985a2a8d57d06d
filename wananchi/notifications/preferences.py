"""Staff notification preferences: e-mail, SMS or both for each kind of event, and a daily digest of warnings."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from wananchi.accounts.models import User
from wananchi.core.contact import InvalidContact, normalise_phone
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.notifications.models import Channel, NotificationPreference

STAFF_EVENTS = ("assignment", "citizen_message", "sla_warning", "sla_overdue", "escalation")
DIGEST_EVENTS = frozenset({"sla_warning"})


@dataclass(frozen=True)
class Choice:
    """What a user chose for one kind of event."""

    email: bool = True
    sms: bool = False
    digest: bool = False


def preference(user: User, event: str) -> Choice:
    """The user's choice for `event`: their stored row, or e-mail one message at a time."""
    row = db.session.get(NotificationPreference, (user.id, event))
    if row is None:
        return Choice()
    return Choice(email=row.email, sms=row.sms, digest=row.digest and event in DIGEST_EVENTS)


def channels_for(user: User, event: str) -> set[Channel]:
    """The channels `user` wants for `event`: e-mail by default; SMS only if they have a phone number."""
    choice = preference(user, event)
    channels = set()
    if choice.email:
        channels.add(Channel.EMAIL)
    if choice.sms and user.phone:
        channels.add(Channel.SMS)
    return channels


def wants_digest(user: User, event: str) -> bool:
    """Whether `event` waits for the user's daily digest instead of being sent at once."""
    return preference(user, event).digest


def save_preferences(user: User, choices: dict[str, Choice], phone: str) -> None:
    """Store the user's phone number and their choice for every staff event; SMS needs a phone number."""
    phone = phone.strip()
    try:
        normalised = normalise_phone(phone) if phone else None
    except InvalidContact as error:
        raise DomainError(_("Write a valid phone number, for example 0712 345 678."), field="phone") from error
    if normalised is None and any(choice.sms for choice in choices.values()):
        raise DomainError(_("Add your phone number to receive SMS."), field="phone")
    user.phone = normalised
    for event in STAFF_EVENTS:
        choice = choices.get(event, Choice())
        row = db.session.get(NotificationPreference, (user.id, event))
        if row is None:
            row = NotificationPreference(user_id=user.id, event=event)
            db.session.add(row)
        row.email, row.sms, row.digest = choice.email, choice.sms, choice.digest and event in DIGEST_EVENTS
    db.session.flush()
