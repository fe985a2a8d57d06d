"""Open311 GeoReport v2 under /open311/v2/: services are categories, service requests are tickets."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The Open311 endpoints."""
    from wananchi.open311.views import bp

    app.register_blueprint(bp)
