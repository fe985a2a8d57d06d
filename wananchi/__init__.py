"""Wananchi: citizens' questions and complaints to public institutions, answered on time."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, INSTANCE_DIR, KNOWN_SECRET_KEYS, MIN_SECRET_KEY_LENGTH, OTHER_SECRET_KEYS
from wananchi import (
    accounts,
    admin,
    api,
    maswali,
    notifications,
    open311,
    ops,
    pages,
    phone,
    privacy,
    reports,
    sla,
    tickets,
)

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, CLI."""
    config_name = config_name or os.environ.get("WANANCHI_CONFIG", "development")
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    _check_config(app)
    # Security events (wananchi/core/audit.py) are always written to the application log, one line each.
    app.logger.getChild("security").setLevel(logging.INFO)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from wananchi.core.db import engine_options, normalise_database_url
    from wananchi.extensions import REPORTS_BIND

    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        app.config["DATABASE_CONNECT_TIMEOUT"],
    )
    if app.config["REPORTS_DATABASE_URL"]:
        replica = normalise_database_url(app.config["REPORTS_DATABASE_URL"])
        app.config["SQLALCHEMY_BINDS"] = {
            **app.config.get("SQLALCHEMY_BINDS", {}),
            REPORTS_BIND: {"url": replica, **engine_options(replica, app.config["SQLALCHEMY_ENGINE_OPTIONS"])},
        }
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)  # type: ignore[method-assign]

    from wananchi.core.numbers import RowIdConverter

    app.url_map.converters["int"] = RowIdConverter
    _init_extensions(app)
    # Each domain registers its own blueprints, template helpers, signal handlers and tasks. Higher domains come
    # first: some add pages to a lower domain's blueprint (the account's notification settings and API tokens),
    # which must happen before that blueprint is registered.
    for domain in (
        api,
        open311,
        admin,
        pages,
        phone,
        ops,
        privacy,
        reports,
        notifications,
        maswali,
        tickets,
        sla,
        accounts,
    ):
        domain.init_app(app)

    from wananchi.cli import register_cli
    from wananchi.core.db import init_transaction_boundary, tune_sqlite_connections
    from wananchi.core.errors import register_error_handlers
    from wananchi.core.tasks import init_tasks

    tune_sqlite_connections()
    register_error_handlers(app)
    register_cli(app)
    init_tasks(app)
    init_transaction_boundary(app)  # last: every view registered above runs as its request's one transaction
    return app


def _check_config(app: Flask) -> None:
    """Refuse to start without the required settings, or (in production) with a short or published secret key."""
    missing = [name for name in app.config.get("REQUIRED", ()) if not app.config.get(name)]
    if missing:
        raise RuntimeError(f"Refusing to start: set {', '.join(missing)} in the environment.")
    if app.config.get("PROXY_CHECKED"):
        _check_proxy(app.config)
    if app.config.get("SECRET_KEYS_CHECKED"):
        weak = sorted(
            {
                name
                for name, key in _secret_keys(app.config)
                if len(key) < MIN_SECRET_KEY_LENGTH or key in KNOWN_SECRET_KEYS
            }
        )
        if weak:
            raise RuntimeError(
                f"Refusing to start: {', '.join(weak)} must be a random value of at least {MIN_SECRET_KEY_LENGTH}"
                " characters, not a development or test key published with the code."
            )


def _check_proxy(config: Mapping[str, Any]) -> None:
    """Refuse a proxy set-up that would key rate limits (and the audit log) on the wrong address: behind a proxy
    without trusting its X-Forwarded-For, every citizen is the proxy and one limit locks them all out; trusting
    the header with no proxy in front, any client picks its own address."""
    if config["BEHIND_PROXY"] and config["PROXY_FIX_X_FOR"] < 1:
        raise RuntimeError(
            "Refusing to start: PROXY_FIX_X_FOR=0 behind a reverse proxy would count every citizen as the proxy's "
            "address. Set PROXY_FIX_X_FOR to the number of proxies in front of the service, or BEHIND_PROXY=0 if "
            "clients connect to it directly."
        )
    if not config["BEHIND_PROXY"] and config["PROXY_FIX_X_FOR"] > 0:
        raise RuntimeError(
            "Refusing to start: with BEHIND_PROXY=0, PROXY_FIX_X_FOR must be 0 (without a proxy, any client could "
            "write the X-Forwarded-For header that would be trusted)."
        )


def _secret_keys(config: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Every secret key of the configuration, by setting name: SECRET_KEY, any other setting whose name ends in
    SECRET_KEY or is one of OTHER_SECRET_KEYS (one secret per purpose), and each of the SECRET_KEY_FALLBACKS."""
    for name, value in config.items():
        if not (name.endswith(("SECRET_KEY", "SECRET_KEY_FALLBACKS")) or name in OTHER_SECRET_KEYS) or not value:
            continue
        for key in value if isinstance(value, list | tuple) else [value]:
            yield name, key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)


def _init_extensions(app: Flask) -> None:
    from wananchi.core import templating
    from wananchi.core.i18n import select_locale
    from wananchi.core.static import init_static
    from wananchi.extensions import babel, compress, csrf, db, limiter, mail, migrate
    from wananchi.ops.logs import init_logs
    from wananchi.ops.metrics import init_metrics

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    babel.init_app(app, locale_selector=select_locale)
    # Before the CSRF check, the first to read a form: the forms that carry files may be larger.
    app.before_request(_room_for_uploads)
    csrf.init_app(app)
    mail.init_app(app)
    # A Redis that hangs fails the limit's check within these timeouts, and the limits are counted in memory.
    timeouts = {"socket_connect_timeout": app.config["REDIS_CONNECT_TIMEOUT"]}
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {**timeouts, "socket_timeout": app.config["REDIS_READ_TIMEOUT"]})
    limiter.init_app(app)
    # One Talisman per application: it keeps its options (and the application) on itself, so a shared one would
    # give every application the options of the last one created.
    app.extensions["talisman"] = Talisman(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        content_security_policy={
            "default-src": "'self'",
            "img-src": "'self' data: blob:",  # blob: the photos the submit form's script shrinks
            "style-src": "'self'",
            "script-src": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
            "base-uri": "'self'",
            "object-src": "'none'",
        },
        frame_options="DENY",
        referrer_policy="same-origin",
        strict_transport_security=app.config["FORCE_HTTPS"],
    )
    templating.init_templating(app)
    init_logs(app)
    init_metrics(app)
    init_static(app)
    # Responses are compressed (brotli or gzip) whatever they hold. Pages that carry a secret (the CSRF token, a
    # tracking code) beside text an attacker could choose would be open to BREACH, which needs the victim's session
    # cookie on thousands of requests an attacker's page makes: the cookie is SameSite=Lax, so such requests
    # carry none.
    compress.init_app(app)

    @app.after_request
    def _caching(response):
        # The session cookie is never made permanent: it ends when the browser is closed, and with it the
        # tickets it opened (a family phone, a cyber café). A form whose session ended comes back as typed.
        response.headers.add("Vary", "Cookie")
        if request.endpoint and request.endpoint != "static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response


# The forms that carry files (the citizen's, and the officer's reply and request for information): their requests
# may declare up to MAX_UPLOAD_REQUEST_BYTES.
UPLOAD_ENDPOINTS = frozenset({"tickets.submit", "tickets.detail", "staff.reply", "staff.request_info"})


def _room_for_uploads() -> None:
    """Let the forms that carry files declare three photos' worth; every other request keeps MAX_CONTENT_LENGTH.
    Either way a request declaring more is refused (413) before its body is read."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["MAX_UPLOAD_REQUEST_BYTES"]
