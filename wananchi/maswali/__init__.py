"""Maswali: answered questions and articles an institution publishes for every citizen to read."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The public Maswali pages and sitemap, the officers' editor, and the finder the submit form asks for the
    published answers closest to a ticket about to be sent."""
    from wananchi.maswali.matching import PublishedAnswerFinder
    from wananchi.maswali.staff_views import bp as staff_bp
    from wananchi.maswali.views import bp
    from wananchi.tickets.answers import ANSWER_FINDER

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.extensions[ANSWER_FINDER] = PublishedAnswerFinder()
