"""Citizens' personal data under the Personal Data Protection Act 2022: retention, legal holds, consent, access."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The citizen's pages for their data and requests, the staff's data requests and legal holds (added to the staff
    blueprint, so before it is registered), the citizen's message on a decision, the subjects of requests' own tickets,
    and the nightly erasure."""
    from wananchi.privacy import tasks  # noqa: F401  (huey knows the domain's tasks once they are imported)
    from wananchi.privacy.handlers import connect_handlers
    from wananchi.privacy.requests import request_of, shown_request_subject, waiting_requests
    from wananchi.privacy.views import bp
    from wananchi.tickets.models import TicketType
    from wananchi.tickets.subjects import draw_subjects_of

    app.register_blueprint(bp)
    app.add_template_global(waiting_requests, "waiting_data_requests")  # the supervisors' dashboard tile
    app.add_template_global(request_of, "data_request_of")  # a request's own ticket links to its decision
    draw_subjects_of(TicketType.DATA_REQUEST, shown_request_subject)  # in the page's language
    connect_handlers()
