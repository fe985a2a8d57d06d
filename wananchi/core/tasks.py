"""Background work on huey: the queue is chosen from the configuration, tasks run in an application context.

Production (several machines) uses Redis; development uses a SQLite file beside the database, so no
broker is needed; the test suite runs tasks immediately, in process. Each domain defines its own tasks in its
`tasks` module (imported by the domain's `init_app`). Start a worker with `flask --app wsgi wananchi worker`; it
also runs the periodic tasks (never run them inside gunicorn).

Most tasks share the default queue. Work that must not wait behind other work (each delivery channel: a hanging
SMS gateway must not hold up e-mail receipts) gets a queue of its own from `task_queue(name)`, with worker threads of
its own: the worker command consumes every queue, each with its own threads, unless told which.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context
from huey import Huey, MemoryHuey
from huey.storage import RedisStorage, SqliteStorage
from redis import ConnectionPool
from redis.exceptions import RedisError

# Created without storage side effects; init_tasks() gives it the configured queue.
huey = MemoryHuey("wananchi", results=False)  # nothing reads task results: do not pile them up in Redis
_queues: dict[str, Huey] = {"default": huey}
_app: Flask | None = None
_pool: ConnectionPool | None = None


class QueueBackingOff(Exception):
    """An enqueue not even tried: the queue failed in this process less than TASK_QUEUE_BACKOFF_SECONDS ago."""


# What enqueueing raises when the queue's store (Redis, or SQLite in development) cannot be reached.
QUEUE_ERRORS = (RedisError, sqlite3.Error, OSError, QueueBackingOff)
_queue_down_until = 0.0  # time.monotonic() before which `queue_backoff` does not try the queue (0: it is up)
# The id of the web request that queued the task being run: its log lines carry it (a task queued with a
# `request_id=` keyword gets it; in_app_context takes the keyword off before the task's function is called).
task_request_id: ContextVar[str | None] = ContextVar("task_request_id", default=None)
WORKER_WAIT_SECONDS = 1  # how long an idle worker's BRPOP waits on Redis for a task


def current_request_id() -> str | None:
    """The id of the web request being answered (wananchi.ops gives each one), or of the request that queued the
    task being run."""
    return g.get("request_id") if has_request_context() else task_request_id.get()


def task_queue(name: str) -> Huey:
    """The queue called `name`, made the first time it is asked for (with the storage of the default queue): its
    tasks wait only behind each other, and workers give it threads of its own."""
    if name not in _queues:
        _queues[name] = MemoryHuey(f"wananchi-{name}", results=False)
        if _app is not None:
            _give_storage(_queues[name], _app)
    return _queues[name]


def task_queues() -> dict[str, Huey]:
    """Every queue by name, the default queue first."""
    return dict(_queues)


def run_workers(threads: dict[str, int], periodic: bool) -> None:
    """Consume the named queues in this process, each with its own number of threads, until stopped (SIGINT: the
    tasks in hand are finished first). The periodic tasks are scheduled from the default queue, when it is named and
    `periodic` is set."""
    consumers = {
        name: task_queues()[name].create_consumer(
            workers=count, worker_type="thread", periodic=periodic and name == "default"
        )
        for name, count in threads.items()
    }
    # The consumer that runs in the foreground is started last: its signal handlers are the ones left in place, and
    # once a signal has stopped it, the others finish what they hold and stop too.
    foreground = consumers.pop("default") if "default" in consumers else consumers.pop(next(iter(consumers)))
    for consumer in consumers.values():
        consumer.start()
    try:
        foreground.run()
    finally:
        for consumer in consumers.values():
            consumer.stop(graceful=True)


def _give_storage(queue: Huey, app: Flask) -> None:
    global _pool
    if app.config.get("TESTING"):
        queue.immediate = True
    elif app.config.get("REDIS_URL"):
        # A hung Redis fails an enqueue within these timeouts (the message waits in the outbox for the sweep);
        # reading must outlast the worker's wait for a task. The queues share one pool of connections.
        if _pool is None:
            _pool = ConnectionPool.from_url(
                app.config["REDIS_URL"],
                socket_connect_timeout=app.config["REDIS_CONNECT_TIMEOUT"],
                socket_timeout=max(app.config["REDIS_READ_TIMEOUT"], WORKER_WAIT_SECONDS + 1),
            )
        queue.storage = RedisStorage(queue.name, connection_pool=_pool, read_timeout=WORKER_WAIT_SECONDS)
    else:
        queue.storage = SqliteStorage(queue.name, filename=str(Path(app.instance_path) / "huey.sqlite3"))


def init_tasks(app: Flask) -> None:
    """Give every queue its storage from the configuration, and remember the application tasks run in."""
    global _app, _pool, _queue_down_until
    _app, _pool, _queue_down_until = app, None, 0.0
    for queue in _queues.values():
        _give_storage(queue, app)


@contextmanager
def queue_backoff() -> Iterator[None]:
    """Around the enqueues a request makes. Once one has failed (Redis refused, or did not answer within its
    timeouts), this process leaves the queue alone for TASK_QUEUE_BACKOFF_SECONDS: the block raises QueueBackingOff
    at once, and what it would have queued waits in the outbox for the worker's sweep. A hung Redis then costs one
    read timeout per process per back-off, not one per request. The first block after a back-off tries alone; the
    others go on backing off until it has its answer."""
    global _queue_down_until
    seconds = current_app.config["TASK_QUEUE_BACKOFF_SECONDS"]
    now = time.monotonic()
    if now < _queue_down_until:
        raise QueueBackingOff(f"the task queue failed less than {seconds:g} s ago: not tried")
    if _queue_down_until:
        _queue_down_until = now + seconds
    try:
        yield
    except QUEUE_ERRORS:
        _queue_down_until = time.monotonic() + seconds
        raise
    _queue_down_until = 0.0


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
