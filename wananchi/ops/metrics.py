"""Prometheus metrics. What each process counts (requests and their latency by endpoint, submissions by channel)
is kept by prometheus-client, in files shared by gunicorn's workers when PROMETHEUS_MULTIPROC_DIR is set (see
deploy/gunicorn.conf.py), so a scrape of any worker sees them all; what the database knows (the outbox, the last
target scan) and the queue's length are read when the page is scraped."""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from wananchi.core.db import utcnow
from wananchi.core.heartbeat import last_beats
from wananchi.extensions import db
from wananchi.notifications.models import OutboxMessage, OutboxStatus
from wananchi.tickets import signals
from wananchi.tickets.models import Ticket

PROCESS = CollectorRegistry()  # this process's own counters (one process: `flask run`, the tests)
REQUEST_SECONDS = Histogram(
    "wananchi_request_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=PROCESS,
)
REQUESTS = Counter(
    "wananchi_requests",
    "Requests answered, by endpoint and status.",
    ["endpoint", "method", "status"],
    registry=PROCESS,
)
SUBMISSIONS = Counter("wananchi_submissions", "Tickets submitted, by channel.", ["channel"], registry=PROCESS)


def _endpoint() -> str:
    return request.endpoint or "unknown"  # no path: one label per route, however many addresses are tried


def init_metrics(app: Flask) -> None:
    """Time every request and count every submission."""

    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Any) -> Any:
        started = g.pop("metrics_started", None)
        if started is not None:
            endpoint, method = _endpoint(), request.method
            REQUEST_SECONDS.labels(endpoint, method).observe(time.perf_counter() - started)
            REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        return response

    signals.ticket_submitted.connect(_count_submission)


def _count_submission(ticket: Ticket, **_: Any) -> None:
    SUBMISSIONS.labels(str(ticket.channel)).inc()


class ServiceState(Collector):
    """What the database and the queue hold now, read at each scrape from the primary database."""

    def collect(self):  # type: ignore[no-untyped-def]
        from wananchi.core.tasks import QUEUE_ERRORS, queue_backoff, task_queues

        now = utcnow()
        counts = db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        by_status = {status: count for status, count in counts}
        outbox = GaugeMetricFamily("wananchi_outbox_messages", "Outbox messages by status.", labels=["status"])
        for status in OutboxStatus:
            outbox.add_metric([str(status)], by_status.get(status, 0))
        yield outbox
        oldest = db.session.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
                OutboxMessage.next_attempt_at <= now,
            )
        )
        yield GaugeMetricFamily(
            "wananchi_outbox_oldest_due_seconds",
            "How long the oldest message due for sending has waited (0 when none is waiting).",
            value=max((now - oldest).total_seconds(), 0) if oldest else 0,
        )
        beats = GaugeMetricFamily(
            "wananchi_job_last_success_timestamp_seconds", "When each periodic job last finished.", labels=["job"]
        )
        for job, at in last_beats().items():
            beats.add_metric([job], at.timestamp())
        yield beats
        queues = GaugeMetricFamily("wananchi_queue_length", "Background jobs waiting in each queue.", labels=["queue"])
        for name, queue in task_queues().items():
            try:
                with queue_backoff():  # a hung Redis costs a scrape one timeout, not one per queue
                    queued = float(queue.pending_count())
            except QUEUE_ERRORS:
                queued = float("nan")  # the queue cannot be reached: the alert on readiness says so
            queues.add_metric([name], queued)
        yield queues
        pool = db.engine.pool
        if hasattr(pool, "checkedout"):
            yield GaugeMetricFamily(
                "wananchi_db_pool_in_use", "Database connections this process has checked out.", value=pool.checkedout()
            )


def counted() -> bytes:
    """Every process's counters: from the folder they share when there is one, else this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(PROCESS)


def exposition() -> bytes:
    """The metrics page: the counters, and the state of the service now."""
    state = CollectorRegistry()
    state.register(ServiceState())
    return counted() + generate_latest(state)
