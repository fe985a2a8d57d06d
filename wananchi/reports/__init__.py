"""Reports: read-only figures of tickets, for staff and the public."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The staff reports, the public statistics, and the task that keeps slow reports' snapshots fresh."""
    from wananchi.reports import tasks  # noqa: F401  (huey knows the domain's tasks once they are imported)
    from wananchi.reports.public import bp as statistics_bp
    from wananchi.reports.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(statistics_bp)
