"""Actions on several tickets at once: each ticket goes through its own single-ticket service, one by one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.tickets.models import Ticket

MAX_BULK_TICKETS = 50  # one page of the queue


@dataclasses.dataclass
class BulkOutcome:
    """Which tickets changed, and which were refused with the reason the service gave."""

    done: list[str] = dataclasses.field(default_factory=list)
    refused: list[tuple[str, str]] = dataclasses.field(default_factory=list)


def apply_to_each(tickets: Iterable[Ticket], change: Callable[[Ticket], object]) -> BulkOutcome:
    """Run `change` on each ticket in a savepoint of its own: a ticket the service refuses (not permitted, changed
    since the queue was read, not possible in its status) is rolled back alone and listed with the reason; the
    others keep their change, their history, clock and messages exactly as one by one."""
    outcome = BulkOutcome()
    for ticket in tickets:
        reference = ticket.reference
        try:
            with db.session.begin_nested():
                change(ticket)
        except DomainError as error:
            outcome.refused.append((reference, error.message))
        except StaleDataError:  # another officer's change was written while this one was being written
            outcome.refused.append((reference, _("It was changed by someone else at the same moment.")))
        else:
            outcome.done.append(reference)
    return outcome
