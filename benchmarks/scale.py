"""Scale: the staff queue, the target scan with nothing due and one institution's month report at growing sizes.

Run from the repository root: `.venv/bin/python benchmarks/scale.py [--sizes 100000,1000000] [--repeat 10]`
(`--sizes 1000000,10000000` is the issue's comparison; loading 10 million tickets takes about ten times as long
as one million and some 15 GB of disk). The script creates its own PostgreSQL database, runs the migrations, loads
the demo reference data and eight officers and a supervisor of one busy institution (a tenth of the tickets), then
for each size replaces the tickets with generated ones — two years of Swahili texts with their target columns
(`benchmarks/sla.py`'s generator on `benchmarks/queue_pages.py`'s COPY loader: indexes dropped and rebuilt, VACUUM
ANALYZE) — and times, through the Flask test client or the scan's own function:

- the queue: first page, the closed tab filtered by type and dates, a word search (an officer of the busy one);
- the target scan with nothing due (`scan_batch`, as the worker runs it every minute);
- the busy institution's report for one month (its supervisor), computed afresh on each request.

It prints the p50 and p90 of each, the database's size per million tickets, and each figure's ratio to the first
size (the aim: the largest within 1.5 times the smallest). The database is dropped at the end, also on an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]

import sqlalchemy as sa  # noqa: E402
import time_machine  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from benchmarks import queue_pages as bench_queue  # noqa: E402  (reference data, COPY loader, timing)
from benchmarks import sla as bench_sla  # noqa: E402  (tickets with their target columns, the idle scan)
from wananchi import create_app  # noqa: E402
from wananchi.core.db import normalise_database_url  # noqa: E402
from wananchi.extensions import db  # noqa: E402
from wananchi.institutions.models import Institution  # noqa: E402
from wananchi.sla.calendars import calendar_for  # noqa: E402

NOW = bench_queue.NOW
SUPERVISOR = "msimamizi@bench.go.tz"
AIM_RATIO = 1.5


def add_supervisor(app: Any, institution_id: int) -> None:
    from wananchi.accounts.models import Role
    from wananchi.accounts.services import create_user

    with app.app_context():
        institution = db.session.get(Institution, institution_id)
        create_user(
            email=SUPERVISOR,
            name="Msimamizi",
            role=Role.SUPERVISOR,
            password=bench_queue.PASSWORD,
            institution=institution,
        )
        db.session.commit()


def log_in(client: Any, email: str) -> None:
    """Log a user in through the real form."""
    page = client.get("/ingia")
    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data) or re.search(
        rb'name="csrf_token" value="([^"]+)"', page.data
    )
    assert found, "no CSRF token on the login page"
    data = {"csrf_token": found.group(1).decode(), "email": email, "password": bench_queue.PASSWORD}
    answer = client.post("/ingia", data=data)
    assert answer.status_code == 303, answer.status_code


def figures(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), bench_queue.percentile(times, 0.9)


def measure_size(app: Any, engine: sa.Engine, ref: Any, size: int, repeat: int) -> dict[str, Any]:
    with app.app_context():
        calendars = {i.id: calendar_for(i) for i in db.session.scalars(sa.select(Institution))}
    load_seconds = bench_sla.bulk_load(engine, size, ref, calendars, seed=2026)
    with engine.connect() as connection:
        database_bytes = connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one()
        ticket_bytes = connection.execute(sa.text("SELECT pg_total_relation_size('ticket')")).scalar_one()
    print(
        f"\n{size:,} tickets loaded in {load_seconds:.0f} s; database {database_bytes / 2**20:,.0f} MiB "
        f"(tickets with their indexes {ticket_bytes / 2**20:,.0f} MiB); load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    year_ago = (NOW - dt.timedelta(days=365)).date()
    results: dict[str, list[float]] = {}
    with time_machine.travel(NOW, tick=True):
        officer, supervisor = app.test_client(), app.test_client()
        log_in(officer, "afisa0@bench.go.tz")
        log_in(supervisor, SUPERVISOR)
        pages = {
            "queue, first page": (officer, "/afisa/foleni"),
            "queue, closed, filtered": (
                officer,
                f"/afisa/foleni?tab=closed&type=complaint&from={year_ago}&to={year_ago.replace(month=12)}",
            ),
            f"queue, search '{bench_queue.SEARCH_WORD}'": (
                officer,
                f"/afisa/foleni?tab=open&q={bench_queue.SEARCH_WORD}",
            ),
            "institution report, one month": (
                supervisor,
                f"/ripoti/taasisi/{ref.busy_id}?period=range&from=2026-10-01&to=2026-10-31",
            ),
        }
        app.config["REPORT_SNAPSHOT_MIN_MS"] = 10**9  # every request computes the report
        for label, (client, url) in pages.items():
            results[label] = bench_queue.measure(client, url, repeat)
            print(f"  {label:<36} p50 {figures(results[label])[0]:8.1f} ms   p90 {figures(results[label])[1]:8.1f} ms")
    with app.app_context():
        results["target scan, nothing due"] = bench_sla.idle_scan_times(max(repeat, 10))
    label = "target scan, nothing due"
    print(f"  {label:<36} p50 {figures(results[label])[0]:8.1f} ms   p90 {figures(results[label])[1]:8.1f} ms")
    return {"times": results, "bytes": database_bytes, "load": load_seconds}


def run(admin_url: str, sizes: list[int], repeat: int) -> None:
    admin = sa.create_engine(normalise_database_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"wananchi_bench_scale_{uuid.uuid4().hex[:8]}"
    url = sa.make_url(normalise_database_url(admin_url)).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    try:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=url,
            RATELIMIT_ENABLED=False,
            SECRET_KEY=secrets.token_hex(32),
        )
        with app.app_context():
            upgrade()
        logging.disable(logging.INFO)  # not a line per officer's log-in
        ref = bench_queue.reference_data(app)
        add_supervisor(app, ref.busy_id)
        engine = sa.create_engine(url)
        measured = {size: measure_size(app, engine, ref, size, repeat) for size in sizes}
        engine.dispose()
        first, last = sizes[0], sizes[-1]
        print(f"\nsummary (p50 in ms; ratio = {last:,} / {first:,}; aim at most {AIM_RATIO}x)")
        print(f"  {'':<36}" + "".join(f"{size:>14,}" for size in sizes) + f"{'ratio':>9}")
        for label in measured[first]["times"]:
            p50s = [figures(measured[size]["times"][label])[0] for size in sizes]
            ratio = p50s[-1] / p50s[0] if p50s[0] else float("nan")
            print(f"  {label:<36}" + "".join(f"{value:>14.1f}" for value in p50s) + f"{ratio:>8.2f}x")
        per_million = [measured[size]["bytes"] / size * 1_000_000 / 2**30 for size in sizes]
        print(f"  {'database GiB per million tickets':<36}" + "".join(f"{value:>14.2f}" for value in per_million))
        print(f"  {'load seconds':<36}" + "".join(f"{measured[size]['load']:>14.0f}" for size in sizes))
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="ticket counts, comma-separated, smallest first")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page and size")
    parser.add_argument(
        "--pg-admin-url", default=bench_queue.DEFAULT_PG_ADMIN_URL, help="administrative PostgreSQL URL"
    )
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if not sizes or sizes[0] < 1000 or args.repeat < 1:
        parser.error("--sizes must be at least 1000 each and --repeat at least 1")
    started = time.monotonic()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; sizes {sizes}", flush=True)
    run(args.pg_admin_url, sizes, args.repeat)
    print(f"\n{time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    main()
