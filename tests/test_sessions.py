"""The session cookie: Flask's signed cookie, its serializer built once for each secret key."""

from __future__ import annotations

from flask import Flask, session

from wananchi.core.sessions import CookieSessionInterface


def _app(secret_key: str, fallbacks: list[str] | None = None) -> Flask:
    app = Flask(__name__)
    app.secret_key = secret_key
    app.config["SECRET_KEY_FALLBACKS"] = fallbacks or []
    app.session_interface = CookieSessionInterface()

    @app.post("/weka")
    def put() -> str:
        session["receipt"] = {"reference": "WN-2026-000001", "code": "ABCDE12345"}
        return "ok"

    @app.get("/soma")
    def read() -> str:
        return session.get("receipt", {}).get("reference", "none")

    return app


def test_a_session_round_trips_and_its_serializer_is_built_once():
    app = _app("first-key")
    interface = app.session_interface
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)

    client = app.test_client()
    client.post("/weka")
    assert client.get("/soma").text == "WN-2026-000001"


def test_a_new_secret_key_gets_its_own_serializer_and_the_old_cookies_open_only_as_a_fallback():
    app = _app("old-key")
    client = app.test_client()
    client.post("/weka")
    old_serializer = app.session_interface.get_signing_serializer(app)

    app.secret_key = "new-key"
    assert app.session_interface.get_signing_serializer(app) is not old_serializer
    assert client.get("/soma").text == "none"  # signed with a key no longer trusted

    app.config["SECRET_KEY_FALLBACKS"] = ["old-key"]
    assert client.get("/soma").text == "WN-2026-000001"


def test_the_application_uses_it(app):
    assert isinstance(app.session_interface, CookieSessionInterface)
