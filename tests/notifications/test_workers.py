"""Real worker processes on Redis: a worker killed mid-batch loses nothing, two workers never send a row twice.

Each test commits outbox rows, then runs `flask --app wsgi wananchi worker` processes with the production
configuration against the test's database, a Redis queue and the `smtp_server` fixture, and counts what the
SMTP server received per outbox id (the `X-Wananchi-Outbox-Id` header). Deliveries are queued the way
production queues them: a child process with the same environment calls `queue_delivery(id, channel)` for
each row (what the after-commit hook does), and may queue `sweep_outbox_every_minute` too, so the test need
not wait a minute for the periodic sweep. A consumer also runs its periodic tasks once when it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select, update

from tests.helpers import unavailable
from tests.notifications.conftest import Mailbox, SmtpServer
from wananchi.core.db import utcnow
from wananchi.notifications.models import Channel, OutboxMessage, OutboxStatus

pytestmark = pytest.mark.slow  # real worker processes and Redis: tens of seconds

ROOT = Path(__file__).resolve().parents[2]
# The queue of these tests: huey's keys in this Redis database are cleared before and after each test, and a
# lock lets one test at a time use it (pytest-xdist, or two checkouts on one machine).
QUEUE_DB = "13"
QUEUE_URL = f"redis://127.0.0.1:6379/{QUEUE_DB}"
QUEUE_KEY = "huey.redis.wananchiemail"  # the e-mail channel's queue, "wananchi-email"
THREADS = 4


def enqueue_pending(sweep_every: int = 0) -> None:
    """In a child with the workers' environment: queue one delivery per pending row, and a sweep every n rows."""
    from wananchi import create_app
    from wananchi.extensions import db
    from wananchi.notifications.tasks import queue_delivery, sweep_outbox_every_minute

    app = create_app()
    with app.app_context():
        rows = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.channel)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .order_by(OutboxMessage.id)
        ).all()
        db.engine.dispose()
    for position, (message_id, channel) in enumerate(rows, start=1):
        queue_delivery(message_id, channel)
        if sweep_every and position % sweep_every == 0:
            sweep_outbox_every_minute()


@dataclass
class SlowMailbox(Mailbox):
    """Takes each message at once, then waits before answering 250: time to kill a worker mid-batch."""

    delay: float = 0.1

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.sleep(self.delay)
        return answer


@dataclass
class Workers:
    """Worker processes of one test, each in its own process group, with their output in log files."""

    env: dict[str, str]
    log_dir: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def start(self, threads: int = THREADS) -> subprocess.Popen[bytes]:
        """Start `flask --app wsgi wananchi worker` with <threads> threads per queue (default, e-mail, SMS)."""
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "wananchi", "worker", "--workers", str(threads)]
        command += ["--channel-workers", str(threads)]
        with (self.log_dir / f"worker-{len(self.processes)}.log").open("wb") as log:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        return process

    def enqueue(self, sweep_every: int = 0) -> None:
        """Queue a delivery of every pending row from a child process, as the application's commits would."""
        code = f"from tests.notifications.test_workers import enqueue_pending; enqueue_pending({sweep_every})"
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stdout + result.stderr

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL the worker's whole process group: no clean-up, no finishing of the task at hand."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def check_alive(self) -> None:
        """Fail with the logs if a worker that should be running has exited."""
        dead = [p for p in self.processes if p.poll() is not None and p.returncode != -signal.SIGKILL]
        if dead:
            pytest.fail(f"a worker exited with {dead[0].returncode}:\n{self.logs()}")

    def logs(self) -> str:
        """The end of every worker's output."""
        return "\n".join(
            f"--- {path.name}\n" + "\n".join(path.read_text(errors="replace").splitlines()[-40:])
            for path in sorted(self.log_dir.glob("worker-*.log"))
        )


@pytest.fixture
def queue() -> Iterator[redis.Redis]:
    """The Redis database the workers queue in, this test's alone, with huey's keys cleared before and after."""
    client = redis.Redis.from_url(QUEUE_URL)
    try:
        client.ping()
    except redis.ConnectionError as error:
        client.close()
        unavailable(f"Redis at {QUEUE_URL} is unreachable: {error}")
    with client.lock("wananchi-tests:worker-queue", timeout=600, blocking_timeout=600):
        _clear_huey_keys(client)
        yield client
        _clear_huey_keys(client)
    client.close()


def _clear_huey_keys(client: redis.Redis) -> None:
    keys = list(client.scan_iter("huey.*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def workers(db, database_url: str, queue: redis.Redis, smtp_server: SmtpServer, tmp_path: Path) -> Iterator[Workers]:
    """Starts workers in the production configuration against this test's database, queue and SMTP server."""
    env = {
        **os.environ,
        "WANANCHI_CONFIG": "production",
        "SECRET_KEY": "worker-tests-not-secret-but-long-enough",
        "USSD_GATEWAY_SECRET": "worker-tests-ussd-not-secret-but-long",
        "SMS_GATEWAY_SECRET": "worker-tests-sms-not-secret-but-long-e",
        "TRACKING_CODE_KEY": "worker-tests-tracking-codes-not-secret-but-long-enough",
        "DATABASE_URL": database_url,
        "REDIS_URL": QUEUE_URL,
        "RATELIMIT_STORAGE_URI": "memory://",
        "FORCE_HTTPS": "0",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
        "MAIL_USE_TLS": "0",
        "MAIL_USE_SSL": "0",
        "MAIL_TIMEOUT": "5",
        "WANANCHI_INSTANCE_PATH": str(tmp_path / "instance"),
        "UPLOAD_FOLDER": str(tmp_path / "instance" / "uploads"),
    }
    running = Workers(env=env, log_dir=tmp_path)
    yield running
    for process in running.processes:
        if process.poll() is None:
            running.kill(process)


def add_rows(db, count: int, channel: Channel = Channel.EMAIL) -> list[int]:
    """Commit `count` pending e-mails (or SMS) to distinct recipients, due now; their ids."""
    rows = [
        OutboxMessage(
            event="receipt",
            channel=channel,
            recipient=f"mwananchi{n}@example.co.tz" if channel == Channel.EMAIL else f"+2557120{n:05d}",
            language="sw",
            subject=f"Hoja WN-{n:05d} imepokelewa",
            body_text="Hoja yako imepokelewa.",
        )
        for n in range(count)
    ]
    db.session.add_all(rows)
    db.session.flush()
    ids = [row.id for row in rows]
    db.session.commit()
    return ids


def statuses(db) -> Counter[OutboxStatus]:
    """How many rows are in each state, as committed now."""
    counts = Counter(
        {
            status: n
            for status, n in db.session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )
        }
    )
    db.session.commit()  # end the read, so the next one sees the workers' commits (SQLite keeps a snapshot)
    return counts


def deliveries(mailbox: Mailbox) -> Counter[int]:
    """How many times the SMTP server received each outbox id."""
    with mailbox.lock:
        return Counter(int(message["X-Wananchi-Outbox-Id"]) for message in mailbox.messages)


def wait_until(condition: Callable[[], bool], timeout: float, what: str, running: Workers) -> None:
    """Poll `condition` until it holds; fail with the workers' logs after `timeout` seconds or if one died."""
    deadline = time.monotonic() + timeout
    while not condition():
        running.check_alive()
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout:g} s: {what}\n{running.logs()}")
        time.sleep(0.05)


def wait_until_drained(db, queue: redis.Redis, running: Workers, total: int, timeout: float) -> None:
    """Every row sent, the queue empty, and a moment for any task still running to finish."""
    wait_until(lambda: statuses(db)[OutboxStatus.SENT] == total, timeout, f"all {total} rows SENT", running)
    wait_until(lambda: queue.llen(QUEUE_KEY) == 0, timeout, "the queue empty", running)
    time.sleep(1.0)


def test_a_worker_killed_mid_batch_loses_nothing_and_resends_only_what_it_held(db, smtp_server, queue, workers):
    smtp_server.stop()
    smtp_server.mailbox = SlowMailbox(delay=0.1)
    smtp_server.start()
    ids = add_rows(db, 80)
    workers.enqueue()
    first = workers.start()
    wait_until(lambda: sum(deliveries(smtp_server.mailbox).values()) >= 20, 60, "20 messages received", workers)

    workers.kill(first)
    at_kill = statuses(db)
    held = set(db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.SENDING)))
    assert 0 < at_kill[OutboxStatus.SENT] < len(ids), f"the kill did not fall mid-batch: {at_kill}"
    # Five minutes pass: the dead worker's leases expire. The new worker's first sweep (at its start) releases
    # them and delivers the rows whose tasks the dead worker had taken off the queue; it works through the rest.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.SENDING)
        .values(lease_until=utcnow() - dt.timedelta(seconds=1))
    )
    db.session.commit()
    workers.start()
    wait_until_drained(db, queue, workers, len(ids), timeout=60)

    received = deliveries(smtp_server.mailbox)
    assert sorted(received) == ids, "every message is delivered"
    twice = {message_id for message_id, count in received.items() if count > 1}
    assert twice <= held, f"sent twice without having been held by the killed worker: {sorted(twice - held)}"
    assert max(received.values()) <= 2
    print(
        f"killed with {at_kill[OutboxStatus.SENT]} of {len(ids)} sent and {len(held)} held; "
        f"{len(twice)} of those were sent and not recorded, so they went out twice"
    )


def test_a_hanging_sms_gateway_does_not_delay_the_email_receipts(db, smtp_server, queue, workers):
    # A gateway that takes the connection and never answers: each SMS attempt waits for SMS_TIMEOUT.
    gateway = socket.socket()
    gateway.bind(("127.0.0.1", 0))
    gateway.listen(64)
    workers.env.update(
        SMS_BACKEND="http",
        SMS_GATEWAY_URL=f"http://127.0.0.1:{gateway.getsockname()[1]}/version1/messaging",
        SMS_USERNAME="wananchi",
        SMS_API_KEY="test-key",
        SMS_TIMEOUT="60",
    )
    try:
        workers.start()
        wait_until(
            lambda: sum(c["db"] == QUEUE_DB and c["cmd"] == "brpop" for c in queue.client_list()) >= 3 * THREADS,
            60,
            "the worker waiting on its three queues",
            workers,
        )
        sms = add_rows(db, 2 * THREADS, channel=Channel.SMS)  # queued first: enough to hold every thread
        emails = add_rows(db, 40)
        workers.enqueue()
        queued_at = time.monotonic()
        wait_until(lambda: statuses(db)[OutboxStatus.SENT] == len(emails), 45, "every e-mail sent", workers)
        seconds = time.monotonic() - queued_at
        assert sorted(deliveries(smtp_server.mailbox)) == emails
        held = db.session.execute(
            select(OutboxMessage.status, OutboxMessage.last_error).where(OutboxMessage.id.in_(sms))
        )
        held_rows = held.all()
        db.session.commit()
        assert OutboxStatus.SENDING in {status for status, _error in held_rows}, "the SMS wait on their gateway"
        # Had an e-mail waited for a thread an SMS held, it could only go out once that SMS attempt ended (after
        # SMS_TIMEOUT, recording its error): every e-mail is sent and no SMS attempt has ended yet.
        assert {status for status, _error in held_rows} <= {OutboxStatus.SENDING, OutboxStatus.PENDING}
        assert [error for _status, error in held_rows if error] == [], "an SMS attempt ended before the e-mails went"
        print(f"40 e-mail receipts sent within {seconds:.1f} s of queueing, while the SMS gateway hung")
    finally:
        gateway.close()


def test_two_workers_drain_a_thousand_rows_and_send_none_twice(db, backend, smtp_server, queue, workers):
    if backend != "postgresql":
        pytest.skip("several workers on several machines share PostgreSQL (and Redis), as in production")
    started = [workers.start(), workers.start()]
    # Ready when every worker thread of both consumers waits on the queue (BRPOP); their start-up sweep is done.
    wait_until(
        lambda: sum(c["db"] == QUEUE_DB and c["cmd"] == "brpop" for c in queue.client_list()) >= 2 * 3 * THREADS,
        60,
        "both workers waiting on the queue",
        workers,
    )
    ids = add_rows(db, 1000)
    # One delivery per row, and a sweep every 100 rows: the sweeps (on either worker) race the deliveries
    # (on both) for the same rows, as the periodic sweeps of several machines do in production.
    workers.enqueue(sweep_every=100)
    wait_until_drained(db, queue, workers, len(ids), timeout=90)

    received = deliveries(smtp_server.mailbox)
    assert sorted(received) == ids, "every message is delivered"
    assert {message_id: n for message_id, n in received.items() if n > 1} == {}, "no message is sent twice"
    assert all(process.poll() is None for process in started)
