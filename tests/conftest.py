"""Fixtures: the application on SQLite and PostgreSQL, a clean database per test, clients, a live server.

PostgreSQL runs when WANANCHI_TEST_DATABASE_URL names a server (an administrative URL: each run creates
and drops its own database there). With CI=true an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import contextvars
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from werkzeug.serving import make_server

from tests.helpers import unavailable
from tests.seaweedfs import SeaweedFS, start_seaweedfs
from wananchi import create_app
from wananchi.core.db import normalise_database_url
from wananchi.core.i18n import compile_catalogues
from wananchi.core.tasks import init_tasks
from wananchi.extensions import db as _db
from wananchi.extensions import limiter

PG_ADMIN_URL = os.environ.get("WANANCHI_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_ADMIN_URL else ["sqlite"]

# Speed is measured in benchmarks/, not asserted by a test: no property test fails because a busy machine was slow
# (Hypothesis's 200 ms deadline per example, its health check on slow input generation). Under CI the profile
# Hypothesis chose for CI stays the parent.
settings.register_profile(
    "wananchi", parent=settings.default, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("wananchi")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the message catalogues, so the pages under test speak Swahili and English."""
    compile_catalogues(Path(__file__).resolve().parent.parent / "wananchi" / "translations")


def pytest_report_header(config: pytest.Config) -> str:
    if PG_ADMIN_URL:
        return f"wananchi: database backends {BACKENDS} (PostgreSQL admin URL from WANANCHI_TEST_DATABASE_URL)"
    return "wananchi: SQLite only — set WANANCHI_TEST_DATABASE_URL to run every test on PostgreSQL too"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked one_backend checks what the database backend does not change (what a browser sees, how a
    photo is checked, how long a hung store is waited for): it runs on SQLite only, its PostgreSQL twin is
    deselected."""
    twins = [
        item
        for item in items
        if item.get_closest_marker("one_backend") is not None
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("database_url") == "postgresql"
    ]
    if twins:
        config.hook.pytest_deselected(items=twins)
        deselected = set(twins)
        items[:] = [item for item in items if item not in deselected]


@pytest.fixture(autouse=True, scope="session")
def _no_network_beyond_loopback() -> Iterator[None]:
    """Fail any test that tries to reach a host other than this machine."""
    original = socket.socket.connect

    def guarded(self: socket.socket, address):  # type: ignore[no-untyped-def]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            if host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("127."):
                raise RuntimeError(f"test tried to reach {host}: only loopback is allowed")
        return original(self, address)

    socket.socket.connect = guarded  # type: ignore[method-assign]
    yield
    socket.socket.connect = original  # type: ignore[method-assign]


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own contexts, as in production.

    Without this, a request would reuse the test's application context, and with it `g` and the
    database session, hiding bugs (a CSRF token cached in `g`, an uncommitted change seen).
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            _db.session.expire_all()
        return response


def _create_pg_database() -> tuple[str, sa.Engine]:
    admin_url = sa.make_url(normalise_database_url(PG_ADMIN_URL or ""))
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"wananchi_test_{uuid.uuid4().hex[:12]}"
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
            # A test database need not outlive a server crash: commits return without waiting for the disk.
            connection.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    except sa.exc.OperationalError as error:
        engine.dispose()
        unavailable(f"PostgreSQL at {admin_url.render_as_string(hide_password=True)} is unreachable: {error.orig}")
    return admin_url.set(database=name).render_as_string(hide_password=False), engine


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for this test session on one backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.sqlite3'}"
        return
    url, admin_engine = _create_pg_database()
    yield url
    name = sa.make_url(url).database
    with admin_engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The application in testing mode, its schema built by the migrations."""
    from flask_migrate import upgrade

    application = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")),
        SUBMIT_RATE_LIMIT="1000 per minute",
        SUBMIT_ATTEMPT_RATE_LIMIT="1000 per minute",
        TRACK_RATE_LIMIT="1000 per minute",
        TRACK_PER_REFERENCE_AND_ADDRESS_LIMIT="1000 per minute",
        ADD_INFORMATION_RATE_LIMIT="1000 per minute",
        ADD_INFORMATION_PER_TICKET_LIMIT="1000 per minute",
    )
    application.test_client_class = IsolatedClient
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()


# PostgreSQL: the sequences a test drew from start again at 1, as in a new database.
RESTART_USED_SEQUENCES = (
    "SELECT setval((quote_ident(schemaname) || '.' || quote_ident(sequencename))::regclass, 1, false) "
    "FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)


def _empty_tables() -> None:
    """Delete every row, children first, and restart the ids. A DELETE of a few rows takes a millisecond where
    PostgreSQL's TRUNCATE of every table takes a tenth of a second or more (it makes new files for each). PostgreSQL
    takes all the statements in one round trip; SQLite's driver takes one statement at a time."""
    connection = _db.session.connection()
    quote = _db.engine.dialect.identifier_preparer.format_table
    deletes = [f"DELETE FROM {quote(table)}" for table in reversed(_db.metadata.sorted_tables)]
    if _db.engine.dialect.name == "postgresql":
        connection.exec_driver_sql("; ".join([*deletes, RESTART_USED_SEQUENCES]))
    else:
        for delete in deletes:
            connection.exec_driver_sql(delete)
    _db.session.commit()


@pytest.fixture
def db(app: Flask) -> Iterator:
    """The database inside an application context; every table is emptied after the test."""
    init_tasks(app)  # tasks run in this application again, whichever one another test created last
    with app.app_context():
        yield _db
        _db.session.rollback()
        _empty_tables()
        limiter.reset()
        for stored in Path(app.config["UPLOAD_FOLDER"]).iterdir():
            stored.unlink()


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """A real S3-compatible store (SeaweedFS) on loopback, for this test process. Without the `weed` program the
    tests that need it skip, or fail under CI=true."""
    try:
        store = start_seaweedfs(tmp_path_factory.mktemp("seaweedfs"))
    except RuntimeError as error:
        unavailable(f"SeaweedFS could not be started: {error}")
    yield store
    store.stop()


@pytest.fixture
def bucket(app: Flask, db, seaweedfs: SeaweedFS, monkeypatch: pytest.MonkeyPatch) -> str:
    """The application stores its files in a new, empty bucket of the test store for this test."""
    name = f"t-{uuid.uuid4().hex[:16]}"
    seaweedfs.client().create_bucket(Bucket=name)
    for key, value in seaweedfs.settings(name).items():
        monkeypatch.setitem(app.config, key, value)
    return name


@pytest.fixture
def backend(app: Flask) -> str:
    """The database backend this test runs on: "sqlite" or "postgresql"."""
    return sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name()


@pytest.fixture
def client(app: Flask, db) -> FlaskClient:
    """A browser-like client (cookies kept) against the application."""
    return app.test_client()


@pytest.fixture
def live_server(app: Flask, db) -> Iterator[str]:
    """The application served over real HTTP on loopback; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutdown() waits for the serving loop's next poll (half a second by default).
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
