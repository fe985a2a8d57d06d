"""Configuration: production refuses to start without its secrets; URLs are normalised."""

from __future__ import annotations

import pytest

from config import ProductionConfig
from wananchi import create_app
from wananchi.core.db import normalise_database_url


@pytest.mark.parametrize("missing", ["SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "REDIS_URL"])
def test_production_refuses_to_start_without_required_settings(monkeypatch, missing):
    settings = {
        "SECRET_KEY": "s" * 32,
        "SQLALCHEMY_DATABASE_URI": "postgresql://x@127.0.0.1/db",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    for name, value in settings.items():
        monkeypatch.setattr(ProductionConfig, name, value)
    monkeypatch.setattr(ProductionConfig, missing, None)
    with pytest.raises(RuntimeError, match=missing):
        create_app("production")


def test_production_starts_with_its_settings_and_secure_cookies(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "s" * 32)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "postgres://u@127.0.0.1/db")
    monkeypatch.setattr(ProductionConfig, "REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = create_app("production")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/db"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert not app.debug


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:///x.sqlite3", "sqlite:///x.sqlite3"),
    ],
)
def test_database_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected


def test_security_headers_and_csp_allow_no_other_host(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
