"""The subject a page shows for a ticket: the citizen's own words, as stored; or, for a ticket the service wrote itself
(a request about personal data), a subject drawn again in the page's language by the domain that wrote it, since a
stored subject stays in the language it was written in."""

from __future__ import annotations

from collections.abc import Callable

from wananchi.tickets.models import Ticket, TicketType

SubjectDrawer = Callable[[Ticket], str | None]

_drawers: dict[TicketType, SubjectDrawer] = {}


def draw_subjects_of(ticket_type: TicketType, drawer: SubjectDrawer) -> None:
    """Have `drawer` write the shown subject of tickets of `ticket_type` (when it returns None, the stored one is
    shown)."""
    _drawers[ticket_type] = drawer


def shown_subject(ticket: Ticket) -> str:
    """The subject of `ticket` as a page shows it, in the page's language where the service wrote it."""
    drawer = _drawers.get(ticket.type)
    return (drawer(ticket) if drawer is not None else None) or ticket.subject
