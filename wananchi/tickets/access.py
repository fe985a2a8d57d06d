"""Who saw what: every view of a ticket's personal data by staff (its page, its files, its contact details, a read
through the API), every export holding it and every search by a citizen's phone or e-mail is written to the audit
log, which administrators and auditors list by person, ticket and period."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from wananchi.core.audit import Subject, record

if TYPE_CHECKING:
    from wananchi.accounts.models import User
    from wananchi.tickets.models import Ticket

# The audit actions of access to personal data (the audit page's "access to personal data" filter).
VIEW_TICKET = "view_ticket"
VIEW_CONTACT = "view_contact"
VIEW_ATTACHMENT = "view_attachment"
EXPORT_TICKET = "export_ticket"
SEARCH_CONTACT = "search_contact"
ACCESS_ACTIONS = (VIEW_TICKET, VIEW_CONTACT, VIEW_ATTACHMENT, EXPORT_TICKET, SEARCH_CONTACT)


def record_access(actor: User | None, action: str, ticket: Ticket, **details: Any) -> None:
    """Write to the audit log that `actor` saw (or exported) `ticket`'s personal data, and how (no actor: an
    institution's system through its integration key, named in `details`)."""
    record(actor.id if actor is not None else None, action, ticket, {"reference": ticket.reference, **details})


def contact_kind(search: str) -> str:
    """ "email" or "phone": what a search by a citizen's contact was by."""
    from wananchi.tickets.queue import search_contact

    contact = search_contact(search)
    return contact[0] if contact else "contact"


def record_contact_search(
    actor: User | None, kind: str, found: Sequence[Ticket], *, via: str = "web", **details: Any
) -> None:
    """Write to the audit log a search by a citizen's phone or e-mail (`kind`) and the tickets it found; the typed
    value itself is not kept (it is personal data, and the tickets found name it)."""
    record(
        actor.id if actor is not None else None,
        SEARCH_CONTACT,
        Subject("Search", kind),
        {"by": kind, "via": via, "found": [ticket.reference for ticket in found], **details},
    )
