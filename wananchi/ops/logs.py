"""Request ids and JSON logs. Every request has an id: the load balancer's X-Request-ID when it sends a sensible
one, else a new one; it is sent back in the response's X-Request-ID and written on every log line of the request.
With LOG_FORMAT=json each log line is one JSON object (time, level, logger, message, request id), ready for a log
collector; otherwise lines stay as Flask writes them."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, g, request

from wananchi.core.tasks import current_request_id

REQUEST_ID_HEADER = "X-Request-ID"
SENSIBLE_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")  # what a proxy writes: nothing that could forge a log line
request_log = logging.getLogger("wananchi.requests")


class RequestIdFilter(logging.Filter):
    """Puts the request's id on each record written while it is answered, or while a task it queued runs."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def init_logs(app: Flask) -> None:
    """Give each request its id, write one line per answered request, and write JSON when LOG_FORMAT=json."""
    if app.config["LOG_FORMAT"] == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(app.config["LOG_LEVEL"])
        app.logger.handlers[:] = []  # through the root's handler only

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if SENSIBLE_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _answered(response: Any) -> Any:
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
            request_log.info(
                "%s %s %s",
                request.method,
                request.endpoint or "unknown",
                response.status_code,
                extra={
                    "fields": {
                        "method": request.method,
                        "endpoint": request.endpoint,  # never the path or query: they may carry a tracking code
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - g.get("request_started", 0.0)) * 1000, 1),
                    }
                },
            )
        return response
