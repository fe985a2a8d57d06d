"""Background work on huey: the queue is chosen from the configuration, tasks run in an application context.

Production (several machines) uses Redis; development uses a SQLite file beside the database, so no
broker is needed; the test suite runs tasks immediately, in process. Each domain defines its own tasks in its
`tasks` module (imported by the domain's `init_app`). Start a worker with `flask --app wsgi wananchi worker`; it
also runs the periodic tasks (never run them inside gunicorn).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask, g, has_request_context
from huey import MemoryHuey
from huey.storage import RedisStorage, SqliteStorage
from redis import ConnectionPool
from redis.exceptions import RedisError

# Created without storage side effects; init_tasks() gives it the configured queue.
huey = MemoryHuey("wananchi", results=False)  # nothing reads task results: do not pile them up in Redis
_app: Flask | None = None
# What enqueueing raises when the queue's store (Redis, or SQLite in development) cannot be reached.
QUEUE_ERRORS = (RedisError, sqlite3.Error, OSError)
# The id of the web request that queued the task being run: its log lines carry it (a task queued with a
# `request_id=` keyword gets it; in_app_context takes the keyword off before the task's function is called).
task_request_id: ContextVar[str | None] = ContextVar("task_request_id", default=None)
WORKER_WAIT_SECONDS = 1  # how long an idle worker's BRPOP waits on Redis for a task


def current_request_id() -> str | None:
    """The id of the web request being answered (wananchi.ops gives each one), or of the request that queued the
    task being run."""
    return g.get("request_id") if has_request_context() else task_request_id.get()


def init_tasks(app: Flask) -> None:
    """Give the queue its storage from the configuration, and remember the application tasks run in."""
    global _app
    _app = app
    if app.config.get("TESTING"):
        huey.immediate = True
    elif app.config.get("REDIS_URL"):
        # A hung Redis fails an enqueue within these timeouts (the message waits in the outbox for the sweep);
        # reading must outlast the worker's wait for a task.
        pool = ConnectionPool.from_url(
            app.config["REDIS_URL"],
            socket_connect_timeout=app.config["REDIS_CONNECT_TIMEOUT"],
            socket_timeout=max(app.config["REDIS_READ_TIMEOUT"], WORKER_WAIT_SECONDS + 1),
        )
        huey.storage = RedisStorage("wananchi", connection_pool=pool, read_timeout=WORKER_WAIT_SECONDS)
    else:
        huey.storage = SqliteStorage("wananchi", filename=str(Path(app.instance_path) / "huey.sqlite3"))


def in_app_context(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a task inside the application context, with its own database session (and the id of the request that
    queued it, when given as `request_id=`, on its log lines)."""

    @wraps(function)
    def wrapper(*args: Any, request_id: str | None = None, **kwargs: Any) -> Any:
        if _app is None:
            raise RuntimeError("init_tasks(app) was not called: start workers with `flask --app wsgi wananchi worker`")
        token = task_request_id.set(request_id)
        try:
            with _app.app_context():
                return function(*args, **kwargs)
        finally:
            task_request_id.reset(token)

    return wrapper
