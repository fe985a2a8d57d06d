"""Flask-Login wiring: loading users by id and session token, staff sessions that expire, and login required
outside an allow-list."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from wananchi.core.numbers import whole_number
from wananchi.extensions import db, login_manager

# Blueprints anyone may open; every other page needs a logged-in user (deny by default).
# "devmail" (the caught-mail page) exists only in development (wananchi/phone/dev_page.py).
# The API's blueprints ("api", "api_public", "api_staff") authenticate by token themselves (wananchi/api/auth.py),
# the phone gateways' callbacks ("phone") by their shared secret (wananchi/phone/gateway.py), and the metrics
# ("ops") by their token (wananchi/ops/views.py; readiness tells nothing but which service is down).
PUBLIC_BLUEPRINTS = frozenset(
    {
        "pages",
        "tickets",
        "auth",
        "statistics",
        "devmail",
        "open311",
        "api",
        "api_public",
        "api_staff",
        "phone",
        "ops",
        "privacy",
        "maswali",
    }
)
PUBLIC_ENDPOINTS = frozenset({"static"})
# When this browser's login started and when it last made a request (Unix seconds, in the signed session).
LOGIN_STARTED, LOGIN_SEEN = "login_started", "login_seen"
SEEN_RESOLUTION = 60  # the last request's time is written again at most once a minute


def start_staff_session() -> None:
    """Start the clocks of a new login's session (call just after login_user)."""
    now = int(time.time())
    session[LOGIN_STARTED] = session[LOGIN_SEEN] = now


def _session_expired(now: float) -> bool:
    """Whether the logged-in session has been idle too long, has lasted too long, or never had its clocks."""
    started, seen = session.get(LOGIN_STARTED), session.get(LOGIN_SEEN)
    if not isinstance(started, int) or not isinstance(seen, int):
        return True
    config = current_app.config
    idle = config["STAFF_SESSION_IDLE_TIMEOUT"].total_seconds()
    return now - seen > idle or now - started > config["STAFF_SESSION_MAX_AGE"].total_seconds()


def _expire_staff_sessions() -> None:
    """End a login idle for longer than STAFF_SESSION_IDLE_TIMEOUT or older than STAFF_SESSION_MAX_AGE (ASVS
    3.3.2); otherwise note this request's time. Runs before anything reads the current user."""
    if "_user_id" not in session:
        return
    now = time.time()
    if _session_expired(now):
        session.clear()
        logout_user()  # after the clearing, so that Flask-Login also deletes a remember-me cookie from before
        flash(_("Your session has ended: you were away for a while, or logged in long ago. Log in again."), "info")
    elif now - session[LOGIN_SEEN] >= SEEN_RESOLUTION:
        session[LOGIN_SEEN] = int(now)


@login_manager.user_loader
def load_user(user_id: str):  # type: ignore[no-untyped-def]
    """The user of this browser's session, if its session token is still the current one and the session was
    started by a login (a remember-me cookie from before staff sessions expired is not enough)."""
    from wananchi.accounts.models import User

    if LOGIN_STARTED not in session:
        return None
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
    app.before_request(_expire_staff_sessions)

    @app.before_request
    def _require_login():  # type: ignore[no-untyped-def]
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if request.blueprint in PUBLIC_BLUEPRINTS:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None
