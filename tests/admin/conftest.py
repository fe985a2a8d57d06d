"""Fixtures of the administration tests: the world, an administrator and an officer, a logged-in client."""

from __future__ import annotations

import pytest

from tests.admin.test_admin_pages import PASSWORD, log_in
from tests.world import World, build_world
from wananchi.accounts.models import Role, User
from wananchi.accounts.services import create_user
from wananchi.sla.calendars import clear_calendar_cache


@pytest.fixture
def world(db) -> World:
    """The shared institution tree, committed so requests see it; no calendar built before it."""
    built = build_world()
    db.session.commit()
    clear_calendar_cache()
    return built


@pytest.fixture
def admin(db, world: World) -> User:
    """An administrator (no institution)."""
    user = create_user(
        email="admin@utumishi.go.tz", name="Neema Admin", role=Role.ADMIN, password=PASSWORD, institution=None
    )
    db.session.commit()
    return user


@pytest.fixture
def officer(db, world: World) -> User:
    """An officer of the water agency."""
    user = create_user(
        email="afisa@dawasa.go.tz", name="Juma Afisa", role=Role.OFFICER, password=PASSWORD, institution=world.agency
    )
    db.session.commit()
    return user


@pytest.fixture
def admin_client(client, admin: User):
    """A client logged in as the administrator."""
    assert log_in(client, admin.email).status_code == 303
    return client
