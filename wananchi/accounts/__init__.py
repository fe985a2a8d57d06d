"""Staff accounts: officers, supervisors, oversight users and administrators; login and two-factor codes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Log-in (Flask-Login), the login and account pages, the password-reset task and the role labels."""
    from wananchi.accounts import tasks  # noqa: F401  (huey knows the domain's tasks once they are imported)
    from wananchi.accounts.auth import init_auth
    from wananchi.accounts.labels import ROLE_LABELS
    from wananchi.accounts.views import account_bp, bp

    init_auth(app)
    app.register_blueprint(bp)
    app.register_blueprint(account_bp)
    app.jinja_env.globals.update(role_labels=ROLE_LABELS)
