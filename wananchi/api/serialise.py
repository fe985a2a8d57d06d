"""Plain dictionaries of tickets, institutions and categories, in the shape of the API's schemas."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask_babel import force_locale

from wananchi.core.i18n import localized_name
from wananchi.institutions.models import Category, Institution
from wananchi.tickets.labels import MESSAGE_AUTHORS
from wananchi.tickets.models import Ticket, TicketMessage
from wananchi.tickets.progress import citizen_progress


def institution_dict(institution: Institution, language: str) -> dict[str, Any]:
    """An institution with both names and the one in the requested language."""
    return {
        "slug": institution.slug,
        "kind": str(institution.kind),
        "name_sw": institution.name_sw,
        "name_en": institution.name_en,
        "name": localized_name(institution, language),
        "parent": institution.parent.slug if institution.parent is not None else None,
    }


def category_dict(category: Category, language: str) -> dict[str, Any]:
    """A category (service) with both names and its responsible institution."""
    return {
        "code": category.code,
        "name_sw": category.name_sw,
        "name_en": category.name_en,
        "name": localized_name(category, language),
        "institution": category.institution.slug,
        "is_local": category.is_local,
    }


def _staff_message_dict(message: TicketMessage) -> dict[str, Any]:
    return {
        "kind": str(message.kind),
        "body": message.body,
        "author": message.author_name,
        "created_at": message.created_at,
        "author_id": message.author_id,
    }


def public_message_dict(message: TicketMessage, language: str) -> dict[str, Any]:
    """A message as the citizen's tracking page shows it: from them ("You") or from the institution, never an
    officer's name."""
    with force_locale(language):
        author = str(MESSAGE_AUTHORS[message.kind])
    return {"kind": str(message.kind), "body": message.body, "author": author, "created_at": message.created_at}


def tracked_ticket_dict(ticket: Ticket, language: str) -> dict[str, Any]:
    """What the citizen's tracking page shows of their ticket: no internal notes, no officers' names, and no
    change they cannot see (`updated_at` is the latest step or message shown, not an officer's latest note). A
    duplicate merged into another ticket shows that ticket's status and resolution summary (written for every
    merged citizen), not its messages."""
    with force_locale(language):
        progress = [dataclasses.asdict(step) for step in citizen_progress(ticket)]
    messages = ticket.public_messages
    shown = [ticket.created_at, *(step["at"] for step in progress), *(message.created_at for message in messages)]
    survivor = ticket.survivor
    return {
        "reference": ticket.reference,
        "type": str(ticket.type),
        "status": str(ticket.status),
        "subject": ticket.subject,
        "description": ticket.description,
        "institution": institution_dict(ticket.institution, language),
        "resolution_summary": (survivor or ticket).resolution_summary,
        "merged_into": survivor.reference if survivor is not None else None,
        "merged_into_status": str(survivor.status) if survivor is not None else None,
        "created_at": ticket.created_at,
        "updated_at": max(shown),
        "messages": [public_message_dict(message, language) for message in messages],
        "progress": progress,
    }


def queue_item_dict(ticket: Ticket, language: str) -> dict[str, Any]:
    """One row of the queue."""
    return {
        "reference": ticket.reference,
        "type": str(ticket.type),
        "status": str(ticket.status),
        "subject": ticket.subject,
        "institution": ticket.institution.slug,
        "assignee": ticket.assignee.name if ticket.assignee is not None else None,
        "district": ticket.district.code if ticket.district is not None else None,
        "created_at": ticket.created_at,
        "next_due_at": ticket.next_due_at,
        "version": ticket.version,
    }


def staff_ticket_dict(ticket: Ticket, language: str) -> dict[str, Any]:
    """The officer's view of a ticket: thread with notes, and history (contact details are not included)."""
    return {
        "reference": ticket.reference,
        "type": str(ticket.type),
        "status": str(ticket.status),
        "channel": str(ticket.channel),
        "language": ticket.language,
        "subject": ticket.subject,
        "description": ticket.description,
        "category": ticket.category.code if ticket.category is not None else None,
        "institution": institution_dict(ticket.institution, language),
        "district": ticket.district.code if ticket.district is not None else None,
        "assignee": ticket.assignee.name if ticket.assignee is not None else None,
        "assignee_id": ticket.assignee_id,
        "identity": str(ticket.identity),
        "publication_consent": ticket.publication_consent,
        "text_is_public": ticket.text_is_public,
        "resolution_summary": ticket.resolution_summary,
        "outcome": str(ticket.outcome) if ticket.outcome is not None else None,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "next_due_at": ticket.next_due_at,
        "version": ticket.version,
        "messages": [_staff_message_dict(m) for m in ticket.messages],
        "events": [
            {"kind": str(e.kind), "actor": e.actor, "created_at": e.created_at, "data": e.data or {}}
            for e in ticket.events
        ],
    }
