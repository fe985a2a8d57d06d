"""The ceiling of the submit benchmark: a bare Flask app whose one POST endpoint INSERTs one row.

Served by gunicorn as `ceiling_app:create_app()` with DATABASE_URL set; no CSRF, no templates, no session.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import sqlalchemy as sa
from flask import Flask, redirect, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from werkzeug.wrappers import Response


class Base(DeclarativeBase):
    """Declarative base of the scratch table."""


db = SQLAlchemy(model_class=Base)


class BenchCeiling(db.Model):
    """One posted form, stored as it came."""

    __tablename__ = "bench_ceiling"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))


def engine_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL, as the application does."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _tune_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """The application's SQLite settings: foreign keys, busy timeout, WAL, synchronous=NORMAL."""
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    for pragma in ("foreign_keys=ON", "busy_timeout=30000", "journal_mode=WAL", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def create_table(url: str) -> None:
    """Create the scratch table `bench_ceiling` in the benchmark database (before gunicorn starts)."""
    engine = sa.create_engine(engine_url(url))
    sa.event.listen(engine, "connect", _tune_sqlite)
    try:
        Base.metadata.create_all(engine)
    finally:
        engine.dispose()


def create_app() -> Flask:
    """The bare app, with the same engine options as Wananchi (pool_pre_ping) on DATABASE_URL."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = engine_url(os.environ["DATABASE_URL"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)
    with app.app_context():
        sa.event.listen(db.engine, "connect", _tune_sqlite)

    @app.post("/insert")
    def insert() -> Response:
        """Store one row and answer 303, as the submit path does."""
        db.session.add(
            BenchCeiling(
                subject=request.form.get("subject", ""),
                description=request.form.get("description", ""),
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        db.session.commit()
        return redirect("/done", code=303)

    @app.get("/healthz")
    def health() -> dict[str, str]:
        """Answers 200 when the database answers."""
        db.session.execute(sa.text("SELECT 1"))
        return {"status": "ok"}

    return app
