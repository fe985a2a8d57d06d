"""Production with Redis unreachable: citizens still submit and track, nothing is lost.

Rate limits fall back to each process's memory, and receipts wait in the outbox for the sweep, which
sends them once the queue answers again. A password-reset request or a request for a new tracking code,
which only queue what was written, are refused with a plain message to try again. The production
application runs in a child process (its limiter and queue are process-wide), on SQLite, with Redis
pointed at a loopback port nobody listens on.
"""

from __future__ import annotations

import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
import sqlalchemy as sa

from tests.helpers import ROOT, free_port, production_environment, run_production_child
from tests.notifications.conftest import SmtpServer

CHILD = """
import json
from sqlalchemy import func, select
from tests.helpers import hidden_fields, valid_submission, world_client
from wananchi import create_app
from wananchi.extensions import db
from wananchi.notifications.models import OutboxMessage, OutboxStatus
from wananchi.tickets.models import Ticket

app = create_app("production", SUBMIT_RATE_LIMIT="3 per minute")
client = world_client(app)
statuses, locations = [], []
for index in range(4):
    form = hidden_fields(client.get("/wasilisha").data)
    answer = client.post("/wasilisha", data={**form, **valid_submission(subject=f"Bili ya maji {index}")})
    statuses.append(answer.status_code)
    locations.append(answer.headers.get("Location"))
receipt = client.get(locations[2])  # the confirmation of the last one stored
reset_form = hidden_fields(client.get("/nenosiri/sahau").data)
reset = client.post("/nenosiri/sahau", data={**reset_form, "email": "afisa@mfano.go.tz"})
code_form = hidden_fields(client.get("/fuatilia/msimbo-mpya").data)
code_data = {**code_form, "reference": locations[0].split("/")[2], "contact": "asha@example.co.tz"}
new_code = client.post("/fuatilia/msimbo-mpya", data=code_data)
with app.app_context():
    outbox = db.session.execute(select(OutboxMessage.event, OutboxMessage.status)).all()
    print(json.dumps({
        "statuses": statuses,
        "receipt": receipt.status_code,
        "reset": [reset.status_code, "Hatukuweza kupokea ombi lako sasa hivi" in reset.get_data(as_text=True)],
        "new_code": [new_code.status_code, "Hatukuweza kupokea ombi lako sasa hivi" in new_code.get_data(as_text=True)],
        "tickets": db.session.scalar(select(func.count(Ticket.id))),
        "outbox": sorted({(event, str(status)) for event, status in outbox}),
        "outbox_rows": len(outbox),
        "pending": str(OutboxStatus.PENDING),
    }))
"""


def _assert_submitted_and_waiting(result: dict, stderr: str) -> None:
    # three submissions within the limit are stored and confirmed; the fourth meets the limit, counted in memory
    assert result["statuses"] == [303, 303, 303, 429]
    assert result["receipt"] == 200 and result["tickets"] == 3
    assert result["reset"] == result["new_code"] == [503, True]
    # e-mail and SMS receipts of the three tickets, waiting for the sweep
    assert result["outbox"] == [["receipt", result["pending"]]] and result["outbox_rows"] == 6
    assert "task queue unreachable" in stderr


@pytest.mark.slow
def test_citizens_submit_while_redis_is_down_and_their_receipts_wait_in_the_outbox(tmp_path):
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    result, stderr = run_production_child(CHILD, tmp_path, REDIS_URL=dead_redis, RATELIMIT_STORAGE_URI=dead_redis)
    _assert_submitted_and_waiting(result, stderr)


@dataclass
class FrozenRedis:
    url: str
    server: subprocess.Popen[bytes]

    def thaw(self) -> None:
        """Let it answer again (SIGCONT), with whatever it was sent while frozen."""
        self.server.send_signal(signal.SIGCONT)


@pytest.fixture
def frozen_redis(tmp_path) -> Iterator[FrozenRedis]:
    """A real redis-server on a free loopback port, stopped with SIGSTOP: it accepts connections (the kernel
    does) and never answers, as a hung Redis does."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port, socket_timeout=1)
        for _ in range(50):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        server.send_signal(signal.SIGSTOP)
        yield FrozenRedis(f"redis://127.0.0.1:{port}/0", server)
    finally:
        server.send_signal(signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_a_frozen_redis_does_not_hold_the_site(tmp_path, frozen_redis):
    started = time.monotonic()
    result, stderr = run_production_child(
        CHILD,
        tmp_path,
        REDIS_URL=frozen_redis.url,
        RATELIMIT_STORAGE_URI=frozen_redis.url,
        REDIS_CONNECT_TIMEOUT="0.5",
        REDIS_READ_TIMEOUT="0.5",
    )
    elapsed = time.monotonic() - started
    _assert_submitted_and_waiting(result, stderr)
    assert "Timeout" in stderr  # the enqueue gave up on its timeout, it did not find the port closed
    # The first enqueue waits for the queue's read timeout (2 s: above the worker's 1-second wait for a task) and the
    # four after it are not tried (TASK_QUEUE_BACKOFF_SECONDS), the limits' first check waits 0.5 s; without
    # timeouts the child would hang for ever.
    assert elapsed < 60


SUBMISSIONS = 6
BURST = f"""
import json, time
from sqlalchemy import select
from tests.helpers import hidden_fields, valid_submission, world_client
from wananchi import create_app
from wananchi.extensions import db
from wananchi.notifications.models import OutboxMessage

app = create_app("production")
client = world_client(app)
seconds, statuses = [], []
for index in range({SUBMISSIONS}):
    form = hidden_fields(client.get("/wasilisha").data)
    contact = {{"email": f"raia{{index}}@example.co.tz", "phone": f"0712 345 60{{index}}"}}
    started = time.monotonic()
    answer = client.post("/wasilisha", data={{**form, **valid_submission(subject=f"Bomba {{index}}", **contact)}})
    seconds.append(time.monotonic() - started)
    statuses.append(answer.status_code)
with app.app_context():
    outbox = [str(status) for status in db.session.scalars(select(OutboxMessage.status))]
print(json.dumps({{"seconds": seconds, "statuses": statuses, "outbox": outbox}}))
"""
QUEUE_READ_TIMEOUT = 2  # the queue's read timeout: at least the worker's wait for a task (1 s) and one more


@pytest.mark.slow
def test_a_frozen_queue_costs_one_timeout_then_receipts_wait_in_the_outbox_until_it_answers(tmp_path, frozen_redis):
    """Once an enqueue has waited out its timeout, the process leaves the queue alone for
    TASK_QUEUE_BACKOFF_SECONDS: the submissions after it do not wait, and every receipt is sent by the workers' sweep
    once Redis answers again."""
    keys = {name: secrets.token_urlsafe(32) for name in ("SECRET_KEY", "TRACKING_CODE_KEY")}
    # The limits are counted in memory here, so that only the queue is on the frozen Redis.
    result, stderr = run_production_child(
        BURST, tmp_path, REDIS_URL=frozen_redis.url, RATELIMIT_STORAGE_URI="memory://", **keys
    )
    assert result["statuses"] == [303] * SUBMISSIONS
    first, *others = result["seconds"]
    assert first >= QUEUE_READ_TIMEOUT * 0.9  # the first enqueue waited out the timeout; none after it did
    assert max(others) < QUEUE_READ_TIMEOUT and sum(result["seconds"]) < 2 * QUEUE_READ_TIMEOUT  # not 12 s
    assert "left for the sweep: Timeout reading from socket" in stderr and "ago: not tried" in stderr
    assert result["outbox"] == ["pending"] * 2 * SUBMISSIONS  # an e-mail and an SMS receipt each

    frozen_redis.thaw()
    smtp = SmtpServer(free_port())
    smtp.start()
    env = production_environment(
        tmp_path,
        **keys,
        REDIS_URL=frozen_redis.url,
        RATELIMIT_STORAGE_URI="memory://",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp.port),
        MAIL_USE_TLS="0",
        MAIL_USE_SSL="0",
    )
    # A worker's consumer runs the periodic tasks once when it starts: its sweep queues the whole backlog.
    with (tmp_path / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "wananchi", "worker", "--workers", "1"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    engine = sa.create_engine(env["DATABASE_URL"])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                statuses = connection.scalars(sa.text("SELECT status FROM outbox_message")).all()
            if set(statuses) == {"sent"} or worker.poll() is not None:
                break
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)
        engine.dispose()
        smtp.stop()
    assert statuses == ["sent"] * 2 * SUBMISSIONS, (tmp_path / "worker.log").read_text()[-3000:]
    assert sorted(str(message["To"]) for message in smtp.mailbox.messages) == [
        f"raia{index}@example.co.tz" for index in range(SUBMISSIONS)
    ]


PROBE = """
import json, time
from tests.helpers import post_submission, world_client
from wananchi import create_app

app = create_app("production")
client = world_client(app)
submitted = post_submission(client).status_code  # the limits' store does not answer: counted in memory from now on
time.sleep(2.5)  # Flask-Limiter's next try of its store is now due, within whichever request comes next
timed = {}
for path in ("/healthz", "/"):
    started = time.monotonic()
    timed[path] = [client.get(path).status_code, time.monotonic() - started]
print(json.dumps({"submitted": submitted, "timed": timed}))
"""


@pytest.mark.slow
def test_the_health_check_never_waits_for_a_frozen_limits_store(tmp_path, frozen_redis):
    """While the limits' store is unreachable, Flask-Limiter tries it again now and then within a request: never
    within /healthz, whose answer HAProxy waits for 2 s at most."""
    timeout = 0.5
    result, _stderr = run_production_child(
        PROBE,
        tmp_path,
        REDIS_URL=frozen_redis.url,
        RATELIMIT_STORAGE_URI=frozen_redis.url,
        REDIS_CONNECT_TIMEOUT=str(timeout),
        REDIS_READ_TIMEOUT=str(timeout),
    )
    assert result["submitted"] == 303
    health_status, health_seconds = result["timed"]["/healthz"]
    assert health_status == 200 and health_seconds < timeout / 2
    home_status, home_seconds = result["timed"]["/"]
    assert home_status == 200 and home_seconds >= timeout  # the next page waited for the limiter's try instead


SCRAPE = """
import json, time
from tests.helpers import world_client
from wananchi import create_app

app = create_app("production")
client = world_client(app)
started = time.monotonic()
scrape = client.get("/metrics", headers={"Authorization": "Bearer scrape-token"})
seconds = time.monotonic() - started
queues = [line for line in scrape.get_data(as_text=True).splitlines() if line.startswith("wananchi_queue_length{")]
print(json.dumps({"status": scrape.status_code, "seconds": seconds, "queues": queues}))
"""


@pytest.mark.slow
def test_a_scrape_waits_one_timeout_for_a_frozen_queue_and_shows_its_lengths_unknown(tmp_path, frozen_redis):
    """/metrics reads the length of every queue (default, e-mail, SMS) from Redis: a frozen Redis costs the scrape
    one read timeout (2 s, above the worker's wait for a task), not one per queue, and each length reads NaN."""
    result, _stderr = run_production_child(
        SCRAPE,
        tmp_path,
        REDIS_URL=frozen_redis.url,
        RATELIMIT_STORAGE_URI=frozen_redis.url,
        METRICS_TOKEN="scrape-token",
    )
    assert result["status"] == 200
    assert len(result["queues"]) >= 3 and all(line.endswith(" NaN") for line in result["queues"]), result["queues"]
    assert 2 <= result["seconds"] < 4


def test_a_limit_store_lost_after_the_ticket_was_stored_does_not_turn_it_into_an_error(client, app, db, monkeypatch):
    from sqlalchemy import select

    from tests.helpers import post_submission
    from tests.world import build_world
    from wananchi.extensions import limiter
    from wananchi.tickets import signals
    from wananchi.tickets.models import Ticket

    build_world()
    db.session.commit()
    stored: list[object] = []

    def note(ticket, **_kwargs):  # type: ignore[no-untyped-def]
        stored.append(ticket)

    signals.ticket_submitted.connect(note)
    strategy = limiter.limiter
    counted = strategy.hit

    def hit(*args, **kwargs):  # type: ignore[no-untyped-def]
        if stored:  # Redis went away between the limit's check and the count after the view (the rehearsal saw it)
            raise redis.ConnectionError("Error 111 connecting to 10.23.0.31:6379. Connection refused.")
        return counted(*args, **kwargs)

    monkeypatch.setattr(strategy, "hit", hit)
    try:
        answer = post_submission(client, subject="Bili ya maji imekuja mara mbili")
    finally:
        signals.ticket_submitted.disconnect(note)
    assert answer.status_code == 303 and stored
    assert db.session.scalars(select(Ticket.subject)).all() == ["Bili ya maji imekuja mara mbili"]
