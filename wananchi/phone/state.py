"""Short-lived state of the phone channels (a USSD session, an entry already confirmed): Redis in production, the
database in development and tests. One small interface for both: `get` a key's JSON value while it lives, `put` one
for some seconds.

Several web processes answer one USSD session's screens (a load balancer sends each request anywhere), so the state
cannot live in a process. With the database store it is written in the request's own transaction, so a screen that
fails leaves the state as it was; the worker deletes expired rows every ten minutes (`delete_expired`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Protocol, cast

import redis
from flask import current_app
from sqlalchemy import CursorResult, delete, select

from wananchi.core.db import upsert_insert, utcnow
from wananchi.extensions import db
from wananchi.phone.models import PhoneSession

REDIS_PREFIX = "wananchi:phone:"
_REDIS_CLIENT = "wananchi.phone.redis"


class StateStore(Protocol):
    """Keeps small JSON values for a while."""

    def get(self, key: str) -> dict[str, Any] | None:
        """The value stored under `key`, or None if there is none or it has expired."""
        ...

    def put(self, key: str, value: dict[str, Any], seconds: int) -> None:
        """Store `value` under `key` for `seconds`, replacing what was there."""
        ...


class DatabaseStore:
    """State in the phone_session table, written in the request's transaction."""

    def get(self, key: str) -> dict[str, Any] | None:
        data = db.session.scalar(
            select(PhoneSession.data).where(PhoneSession.key == key, PhoneSession.expires_at > utcnow())
        )
        return json.loads(data) if data is not None else None

    def put(self, key: str, value: dict[str, Any], seconds: int) -> None:
        row = {"key": key, "data": json.dumps(value), "expires_at": utcnow() + dt.timedelta(seconds=seconds)}
        statement = upsert_insert(PhoneSession).values(**row)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=[PhoneSession.key],
                set_={"data": statement.excluded.data, "expires_at": statement.excluded.expires_at},
            )
        )


class RedisStore:
    """State in Redis, shared by every web process, each key expiring by itself."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    def get(self, key: str) -> dict[str, Any] | None:
        data = self.client.get(REDIS_PREFIX + key)
        return json.loads(cast(bytes, data)) if data is not None else None

    def put(self, key: str, value: dict[str, Any], seconds: int) -> None:
        self.client.set(REDIS_PREFIX + key, json.dumps(value), ex=seconds)


def state_store() -> StateStore:
    """The configured store: "redis" (REDIS_URL) or "database"."""
    config = current_app.config
    if config["USSD_SESSION_STORE"] != "redis":
        return DatabaseStore()
    client = current_app.extensions.get(_REDIS_CLIENT)
    if client is None:
        client = current_app.extensions.setdefault(
            _REDIS_CLIENT,
            redis.Redis.from_url(
                config["REDIS_URL"],
                socket_connect_timeout=config["REDIS_CONNECT_TIMEOUT"],
                socket_timeout=config["REDIS_READ_TIMEOUT"],
            ),
        )
    return RedisStore(client)


def delete_expired(now: dt.datetime | None = None) -> int:
    """Delete the database store's expired rows; how many."""
    result = db.session.execute(delete(PhoneSession).where(PhoneSession.expires_at <= (now or utcnow())))
    return int(cast(CursorResult[Any], result).rowcount or 0)
