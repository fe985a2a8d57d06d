"""Outbox delivery rate: messages per second to a local SMTP server with 1 and with 2 worker processes on Redis.

Run from the repository root: `.venv/bin/python benchmarks/notify.py [--messages 2000] [--processes 1,2]
[--threads 2] [--backends postgresql,sqlite]`. Each backend gets a fresh database (migrations, demo reference
data). Each run starts the worker processes (`flask --app wsgi wananchi worker --workers <threads>
--channel-workers <threads>`, production configuration, Redis queue), waits until every worker thread waits on the
queue, commits `--messages` pending e-mails, queues one delivery per row as the after-commit hook does, and times
until the SMTP server (aiosmtpd, in this process) has received the last one; it then checks that every row is
recorded SENT and counts duplicates.
Workers, the SMTP server, the databases, the queue's keys and temporary files are removed at the end, also on
Ctrl-C, SIGTERM or an error.
"""

from __future__ import annotations

import argparse
import contextlib
import email.parser
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Import the application from the repository root and keep this folder (scripts, not packages) off the
# path; the shared helpers of benchmarks/submit.py are imported as `benchmarks.submit`.
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]

import redis  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

from benchmarks.submit import (  # noqa: E402
    DEFAULT_PG_ADMIN_URL,
    code_state,
    create_database,
    exit_on_sigterm,
    free_port,
    process_tree_cpu,
    run_migrations,
    shown_path,
    stop_process,
    tail,
)

REDIS_URL = "redis://127.0.0.1:6379/14"  # this benchmark's queue: huey's keys here are deleted before and after
TRACKING_CODE_KEY = secrets.token_urlsafe(32)  # this run's: the workers and this process share it
REDIS_DB = "14"
READY_TIMEOUT_S = 60.0
SUBJECT = "Hoja yako WN-2026-{n:06d} imepokelewa"
# About the size of a rendered receipt; no line longer than SMTP allows (998 characters).
BODY_TEXT = "Ndugu mwananchi,\n\n" + "Hoja yako imepokelewa na itashughulikiwa na taasisi husika.\n" * 11
BODY_HTML = (
    "<html><body>\n" + "<p>Ndugu mwananchi, hoja yako imepokelewa na itashughulikiwa.</p>\n" * 40 + "</body></html>"
)


@dataclass
class SmtpCounter:
    """An aiosmtpd handler: when each message arrived, and its outbox id."""

    received: list[tuple[float, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    parser: email.parser.BytesHeaderParser = field(default_factory=email.parser.BytesHeaderParser)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Record the arrival and answer 250."""
        outbox_id = int(self.parser.parsebytes(envelope.content)["X-Wananchi-Outbox-Id"])
        with self.lock:
            self.received.append((time.monotonic(), outbox_id))
        return "250 OK"

    def reset(self) -> None:
        """Forget what arrived so far."""
        with self.lock:
            self.received.clear()

    def count(self) -> int:
        """How many messages arrived."""
        with self.lock:
            return len(self.received)


@dataclass(frozen=True)
class Run:
    """What one run measured."""

    processes: int
    threads: int
    messages: int
    seconds: float
    duplicates: int
    worker_cpu: float | None  # CPU seconds of the worker processes while draining

    @property
    def rate(self) -> float:
        """Messages delivered per second."""
        return self.messages / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Worker CPU milliseconds per message (NaN where /proc is not available)."""
        return float("nan") if self.worker_cpu is None else 1000 * self.worker_cpu / self.messages


def clear_queue(queue: redis.Redis) -> None:
    """Delete huey's keys (queue, schedule, results) in the benchmark's Redis database."""
    keys = list(queue.scan_iter("huey.*"))
    if keys:
        queue.delete(*keys)


def waiting_threads(queue: redis.Redis) -> int:
    """Redis connections of the benchmark's database blocked on the queue (BRPOP): idle worker threads."""
    return sum(1 for client in queue.client_list() if client.get("db") == REDIS_DB and client.get("cmd") == "brpop")


def worker_environment(database_url: str, secret_key: str, smtp_port: int, workdir: Path) -> dict[str, str]:
    """The production environment of the workers and of the migrations."""
    env = dict(os.environ)
    env.update(
        WANANCHI_CONFIG="production",
        SECRET_KEY=secret_key,
        USSD_GATEWAY_SECRET=secrets.token_urlsafe(32),
        SMS_GATEWAY_SECRET=secrets.token_urlsafe(32),
        TRACKING_CODE_KEY=TRACKING_CODE_KEY,
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        RATELIMIT_STORAGE_URI="memory://",
        FORCE_HTTPS="0",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        MAIL_USE_TLS="0",
        MAIL_USE_SSL="0",
        MAIL_TIMEOUT="15",
        WANANCHI_INSTANCE_PATH=str(workdir / "instance"),
        UPLOAD_FOLDER=str(workdir / "instance" / "uploads"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def start_workers(
    count: int, threads: int, env: dict[str, str], log: Path, stack: contextlib.ExitStack
) -> list[subprocess.Popen[bytes]]:
    """Start `count` worker processes, stopped with `stack`."""
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "wananchi", "worker", "--workers", str(threads)]
    command += ["--channel-workers", str(threads)]
    processes = []
    for _ in range(count):
        with log.open("ab") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        stack.callback(stop_process, process)
        processes.append(process)
    return processes


def wait_ready(processes: list[subprocess.Popen[bytes]], threads: int, queue: redis.Redis, log: Path) -> None:
    """Wait until every thread of every worker is blocked on the queue (start-up done, first sweep finished)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while waiting_threads(queue) < len(processes) * threads * 3:  # the default, e-mail and SMS queues
        check_running(processes, log)
        if time.monotonic() > deadline:
            raise RuntimeError(f"workers not waiting on the queue after {READY_TIMEOUT_S:.0f} s:\n{tail(log)}")
        time.sleep(0.1)


def check_running(processes: list[subprocess.Popen[bytes]], log: Path) -> None:
    """Raise with the log if a worker exited."""
    for process in processes:
        if process.poll() is not None:
            raise RuntimeError(f"a worker exited with {process.returncode}:\n{tail(log)}")


def insert_rows(count: int) -> list[int]:
    """Commit `count` pending e-mails, due now, to distinct recipients (the outbox emptied first); their ids."""
    from wananchi.core.db import utcnow
    from wananchi.extensions import db
    from wananchi.notifications.models import Channel, OutboxMessage, OutboxStatus

    db.session.execute(sa.delete(OutboxMessage))
    now = utcnow()
    ids = db.session.scalars(
        sa.insert(OutboxMessage).returning(OutboxMessage.id),
        [
            {
                "event": "receipt",
                "channel": Channel.EMAIL,
                "recipient": f"mwananchi{n}@mfano.go.tz",
                "language": "sw",
                "subject": SUBJECT.format(n=n),
                "body_text": BODY_TEXT,
                "body_html": BODY_HTML,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for n in range(count)
        ],
    ).all()
    db.session.commit()
    return list(ids)


def unsent() -> int:
    """Rows not recorded SENT yet; raises if a delivery failed (the measurement would be meaningless)."""
    from wananchi.extensions import db
    from wananchi.notifications.models import OutboxMessage, OutboxStatus

    count, error = db.session.execute(
        sa.select(
            sa.func.count().filter(OutboxMessage.status != OutboxStatus.SENT), sa.func.max(OutboxMessage.last_error)
        )
    ).one()
    db.session.commit()
    if error:
        raise RuntimeError(f"a delivery failed: {error}")
    return int(count or 0)


def measure(
    processes: int, args: argparse.Namespace, env: dict[str, str], smtp: SmtpCounter, queue: redis.Redis, log: Path
) -> Run:
    """One run: workers ready, rows committed, deliveries queued; timed until the last message arrived."""
    from wananchi.notifications.models import Channel
    from wananchi.notifications.tasks import queue_delivery

    clear_queue(queue)
    smtp.reset()
    with contextlib.ExitStack() as stack:
        workers = start_workers(processes, args.threads, env, log, stack)
        wait_ready(workers, args.threads, queue, log)
        ids = insert_rows(args.messages)
        cpu_before = workers_cpu(workers)
        started = time.monotonic()
        for message_id in ids:
            queue_delivery(message_id, Channel.EMAIL)
        deadline = started + args.timeout
        while smtp.count() < len(ids) or unsent():
            check_running(workers, log)
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{smtp.count()} of {len(ids)} messages arrived, {unsent()} rows unsent after "
                    f"{args.timeout:g} s:\n{tail(log)}"
                )
            time.sleep(0.1)
        cpu_after = workers_cpu(workers)
    with smtp.lock:
        last = max(at for at, _ in smtp.received)
        counts = Counter(outbox_id for _, outbox_id in smtp.received)
    if set(counts) != set(ids):
        raise RuntimeError(f"{len(set(ids) - set(counts))} messages never arrived")
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Run(
        processes=processes,
        threads=args.threads,
        messages=len(ids),
        seconds=last - started,
        duplicates=sum(counts.values()) - len(counts),
        worker_cpu=cpu,
    )


def workers_cpu(workers: list[subprocess.Popen[bytes]]) -> float | None:
    """CPU seconds the worker processes used so far; None where /proc is not available."""
    readings = [process_tree_cpu(worker.pid) for worker in workers]
    return None if None in readings else sum(r for r in readings if r is not None)


def bench_backend(
    backend: str, args: argparse.Namespace, smtp: SmtpCounter, smtp_port: int, queue: redis.Redis
) -> list[Run]:
    """Set up one backend from scratch, run each worker count, clean up."""
    from wananchi import create_app
    from wananchi.demo.seed import seed_demo
    from wananchi.extensions import db

    with contextlib.ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix=f"wananchi-bench-notify-{backend}-"))
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        database_url = create_database(backend, workdir, args.pg_admin_url, stack)
        secret_key = secrets.token_urlsafe(32)
        env = worker_environment(database_url, secret_key, smtp_port, workdir)
        log = workdir / "workers.log"
        run_migrations(backend, env)
        # The same configuration in this process: its deliveries are queued in Redis, as the web processes' are.
        app = create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=database_url,
            SECRET_KEY=secret_key,
            USSD_GATEWAY_SECRET=secrets.token_urlsafe(32),
            SMS_GATEWAY_SECRET=secrets.token_urlsafe(32),
            TRACKING_CODE_KEY=TRACKING_CODE_KEY,
            REDIS_URL=REDIS_URL,
            RATELIMIT_STORAGE_URI="memory://",
        )
        context = app.app_context()
        context.push()
        stack.callback(context.pop)
        stack.callback(db.engine.dispose)
        stack.callback(db.session.remove)
        seed_demo(ticket_count=0)
        db.session.commit()
        runs = []
        for processes in args.processes:
            print(
                f"  {processes} worker process(es) x {args.threads} threads, {args.messages} messages "
                f"(load average before: {os.getloadavg()[0]:.1f}) ...",
                flush=True,
            )
            runs.append(measure(processes, args, env, smtp, queue, log))
        return runs


def print_table(backend: str, runs: list[Run]) -> None:
    """The figures of one backend, and the speed-up of the last worker count over the first."""
    print(f"\n{backend}")
    print(
        f"  {'processes':>9} {'threads':>8} {'messages':>9} {'seconds':>8} {'msg/s':>8} {'duplicates':>11} "
        f"{'worker CPU ms/msg':>18}"
    )
    for run in runs:
        print(
            f"  {run.processes:>9d} {run.threads:>8d} {run.messages:>9d} {run.seconds:>8.2f} {run.rate:>8.1f} "
            f"{run.duplicates:>11d} {run.cpu_ms:>18.2f}"
        )
    if len(runs) > 1:
        print(
            f"  {runs[-1].processes} processes / {runs[0].processes}: {runs[-1].rate / runs[0].rate:.2f} x", flush=True
        )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000, help="outbox rows per run (2000)")
    parser.add_argument("--processes", default="1,2", help="comma-separated worker process counts (1,2)")
    parser.add_argument("--threads", type=int, default=2, help="threads per queue of each worker process (2)")
    parser.add_argument("--backends", default="postgresql,sqlite", help="comma-separated: postgresql,sqlite")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a run may take to drain (600)")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("WANANCHI_BENCH_PG_URL", DEFAULT_PG_ADMIN_URL),
        help="PostgreSQL URL allowed to create and drop databases (env WANANCHI_BENCH_PG_URL)",
    )
    args = parser.parse_args(argv)
    args.processes = [int(count) for count in args.processes.split(",") if count.strip()]
    args.backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    unknown = set(args.backends) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))}")
    if args.messages < 1 or args.threads < 1 or not args.processes or min(args.processes) < 1:
        parser.error("--messages, --threads and every --processes count must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Start the SMTP server, run every backend, print its table; remove everything."""
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, exit_on_sigterm)
    os.chdir(ROOT)
    print(f"command: {shlex.join([shown_path(sys.executable), *sys.argv])}")
    print(f"code: {code_state()}")
    print(
        f"machine: {os.cpu_count()} cores (workers, PostgreSQL, Redis and the SMTP server share them); "
        f"Python {sys.version.split()[0]}"
    )
    print(
        f"set-up: `flask --app wsgi wananchi worker --workers {args.threads} --channel-workers {args.threads}` "
        "processes, WANANCHI_CONFIG=production, "
        f"queue {REDIS_URL}, aiosmtpd on loopback in this process; one delivery queued per row",
        flush=True,
    )
    with contextlib.ExitStack() as stack:
        queue = redis.Redis.from_url(REDIS_URL)
        stack.callback(queue.close)
        queue.ping()
        stack.callback(clear_queue, queue)
        smtp = SmtpCounter()
        smtp_port = free_port()
        controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        stack.callback(controller.stop)
        for backend in args.backends:
            print(f"\n[{backend}]", flush=True)
            print_table(backend, bench_backend(backend, args, smtp, smtp_port, queue))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: workers and SMTP server stopped, databases and temporary files removed", file=sys.stderr)
        sys.exit(130)
