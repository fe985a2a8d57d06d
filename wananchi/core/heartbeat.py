"""When each periodic job last finished: the metrics page tells an operator a job that has stopped (the target scan
runs every minute; a scan an hour old means no worker is running it)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from wananchi.core.db import UTCDateTime, utcnow
from wananchi.extensions import Model, db


class Heartbeat(Model):
    """One periodic job and the time it last finished without an error."""

    __tablename__ = "heartbeat"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_success_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


def beat(name: str, now: dt.datetime | None = None) -> None:
    """Record that the job `name` finished now (in the current transaction; several workers may race)."""
    values = {"name": name, "last_success_at": now or utcnow()}
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Heartbeat).values(values)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["name"], set_={"last_success_at": values["last_success_at"]})
    )


def last_beats() -> dict[str, dt.datetime]:
    """Each job's last success."""
    return {row.name: row.last_success_at for row in db.session.scalars(select(Heartbeat))}
