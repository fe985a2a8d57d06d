"""The phone channels: the USSD menu, two-way SMS, the gateways' authentication and a terminal phone for developers."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The gateways' callbacks, the task that forgets expired USSD state, the erasure of old SMS received (with the
    daily retention job), and in development the page of caught messages (/dev/barua: in debug mode or with
    DEV_MAIL_PAGE, never in production)."""
    from wananchi.phone import tasks  # noqa: F401  (huey knows the domain's tasks once they are imported)
    from wananchi.phone.dev_page import bp as dev_page_bp
    from wananchi.phone.retention import connect_handlers
    from wananchi.phone.views import bp

    app.register_blueprint(bp)
    connect_handlers()
    if app.debug or app.config.get("DEV_MAIL_PAGE"):
        app.register_blueprint(dev_page_bp)
