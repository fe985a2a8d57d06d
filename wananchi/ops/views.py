"""Readiness and metrics, for the load balancer and Prometheus (the liveness check, /healthz, is in pages); none of
them is rate limited (wananchi.extensions.PROBES)."""

from __future__ import annotations

import hmac
from typing import Any

from alembic.script import ScriptDirectory
from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import text

from wananchi.core.storage import file_store
from wananchi.extensions import csrf, db
from wananchi.ops.metrics import exposition

bp = Blueprint("ops", __name__)


def _migrations_head() -> set[str]:
    """The newest migrations of this code (read once per application)."""
    heads = current_app.extensions.get("wananchi_migration_heads")
    if heads is None:
        script = ScriptDirectory(current_app.extensions["migrate"].directory)
        heads = current_app.extensions["wananchi_migration_heads"] = set(script.get_heads())
    return heads


def _check_database() -> str | None:
    applied = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    return None if applied == _migrations_head() else "migrations are not at the head of this code"


def _check_redis() -> str | None:
    url = current_app.config["REDIS_URL"]
    if not url:
        return None
    import redis

    config = current_app.config
    client = redis.Redis.from_url(
        url, socket_connect_timeout=config["REDIS_CONNECT_TIMEOUT"], socket_timeout=config["REDIS_READ_TIMEOUT"]
    )
    try:
        client.ping()
    finally:
        client.close()
    return None


def _check_store() -> str | None:
    file_store().check()
    return None


CHECKS = {"database": _check_database, "redis": _check_redis, "object_store": _check_store}


@bp.get("/readyz")
def ready() -> tuple[dict[str, Any], int]:
    """200 when the database (with every migration applied), Redis and the file store answer; 503 naming what does
    not, so the load balancer sends no citizen to a machine that cannot serve them."""
    failed: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as error:  # whatever a dependency raises (a timeout, a refusal, a bad answer): not ready
            problem = type(error).__name__
            db.session.rollback()
        if problem:
            failed[name] = problem
    if failed:
        return {"status": "unavailable", "failed": failed}, 503
    return {"status": "ready"}, 200


@bp.get("/metrics")
@csrf.exempt
def metrics() -> Response:
    """The Prometheus metrics, to a scraper that sends METRICS_TOKEN as a bearer token (404 when none is set)."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        abort(401)
    return Response(exposition(), mimetype="text/plain; version=0.0.4; charset=utf-8")
