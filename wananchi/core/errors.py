"""Domain errors and the HTML error pages, in the visitor's language."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from wananchi.core.numbers import megabytes
from wananchi.core.storage import StorageError
from wananchi.extensions import db


class DomainError(Exception):
    """A rule of the service refused an action; `message` is already translated for the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not open this page"),
    404: _l("Page not found"),
    405: _l("This action is not allowed here"),
    413: _l("The files are too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is not available just now"),
}

# What the database raises when it cannot be reached (down, restarting, failed over, every connection in use).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)
DATABASE_RETRY_AFTER_SECONDS = 30  # the Retry-After of a 503 for an unreachable database


class _OutageCount:
    """Failures to reach the database in this process: one short log line each with the running count, rather
    than a traceback per request; a failure more than a minute after the last one starts a new count."""

    QUIET_SECONDS = 60

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0
        self._last = 0.0

    def record(self) -> int:
        now = time.monotonic()
        with self._lock:
            self.count = self.count + 1 if now - self._last < self.QUIET_SECONDS else 1
            self._last = now
            return self.count


database_outage = _OutageCount()
store_outage = _OutageCount()


def log_database_unavailable(error: Exception) -> None:
    """One line for a failure to reach the database: its count in the current outage and the driver's first line."""
    count = database_outage.record()
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0][:300]
    current_app.logger.error(
        "database unavailable (failure %d in this outage): %s: %s", count, type(error).__name__, reason
    )


# Blueprints that read their own input and refuse it in their own words (the phone gateways' plain-text callbacks).
OWN_INPUT_CHECKS: set[str] = set()

ExpiredFormRenderer = Callable[..., Any]
_expired_form_renderers: dict[str, ExpiredFormRenderer] = {}


def on_expired_form(endpoint: str) -> Callable[[ExpiredFormRenderer], ExpiredFormRenderer]:
    """Register how `endpoint` shows its form again, as typed, when its security token has expired."""

    def register(renderer: ExpiredFormRenderer) -> ExpiredFormRenderer:
        _expired_form_renderers[endpoint] = renderer
        return renderer

    return register


def _plain_error(code: int, headers: dict[str, str] | None = None):
    return (
        str(ERROR_TITLES.get(code, ERROR_TITLES[400])),
        code,
        {"Content-Type": "text/plain; charset=utf-8", **(headers or {})},
    )


def _render_error(code: int, description: str | None = None, headers: dict[str, str] | None = None):
    if request_ctx.url_adapter is None:  # a Host header no address can be built for: a page without links
        return _plain_error(code, headers)
    page = render_template("errors/error.html", code=code, description=description, error_titles=ERROR_TITLES)
    return page, code, headers or {}


def _contains_nul(values: object) -> bool:
    return any("\x00" in value for value in values if isinstance(value, str))  # type: ignore[attr-defined]


def register_error_handlers(app: Flask) -> None:
    """Friendly pages for every HTTP error, and a form-preserving page for an expired form."""

    @app.before_request
    def _refuse_nul_bytes():  # type: ignore[no-untyped-def]
        """No browser sends a NUL character; PostgreSQL cannot store one. Refuse it before any view runs."""
        if request.blueprint in OWN_INPUT_CHECKS:
            return None
        fields = [*request.args.values(), *request.form.values(), request.path]
        if _contains_nul(fields) or _contains_nul(request.args.keys()) or _contains_nul(request.form.keys()):
            return _render_error(400, _("The request contained characters that cannot be used. Please try again."))
        return None

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        renderer = _expired_form_renderers.get(request.endpoint or "")
        if renderer is not None:
            return renderer(**(request.view_args or {}))
        return _render_error(400, _("This form has expired. Go back, reload the page and send it again."))

    @app.errorhandler(413)
    def _too_large(error: HTTPException):
        """Refused by the size the request declared, before its body was read: say how large it was."""
        config = app.config
        return _render_error(
            413,
            _(
                "What you sent is %(size)s MB, more than can be sent at once: at most %(count)d files, photos of up "
                "to %(photo)d MB and documents of up to %(document)d MB each. Go back (what you typed is still in "
                "the form), choose smaller or fewer files, and send again.",
                size=megabytes(request.content_length or 0),
                count=config["MAX_ATTACHMENTS"],
                photo=config["MAX_PHOTO_BYTES"] // (1024 * 1024),
                document=config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024),
            ),
        )

    @app.errorhandler(429)
    def _too_many(error: HTTPException):
        if error.response is not None:  # the page a limit's on_breach made (a form shown again as it was typed)
            return error.response
        if request.method == "POST":  # a form: what was typed is in the page the browser goes back to
            return _render_error(
                429,
                _(
                    "Many forms were sent from your network in a short time, so this one was not sent. Go back with "
                    "your browser's Back button: what you typed is still in the form. Wait a few minutes, then send "
                    "it again."
                ),
            )
        return _render_error(
            429, _("You have sent many requests in a short time. Please wait a few minutes and try again.")
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return _render_error(error.code or 500)

    def _database_unavailable(error: Exception):
        log_database_unavailable(error)
        db.session.rollback()  # the session may hold a connection that broke
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
        if request.method == "POST":  # a form: nothing of it was stored, and the browser still holds what was typed
            description = _(
                "The service could not reach its records, so what you sent was not saved: if it was a ticket, it "
                "has not been received. Go back with your browser's Back button: what you typed is still in the "
                "form. Wait a few minutes, then send it again."
            )
        else:
            description = _("The service cannot reach its records just now. Please try again in a few minutes.")
        try:
            return _render_error(503, description, headers)
        except DATABASE_UNAVAILABLE:  # the page's frame itself needed the database (the signed-in officer)
            return _plain_error(503, headers)

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, _database_unavailable)

    @app.errorhandler(StorageError)
    def _store_unavailable(error: StorageError):
        """The file store (the bucket) cannot be reached: a form with files was not saved, nor was its ticket."""
        count = store_outage.record()
        app.logger.error("file store unavailable (failure %d in this outage): %s", count, str(error)[:300])
        db.session.rollback()
        headers = {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
        if request.method == "POST":
            description = _(
                "The service could not store your files just now, so what you sent was not saved: if it was a "
                "ticket, it has not been received. Go back with your browser's Back button: what you typed is still "
                "in the form. Wait a few minutes, then send it again."
            )
        else:
            description = _("The service cannot reach its stored files just now. Please try again in a few minutes.")
        return _render_error(503, description, headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _render_error(500)
