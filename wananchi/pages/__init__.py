"""Public pages that belong to no other domain: home, help, privacy, accessibility, language switch, health check."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The public pages."""
    from wananchi.pages.views import bp

    app.register_blueprint(bp)
