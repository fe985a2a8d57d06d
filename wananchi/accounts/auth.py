"""Flask-Login wiring: loading users by id and session token, and login required outside an allow-list."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from wananchi.core.numbers import whole_number
from wananchi.extensions import db, login_manager

# Blueprints anyone may open; every other page needs a logged-in user (deny by default).
# "devmail" (the caught-mail page) exists only in development (wananchi/notifications/devmail.py).
# The API's blueprints ("api", "api_public", "api_staff") authenticate by token themselves (wananchi/api/auth.py).
PUBLIC_BLUEPRINTS = frozenset(
    {"pages", "tickets", "auth", "statistics", "devmail", "open311", "api", "api_public", "api_staff"}
)
PUBLIC_ENDPOINTS = frozenset({"static"})


@login_manager.user_loader
def load_user(user_id: str):  # type: ignore[no-untyped-def]
    """The user for a session or remember-me cookie, if its session token is still the current one."""
    from wananchi.accounts.models import User

    numeric_id, _sep, token = user_id.partition(":")
    number = whole_number(numeric_id)
    if number is None or not token:
        return None
    user = db.session.get(User, number)
    if user is None or user.session_token != token or not user.active:
        return None
    return user


def init_auth(app: Flask) -> None:
    """Configure Flask-Login and require a login for every non-public page."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"  # mobile networks change addresses: "strong" would log people out

    @app.before_request
    def _require_login():  # type: ignore[no-untyped-def]
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if request.blueprint in PUBLIC_BLUEPRINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None
