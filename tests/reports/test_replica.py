"""Reports from a read replica (REPORTS_DATABASE_URL): the figures are counted on the replica's engine, writes still go
to the primary, the page says how far the replica is behind, and the figures match the primary's. Here the replica
is a second engine on the test database itself: a replica that has caught up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from flask import Flask
from sqlalchemy import event

from tests.reports.data import NOW, seed_tickets
from tests.world import build_world
from wananchi import create_app
from wananchi.core.db import reading_replica, replica_lag_seconds
from wananchi.extensions import REPORTS_BIND
from wananchi.extensions import db as _db

NEVER = 10**9  # milliseconds: no report is kept as a snapshot


@pytest.fixture
def replica_app(app: Flask, database_url: str, db) -> Iterator[Flask]:
    replica = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        REPORTS_DATABASE_URL=database_url,
        UPLOAD_FOLDER=app.config["UPLOAD_FOLDER"],
        REPORT_SNAPSHOT_MIN_MS=NEVER,
    )
    yield replica
    with replica.app_context():
        for engine in _db.engines.values():
            engine.dispose()


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def statements_on(engine) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_reports_are_counted_on_the_replica_and_match_the_primary(client, app, db, replica_app, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_SNAPSHOT_MIN_MS", NEVER)  # counted live each time, however slow
    world = build_world()
    seed_tickets(world, count=60)
    db.session.commit()
    primary = client.get("/takwimu/takwimu.json")
    assert primary.status_code == 200
    assert 'id="replica-note"' not in client.get("/takwimu").get_data(as_text=True)

    with replica_app.app_context():
        on_replica = statements_on(_db.engines[REPORTS_BIND])
        on_primary = statements_on(_db.engines[None])
        page = replica_app.test_client().get("/takwimu/")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and 'id="replica-note"' in html
        assert "nyuma ya huduma kwa sekunde 0 wakati" in html

        replica_app.config["REPORT_SNAPSHOT_MIN_MS"] = 0  # kept as a snapshot: a write, which must reach the primary
        answer = replica_app.test_client().get("/takwimu/takwimu.json")
        assert answer.status_code == 200 and answer.json == primary.json
        assert any("FROM ticket" in statement for statement in on_replica)
        writes = ("INSERT", "UPDATE", "DELETE")
        assert not any(statement.lstrip().upper().startswith(writes) for statement in on_replica)
        assert any("report_snapshot" in statement and "INSERT" in statement.upper() for statement in on_primary)


def test_without_a_replica_everything_reads_the_primary(app, db):
    assert replica_lag_seconds() is None
    with reading_replica():
        assert _db.session.get_bind() is _db.engines[None]


def test_a_caught_up_replica_is_zero_seconds_behind(replica_app):
    with replica_app.app_context():
        assert replica_lag_seconds() == 0.0
        with reading_replica():
            assert _db.session.get_bind() is _db.engines[REPORTS_BIND]
        assert _db.session.get_bind() is _db.engines[None]
