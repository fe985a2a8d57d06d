"""The submit page's own layers with nothing stored: a floor under the submit path, beside the ceiling.

Wananchi's production app, except that its submit view gets each receipt from a stub instead of
`submit_ticket`: what remains is the form (parsing, the CSRF check, validation), the session, the
security headers and the redirect. No ticket, number, message or history is written. Served by gunicorn
as `layers_app:create_app()`, with the same environment as the app.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from flask import Flask

from wananchi import create_app as create_wananchi
from wananchi.tickets import views
from wananchi.tickets.services import Receipt, Submission


def create_app() -> Flask:
    """The app whose submissions are validated and confirmed, and never stored."""
    numbers = itertools.count(1)

    def store_nothing(submission: Submission, **_options: object) -> Receipt:  # refuse_repeats: nothing is stored
        number = next(numbers)
        ticket = SimpleNamespace(id=number, reference=f"WN-2026-{number:06d}", tracking_code_version=0)
        return Receipt(ticket=ticket, tracking_code="0000000000", created=True)  # type: ignore[arg-type]

    views.submit_ticket = store_nothing  # type: ignore[assignment]
    return create_wananchi()
