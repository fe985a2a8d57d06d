"""Configuration: production refuses to start without its secrets, or with weak ones, and holds no demo data;
URLs are normalised."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from config import (
    DEVELOPMENT_SECRET_KEY,
    DEVELOPMENT_TRACKING_CODE_KEY,
    TESTING_GATEWAY_SECRET,
    TESTING_SECRET_KEY,
    TESTING_TRACKING_CODE_KEY,
    ProductionConfig,
)
from tests.helpers import ROOT
from wananchi import create_app
from wananchi.accounts.models import User
from wananchi.core.db import normalise_database_url
from wananchi.extensions import db


@pytest.mark.parametrize(
    "missing",
    [
        "SECRET_KEY",
        "TRACKING_CODE_KEY",
        "SQLALCHEMY_DATABASE_URI",
        "REDIS_URL",
        "USSD_GATEWAY_SECRET",
        "SMS_GATEWAY_SECRET",
    ],
)
def test_production_refuses_to_start_without_required_settings(monkeypatch, missing):
    settings = {
        "SECRET_KEY": "s" * 32,
        "TRACKING_CODE_KEY": "t" * 32,
        "SQLALCHEMY_DATABASE_URI": "postgresql://x@127.0.0.1/db",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "USSD_GATEWAY_SECRET": "u" * 32,
        "SMS_GATEWAY_SECRET": "m" * 32,
    }
    for name, value in settings.items():
        monkeypatch.setattr(ProductionConfig, name, value)
    monkeypatch.setattr(ProductionConfig, missing, None)
    with pytest.raises(RuntimeError, match=missing):
        create_app("production")


def test_production_starts_with_its_settings_and_secure_cookies(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "s" * 32)
    monkeypatch.setattr(ProductionConfig, "USSD_GATEWAY_SECRET", "u" * 32)
    monkeypatch.setattr(ProductionConfig, "SMS_GATEWAY_SECRET", "m" * 32)
    monkeypatch.setattr(ProductionConfig, "TRACKING_CODE_KEY", "t" * 32)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "postgres://u@127.0.0.1/db")
    monkeypatch.setattr(ProductionConfig, "REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    app = create_app("production")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@127.0.0.1/db"
    assert app.config["SESSION_COOKIE_SECURE"]
    assert not app.debug


@pytest.fixture
def production(monkeypatch, tmp_path):
    """The production configuration's required settings, with a strong secret key and a SQLite file."""
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", secrets.token_urlsafe(32))
    monkeypatch.setattr(ProductionConfig, "USSD_GATEWAY_SECRET", secrets.token_urlsafe(32))
    monkeypatch.setattr(ProductionConfig, "SMS_GATEWAY_SECRET", secrets.token_urlsafe(32))
    monkeypatch.setattr(ProductionConfig, "TRACKING_CODE_KEY", secrets.token_urlsafe(32))
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    monkeypatch.setattr(ProductionConfig, "REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("SECRET_KEY", "k" * 31),
        ("SECRET_KEY", DEVELOPMENT_SECRET_KEY),
        ("SECRET_KEY", TESTING_SECRET_KEY),
        ("SECRET_KEY", DEVELOPMENT_SECRET_KEY.encode()),
        ("SECRET_KEY_FALLBACKS", [secrets.token_urlsafe(32), DEVELOPMENT_SECRET_KEY]),
        ("TRACKING_SECRET_KEY", "fupi"),  # any other secret key, one per purpose
        ("USSD_GATEWAY_SECRET", "fupi"),  # the gateways' shared secrets
        ("SMS_GATEWAY_SECRET", TESTING_GATEWAY_SECRET),
        ("TRACKING_CODE_KEY", "k" * 31),
        ("TRACKING_CODE_KEY", DEVELOPMENT_TRACKING_CODE_KEY),
        ("TRACKING_CODE_KEY", TESTING_TRACKING_CODE_KEY),
    ],
)
def test_production_refuses_a_short_or_published_secret_key(production, setting, value):
    with pytest.raises(RuntimeError, match=f"Refusing to start: {setting} must be a random value of at least 32"):
        create_app("production", **{setting: value})


def test_development_and_tests_keep_their_published_keys():
    assert create_app("development").secret_key == DEVELOPMENT_SECRET_KEY
    assert create_app("testing").secret_key == TESTING_SECRET_KEY
    assert create_app("development").config["TRACKING_CODE_KEY"] == DEVELOPMENT_TRACKING_CODE_KEY
    assert create_app("testing").config["TRACKING_CODE_KEY"] == TESTING_TRACKING_CODE_KEY


def test_the_old_session_keys_come_from_the_environment_as_a_json_list():
    script = "import json, config; print(json.dumps(config.Config.SECRET_KEY_FALLBACKS))"
    clean = {name: value for name, value in os.environ.items() if name != "SECRET_KEY_FALLBACKS"}

    def fallbacks(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True
        )

    assert json.loads(fallbacks().stdout) == []
    assert json.loads(fallbacks(SECRET_KEY_FALLBACKS='["ufunguo-wa-zamani"]').stdout) == ["ufunguo-wa-zamani"]
    refused = fallbacks(SECRET_KEY_FALLBACKS="ufunguo-wa-zamani")
    assert refused.returncode != 0 and "SECRET_KEY_FALLBACKS must be a JSON list" in refused.stderr


@pytest.mark.parametrize("command", [["seed-demo", "--tickets", "0"], ["seed-if-empty"]])
def test_production_refuses_demo_data_and_its_published_password(production, command):
    app = create_app("production")
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["wananchi", *command])
        assert result.exit_code != 0 and "Refusing to load demo data" in result.output
        assert db.session.scalar(select(func.count(User.id))) == 0
        db.engine.dispose()


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


API_LIMITS = ("API_RATE_LIMIT", "API_TOKEN_RATE_LIMIT", "API_SUBMIT_RATE_LIMIT")


def _config_in_child(**env: str) -> dict[str, str]:
    """The API's limits as config.py reads them in a fresh process with `env` on top of this one's environment."""
    script = (
        f"import json, config; print(json.dumps({{name: getattr(config.Config, name) for name in {API_LIMITS!r}}}))"
    )
    clean = {name: value for name, value in os.environ.items() if name not in (*API_LIMITS, "SUBMIT_RATE_LIMIT")}
    child = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return dict(json.loads(child.stdout))


def test_the_api_limits_come_from_the_environment():
    assert _config_in_child() == {
        "API_RATE_LIMIT": "120 per minute",
        "API_TOKEN_RATE_LIMIT": "600 per minute",
        "API_SUBMIT_RATE_LIMIT": "10 per minute;60 per hour",
    }
    assert _config_in_child(SUBMIT_RATE_LIMIT="4 per minute")["API_SUBMIT_RATE_LIMIT"] == "4 per minute"
    chosen = {
        "API_RATE_LIMIT": "30 per minute",
        "API_TOKEN_RATE_LIMIT": "90 per minute",
        "API_SUBMIT_RATE_LIMIT": "2/hour",
    }
    assert _config_in_child(**chosen) == chosen


def test_a_production_application_changes_nothing_in_another_in_the_same_process(production, tmp_path):
    """The HTTPS redirect, secure cookies and security headers are each application's own: an application created
    after another (a test's production application beside the suite's) does not hand it its options."""
    testing = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'testing.sqlite3'}")
    secured = create_app("production")
    assert secured.test_client().get("/", base_url="http://localhost").headers["Location"].startswith("https://")
    page = testing.test_client().get("/")
    assert page.status_code == 200 and "Strict-Transport-Security" not in page.headers
    assert not testing.config["SESSION_COOKIE_SECURE"] and secured.config["SESSION_COOKIE_SECURE"]


def test_make_run_points_the_links_in_messages_at_its_own_port(tmp_path):
    """`make run PORT=5077` serves on port 5077, so the links in the e-mails and SMS it sends point there too."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    seen = tmp_path / "seen"
    flask = tmp_path / "flask"  # stands for `.venv/bin/flask --app wsgi`: notes each command and the address it got
    flask.write_text(f'#!/bin/sh\necho "$PUBLIC_URL $*" >> {seen}\n')
    flask.chmod(0o755)
    environment = {name: value for name, value in os.environ.items() if name != "PUBLIC_URL"}
    subprocess.run(
        ["make", "-s", "-o", ".venv/.runtime", "run", "HOST=127.0.0.1", "PORT=5077", f"FLASK={flask}"],
        cwd=ROOT,
        env=environment,
        start_new_session=True,  # the recipe ends with `kill 0`: its own process group, not the test's
        capture_output=True,
        timeout=60,
    )
    assert "http://127.0.0.1:5077 run --host 127.0.0.1 --port 5077 --debug" in seen.read_text().splitlines()
