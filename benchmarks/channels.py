"""USSD screens and inbound SMS per second, with their latencies, under gunicorn on PostgreSQL with Redis.

Each USSD client dials a new session and submits a complaint (home, submit, type, topic, service, text, identity,
confirm: eight screens, the last one storing the ticket), session state in Redis as in production; each SMS client
posts SMS that each become a new ticket. Operators drop a USSD session whose screens answer slowly: the aim is a p99
under 300 ms per screen.

Run from the repository root: `.venv/bin/python benchmarks/channels.py [--duration 30] [--clients 16] [--workers 2]`.
Everything stays on loopback; the database, the server and temporary files are removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import submit  # noqa: E402 - the submit benchmark's database, seeding and gunicorn helpers

SECRET = secrets.token_urlsafe(32)  # both gateways' secret for this run
WORDS = ("maji", "umeme", "barabara", "hospitali", "shule", "bili", "mtaa", "ofisi", "huduma", "siku", "tatizo")


def _text(rng: secrets.SystemRandom, count: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(count)) + f" {secrets.token_hex(3)}"


def _post(connection: http.client.HTTPConnection, path: str, fields: dict[str, str]) -> tuple[int, str]:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Gateway-Secret": SECRET}
    connection.request("POST", path, body=urlencode(fields), headers=headers)
    response = connection.getresponse()
    return response.status, response.read().decode()


def ussd_session(connection: http.client.HTTPConnection, rng: secrets.SystemRandom, record: Callable) -> None:
    """One complaint by USSD, screen by screen; each screen's latency recorded."""
    session_id = "bench-" + secrets.token_hex(8)
    phone = f"+2557{rng.randrange(10_000_000, 99_999_999)}"
    answers: list[str] = []
    for answer in (None, "2", "2", "1", "1", _text(rng, 6), "2", "1"):
        if answer is not None:
            answers.append(answer)
        fields = {"sessionId": session_id, "serviceCode": "*152*00#", "phoneNumber": phone, "networkCode": "63902"}
        started = time.perf_counter()
        status, body = _post(connection, "/ussd", {**fields, "text": "*".join(answers)})
        record(time.perf_counter() - started, status == 200 and body.startswith(("CON ", "END ")))


def inbound_sms(connection: http.client.HTTPConnection, rng: secrets.SystemRandom, record: Callable) -> None:
    """One SMS from a phone that becomes a new ticket."""
    fields = {
        "from": f"+2557{rng.randrange(10_000_000, 99_999_999)}",
        "to": "15200",
        "text": _text(rng, 10),
        "date": "",
        "id": "bench-" + secrets.token_hex(10),
        "linkId": "",
    }
    started = time.perf_counter()
    status, body = _post(connection, "/sms/inbound", fields)
    record(time.perf_counter() - started, status == 200 and body == "OK")


def run_load(port: int, pid: int, clients: int, duration: float, work: Callable) -> submit.Result:
    """`clients` threads each repeat `work` for `duration` seconds; every request's latency is kept."""
    result = submit.Result()
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def record(latency: float, ok: bool) -> None:
        with lock:
            result.latencies.append(latency)
            if ok:
                result.successes += 1
            else:
                result.errors += 1

    def loop() -> None:
        rng = secrets.SystemRandom()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while time.monotonic() < stop_at:
                work(connection, rng, record)
        finally:
            connection.close()

    cpu_before = submit.process_tree_cpu(pid)
    started = time.monotonic()
    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.monotonic() - started
    cpu_after = submit.process_tree_cpu(pid)
    if cpu_before is not None and cpu_after is not None:
        result.server_cpu = cpu_after - cpu_before
    return result


def main(argv: list[str] | None = None) -> int:
    """Measure both callbacks on a fresh PostgreSQL database and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=30, help="seconds of load for each callback")
    parser.add_argument("--clients", type=int, default=16, help="concurrent sessions (client threads)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--pg-admin-url", default=os.environ.get("WANANCHI_BENCH_PG_URL", submit.DEFAULT_PG_ADMIN_URL))
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, submit.exit_on_sigterm)
    os.chdir(submit.ROOT)
    print(f"code: {submit.code_state()}; load average before: {os.getloadavg()[0]:.2f}")
    with contextlib.ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix="wananchi-bench-channels-"))
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        database_url = submit.create_database("postgresql", workdir, args.pg_admin_url, stack)
        secret_key = secrets.token_urlsafe(32)
        env = submit.server_environment(database_url, secret_key, workdir)
        env.update(USSD_GATEWAY_SECRET=SECRET, SMS_GATEWAY_SECRET=SECRET, USSD_SESSION_STORE="redis")
        submit.run_migrations("postgresql", env)
        submit.load_reference_data(database_url, secret_key)
        port, pid = submit.start_gunicorn("wsgi:app", env, args.workers, workdir / "server.log", stack)
        print(f"gunicorn: {args.workers} sync workers, {args.clients} concurrent sessions, {args.duration:.0f} s each")
        print(f"{'callback':<22}{'per second':>12}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'server CPU ms':>15}")
        for name, work in (("USSD screens", ussd_session), ("inbound SMS", inbound_sms)):
            result = run_load(port, pid, args.clients, args.duration, work)
            print(
                f"{name:<22}{result.rate:>12.1f}{result.percentile(50):>9.1f}{result.percentile(99):>9.1f}"
                f"{result.errors:>8}{result.server_cpu_ms:>15.1f}",
                flush=True,
            )
    print(f"load average after: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
