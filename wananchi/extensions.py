"""Unbound extension objects; `create_app` binds them to an application."""

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.dml import UpdateBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint, so SQLite can alter tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


REPORTS_BIND = "reports"  # SQLALCHEMY_BINDS key of the reports' replica, when REPORTS_DATABASE_URL is set
reading_replica_now: ContextVar[bool] = ContextVar("reading_replica_now", default=False)


class RoutingSession(Session):
    """The session: inside `core.db.reading_replica()`, what only reads (a SELECT, a SET) goes to the reports'
    replica when one is configured; every write, and everything outside such a block, to the primary."""

    def get_bind(
        self,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: Engine | Connection | None = None,
        **kwargs: Any,
    ) -> Engine | Connection:
        if bind is None and reading_replica_now.get() and not isinstance(clause, UpdateBase):
            engines = db.engines
            if REPORTS_BIND in engines:
                return engines[REPORTS_BIND]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})

if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model  # the base class of every model (typed as Base for mypy)
migrate = Migrate(render_as_batch=True, compare_type=True)
babel = Babel()
csrf = CSRFProtect()
mail = Mail()
limiter = Limiter(key_func=get_remote_address)
# The load balancer's and Prometheus's probes: no limit, and no wait on the limits' store. While that store cannot be
# reached, Flask-Limiter tries it again now and then (1, 2, 4 ... 32 s apart) within whichever request comes next,
# even one exempt from every limit, and a hung Redis holds that request for REDIS_READ_TIMEOUT: a /healthz held so
# long fails HAProxy's check (2 s), and with both machines taken out, HAProxy itself answers 503.
PROBES = frozenset({"pages.health", "ops.ready", "ops.metrics"})


@limiter.request_filter
def _is_probe() -> bool:
    return request.endpoint in PROBES


login_manager = LoginManager()
compress = Compress()
