"""Readiness, Prometheus metrics and request ids: what a load balancer, Prometheus and a log collector read."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import textwrap

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import ROOT, post_submission
from tests.world import build_world
from wananchi.ops.logs import JsonFormatter, RequestIdFilter
from wananchi.sla.tasks import sla_scan_every_minute

TOKEN = "metrics-token-for-the-tests"  # noqa: S105 - the tests' own


@pytest.fixture
def world(db):
    world = build_world()
    db.session.commit()
    return world


@pytest.fixture
def scraper(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)

    def scrape() -> dict[tuple[str, tuple], float]:
        response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200 and response.mimetype == "text/plain"
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples
        }

    return scrape


def test_ready_when_the_database_is_migrated_and_the_store_answers(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json == {"status": "ready"}
    assert client.get("/healthz").status_code == 200


@pytest.mark.one_backend
def test_not_ready_while_the_object_store_or_redis_hangs_or_refuses(client, app, db, monkeypatch):
    with socket.socket() as hung:  # accepts connections and never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen()
        port = hung.getsockname()[1]
        for key, value in {
            "S3_BUCKET": "wananchi",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "S3_ACCESS_KEY_ID": "a",
            "S3_SECRET_ACCESS_KEY": "b",
            "S3_READ_TIMEOUT": 0.2,
            "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        }.items():
            monkeypatch.setitem(app.config, key, value)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert sorted(response.json["failed"]) == ["object_store", "redis"]


def test_ready_with_a_real_bucket(client, bucket):
    assert client.get("/readyz").json == {"status": "ready"}


def test_not_ready_when_a_migration_is_missing(client, app, db, monkeypatch):
    monkeypatch.setitem(app.extensions, "wananchi_migration_heads", {"9999"})
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["failed"] == {
        "database": "migrations are not at the head of this code"
    }


def test_metrics_need_their_token_and_are_missing_without_one(client, app, db, monkeypatch):
    assert client.get("/metrics").status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_metrics_show_the_outbox_backlog_submissions_latency_and_the_last_scan(client, world, db, scraper):
    before = scraper()
    assert before[("wananchi_outbox_messages", (("status", "pending"),))] == 0
    assert post_submission(client).status_code == 303  # a receipt by e-mail and one by SMS wait in the outbox
    after = scraper()
    assert after[("wananchi_outbox_messages", (("status", "pending"),))] == 2
    assert after[("wananchi_outbox_oldest_due_seconds", ())] >= 0
    submitted = ("wananchi_submissions_total", (("channel", "web"),))
    assert after[submitted] == before.get(submitted, 0) + 1
    answered = ("wananchi_requests_total", (("endpoint", "tickets.submit"), ("method", "POST"), ("status", "303")))
    assert after[answered] >= 1
    timed = ("wananchi_request_seconds_count", (("endpoint", "tickets.submit"), ("method", "POST")))
    assert after[timed] >= 1
    for queue in ("default", "email", "sms"):  # each delivery channel waits in a queue of its own
        assert after[("wananchi_queue_length", (("queue", queue),))] == 0

    assert not any(name == "wananchi_job_last_success_timestamp_seconds" for name, _labels in after)
    sla_scan_every_minute()
    scanned = scraper()[("wananchi_job_last_success_timestamp_seconds", (("job", "sla_scan"),))]
    assert scanned > 1_700_000_000


def test_every_answer_carries_a_request_id_and_a_sensible_one_from_the_proxy_is_kept(client, db):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "haproxy-1a2b3c4d"}).headers["X-Request-ID"] == (
        "haproxy-1a2b3c4d"
    )
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" "level": "ERROR"'}).headers["X-Request-ID"]
    assert '"' not in forged and len(forged) == 32


def test_a_json_log_line_carries_the_request_id(app):
    with app.test_request_context("/", headers={"X-Request-ID": "req-12345678"}):
        app.preprocess_request()
        record = logging.LogRecord("wananchi", logging.WARNING, __file__, 1, "outbox %s", ("stuck",), None)
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "outbox stuck" and line["level"] == "WARNING" and line["request_id"] == "req-12345678"


@pytest.mark.slow
def test_counts_of_several_worker_processes_are_added_up(tmp_path):
    """Under gunicorn (PROMETHEUS_MULTIPROC_DIR set) each worker writes its counts to the shared folder, and a scrape
    answered by any one of them shows every worker's."""
    script = textwrap.dedent(
        """
        import sys
        from wananchi.ops.metrics import REQUESTS
        REQUESTS.labels("pages.home", "GET", "200").inc(int(sys.argv[1]))
        """
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for count in ("2", "3"):
        subprocess.run([sys.executable, "-c", script, count], cwd=ROOT, env=env, check=True)  # noqa: S603
    reader = "from wananchi.ops.metrics import counted; print(counted().decode())"
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-c", reader], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    assert 'wananchi_requests_total{endpoint="pages.home",method="GET",status="200"} 5.0' in output
