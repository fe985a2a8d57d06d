"""Fixtures of the API tests: the world, staff with personal tokens, a JSON client, real mail and SMS peers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import valid_submission
from tests.notifications.conftest import sms_gateway, smtp_server  # noqa: F401  (a real SMTP server, SMS gateway)
from tests.world import Staff, World, build_staff, build_world
from wananchi.api.tokens import create_api_token

HIGH_LIMITS = {
    "API_RATE_LIMIT": "100000 per minute",
    "API_TOKEN_RATE_LIMIT": "100000 per minute",
    "API_SUBMIT_RATE_LIMIT": "100000 per minute",
}


@pytest.fixture(autouse=True)
def _api_limits(app: Flask) -> Iterator[None]:
    """Limits high enough for the tests; a test of the limits lowers them itself."""
    saved = {name: app.config.get(name) for name in HIGH_LIMITS}
    app.config.update(HIGH_LIMITS)
    yield
    for name, value in saved.items():
        if value is None:
            app.config.pop(name, None)
        else:
            app.config[name] = value


@dataclass
class Setting:
    world: World
    staff: Staff
    tokens: dict[str, str]  # role -> raw token with read and write scopes


@pytest.fixture
def setting(db: Any) -> Setting:
    """The world, one user per role, and a read-write token for each."""
    world = build_world()
    staff = build_staff(world)
    tokens = {}
    for role in (
        "officer_a",
        "officer_a2",
        "supervisor_a",
        "officer_b",
        "oversight_above_a",
        "oversight_elsewhere",
        "admin",
    ):
        _token, raw = create_api_token(getattr(staff, role), f"{role} script", ["read", "write"])
        tokens[role] = raw
    db.session.commit()
    return Setting(world=world, staff=staff, tokens=tokens)


def api_submission(**overrides: Any) -> dict[str, Any]:
    """A valid JSON submission for the services of tests/world.py."""
    data = {key: value for key, value in valid_submission().items() if key != "district"}
    data.update(overrides)
    return data


def bearer(token: str) -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"Bearer {token}"}


def submit(client: FlaskClient, **overrides: Any) -> Any:
    """POST a valid submission; returns the response."""
    return client.post("/api/v1/tickets", json=api_submission(**overrides))
