"""Scale: the staff queue, the target scan with nothing due and one institution's month report at growing sizes.

Run from the repository root: `.venv/bin/python benchmarks/scale.py [--sizes 100000,1000000] [--repeat 10]
[--explain]` (`--sizes 1000000,10000000` is the issue's comparison). The script creates its own PostgreSQL database,
runs the migrations, loads the demo reference data and eight officers and a supervisor of one busy institution (a
tenth of the tickets). For the smallest size it replaces the tickets with generated ones — two years of Swahili texts
with their target columns (`benchmarks/sla.py`'s generator on `benchmarks/queue_pages.py`'s COPY loader: indexes
dropped and rebuilt, VACUUM ANALYZE); every larger size (a multiple of the smallest) is those tickets with a longer
history before them, copied inside PostgreSQL (`multiply`: the same loader; each institution receives the same tickets
a month at every size, checked). At each size it times, through the Flask test client or the scan's own function:

- the queue: first page, the closed tab filtered by type and dates, a word search (an officer of the busy one);
- the target scan with nothing due (`scan_batch`, as the worker runs it every minute);
- the busy institution's report for one month (its supervisor), computed afresh on each request.

It prints the p50 and p90 of each, the database's size per million tickets, and each figure's ratio to the first
size (the aim: the largest within 1.5 times the smallest). The database is dropped at the end, also on Ctrl-C,
SIGTERM or an error; its name is printed first, to drop it by hand after a SIGKILL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import secrets
import signal
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
from wananchi.tickets.models import OPEN_STATUSES  # noqa: E402

NOW = bench_queue.NOW
SUPERVISOR = "msimamizi@bench.go.tz"
AIM_RATIO = 1.5
STOPPED_CLOCK = ("next_due_at", "next_sla_check_at", "sla_paused_at")  # none left on a closed ticket


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


def multiply(engine: sa.Engine, factor: int) -> float:
    """Replace the tickets with the smallest size's generated ones and `factor - 1` earlier copies of them, built
    inside PostgreSQL; returns the seconds taken.

    PRODUCT.md plans for a million tickets a year and ten million stored: a larger database holds a longer history,
    not busier institutions. So a larger size keeps the generated two years as they are and puts before them copies
    moved 730 days earlier each (copy j by j × 730 days): every institution receives the same tickets each month as at
    the smallest size, for `factor` times as long, and the last two years — all that is open, the month reported, the
    queue's first pages — are the very same tickets. A ticket more than two years old is done: an open one is closed
    in its copies, with no clock left running. Ids follow time (the oldest copy first, written in that order on disk,
    as COPY writes the generated ones), references are numbered past the newer copies' numbers, submission keys follow
    the ids. The generated tickets stay in the unlogged table bench_base for the next size (not counted in the
    database's size); the result is checked against them."""
    started = time.perf_counter()
    with engine.connect() as connection:
        columns = connection.execute(
            sa.text(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'ticket' "
                "AND table_schema = current_schema() AND is_generated = 'NEVER' ORDER BY ordinal_position"
            )
        ).all()
        if connection.execute(sa.text("SELECT to_regclass('bench_base')")).scalar() is None:
            connection.execute(sa.text("CREATE UNLOGGED TABLE bench_base AS SELECT * FROM ticket"))
            connection.execute(sa.text("ALTER TABLE bench_base ADD PRIMARY KEY (id)"))
            connection.commit()
        base_count = connection.execute(sa.text("SELECT count(*) FROM bench_base")).scalar_one()
    number = "split_part(b.reference, '-', 3)::bigint + %(copy)s * %(base)s"  # six digits at least, as references have
    closing = "%(copy)s > 0 AND b.status = ANY(%(open)s::text[])"  # an open ticket in an earlier copy
    computed = {
        "id": "(%(factor)s - 1 - %(copy)s) * %(base)s + b.id",
        "reference": "'WN-' || (split_part(b.reference, '-', 2)::int - 2 * %(copy)s) || '-' || "
        f"lpad(({number})::text, greatest(6, length(({number})::text)), '0')",
        "submission_key": "'bench-' || ((%(factor)s - 1 - %(copy)s) * %(base)s + b.id)",
        "status": f"CASE WHEN {closing} THEN 'closed' ELSE b.status END",
        **{name: f"CASE WHEN {closing} THEN NULL ELSE b.{name} END" for name in STOPPED_CLOCK},
    }
    values = [
        computed.get(name)
        or (f"b.{name} - %(copy)s * interval '730 days'" if kind == "timestamp with time zone" else f"b.{name}")
        for name, kind in columns
    ]
    with bench_queue.replacing(engine, ["ticket"]) as cursor:
        for copy in range(factor - 1, -1, -1):  # the oldest first
            cursor.execute(
                f"INSERT INTO ticket ({', '.join(name for name, _kind in columns)}) "
                f"SELECT {', '.join(values)} FROM bench_base b ORDER BY b.id",
                {"factor": factor, "copy": copy, "base": base_count, "open": sorted(OPEN_STATUSES)},
            )
    seconds = time.perf_counter() - started
    with engine.connect() as connection:
        differing = connection.execute(
            sa.text(
                "SELECT (SELECT count(*) FROM ticket) - :factor * :base + (SELECT count(*) FROM ("
                "SELECT reference, institution_id, type, status, assignee_id, created_at, next_sla_check_at "
                "FROM bench_base EXCEPT SELECT reference, institution_id, type, status, assignee_id, created_at, "
                "next_sla_check_at FROM ticket WHERE id > (:factor - 1) * :base) AS changed) + (SELECT count(*) FROM "
                "(SELECT institution_id, type, :factor * count(*) FROM bench_base GROUP BY 1, 2 EXCEPT SELECT "
                "institution_id, type, count(*) FROM ticket GROUP BY 1, 2) AS other_shares) + (SELECT count(*) FROM "
                "ticket WHERE id <= (:factor - 1) * :base AND (status = ANY(:open) OR next_sla_check_at IS NOT NULL))"
            ),
            {"factor": factor, "base": base_count, "open": sorted(OPEN_STATUSES)},
        ).scalar_one()
    assert differing == 0, "the copies are not the generated tickets over a longer history"
    return seconds


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


def measure_size(
    app: Any, engine: sa.Engine, ref: Any, size: int, smallest: int, repeat: int, show_plans: bool
) -> dict[str, Any]:
    """Load `size` tickets (generated for the smallest size, copies of those for the others) and time the pages."""
    if size == smallest:
        with app.app_context():
            calendars = {i.id: calendar_for(i) for i in db.session.scalars(sa.select(Institution))}
        load_seconds = bench_sla.bulk_load(engine, size, ref, calendars, seed=2026)
    else:
        load_seconds = multiply(engine, size // smallest)
    with engine.connect() as connection:
        database_bytes = connection.execute(
            sa.text(
                "SELECT pg_database_size(current_database()) - "
                "coalesce(pg_total_relation_size(to_regclass('bench_base')), 0)"
            )
        ).scalar_one()
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
            if show_plans:
                bench_queue.explain(app, client, url)
    with app.app_context():
        results["target scan, nothing due"] = bench_sla.idle_scan_times(max(repeat, 10))
        if show_plans:
            bench_sla.explain_scan()
    label = "target scan, nothing due"
    print(f"  {label:<36} p50 {figures(results[label])[0]:8.1f} ms   p90 {figures(results[label])[1]:8.1f} ms")
    return {"times": results, "bytes": database_bytes, "load": load_seconds}


def run(admin_url: str, sizes: list[int], repeat: int, show_plans: bool) -> None:
    admin = sa.create_engine(normalise_database_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"wananchi_bench_scale_{uuid.uuid4().hex[:8]}"
    url = sa.make_url(normalise_database_url(admin_url)).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    print(
        f"database {name}: dropped at the end, also on Ctrl-C, SIGTERM or an error; after a SIGKILL drop it with "
        f'DROP DATABASE "{name}" WITH (FORCE)',
        flush=True,
    )
    previous_term = signal.signal(signal.SIGTERM, bench_sla._interrupt)
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
        measured = {size: measure_size(app, engine, ref, size, sizes[0], repeat, show_plans) for size in sizes}
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
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the clean-up
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, previous_term)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="ticket counts, comma-separated, smallest first")
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per page and size")
    parser.add_argument(
        "--pg-admin-url", default=bench_queue.DEFAULT_PG_ADMIN_URL, help="administrative PostgreSQL URL"
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each page's ticket queries")
    args = parser.parse_args(argv)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if not sizes or sizes[0] < 1000 or any(size % sizes[0] for size in sizes) or args.repeat < 1:
        parser.error("--sizes must be at least 1000 each and multiples of the smallest, --repeat at least 1")
    started = time.monotonic()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; sizes {sizes}", flush=True)
    run(args.pg_admin_url, sizes, args.repeat, args.explain)
    print(f"\n{time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    main()
