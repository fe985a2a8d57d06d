"""SLA benchmark: due-date computations per second, and the escalation scan's time on PostgreSQL.

Run from the repository root: `.venv/bin/python benchmarks/sla.py [--count 100000] [--repeat 5] [--seed 2026]
[--tickets 1000000] [--due 1000] [--explain] [--skip-scan]`.

Arithmetic: for targets of 2, 7, 14 and 30 working days, one `add_working_minutes` per random start instant (spread
over 2026 and 2027, at microsecond resolution), on the standard calendar (Monday–Friday 07:30–15:30, Tanzanian
public holidays) and on a 24/7 one. Prints the best of `--repeat` runs as due dates per second; the aim is at least
50,000 per second.

Scan: creates its own PostgreSQL database, runs the migrations, seeds the demo reference data, bulk-loads
`--tickets` tickets with COPY (the generator of benchmarks/queue_pages.py plus SLA columns: closed tickets have no
next check, open ones have deadlines in the coming days and weeks, none due at the measurement instant) and times,
in a production-config application context: `scan_batch(now)` with nothing due (p50/p90 of 30; the aim is under 100
ms); `run_scan` after making `--due` open tickets due (fresh state each repetition); and the nothing-due scan again
at 10,000 tickets. The database is dropped at the end, also on Ctrl-C, SIGTERM or an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import signal
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

# Import the application from the repository root (and keep this folder, whose scripts are not packages, off the path).
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from huey.storage import RedisStorage  # noqa: E402

from benchmarks import queue_pages as bench_queue  # noqa: E402  (its ticket generator, reference data, loader)
from wananchi import create_app  # noqa: E402
from wananchi.core.db import normalise_database_url  # noqa: E402
from wananchi.core.tasks import huey  # noqa: E402
from wananchi.extensions import db  # noqa: E402
from wananchi.institutions.models import Institution  # noqa: E402
from wananchi.sla.calendars import calendar_for  # noqa: E402
from wananchi.sla.clock import WARN_SHARE  # noqa: E402
from wananchi.sla.escalation import SYSTEM, run_scan, scan_batch  # noqa: E402
from wananchi.sla.policies import (  # noqa: E402
    ALWAYS_OPEN,
    WorkingCalendar,
    add_working_minutes,
    standard_calendar,
    working_minutes_between,
)
from wananchi.sla.targets import DEFAULT_TARGETS  # noqa: E402
from wananchi.tickets.models import OPEN_STATUSES, TicketType  # noqa: E402

TARGET_DAYS = (2, 7, 14, 30)
SPAN_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=730)
GOAL_PER_SECOND = 50_000

SCAN_GOAL_MS = 100.0
SCAN_REPEAT = 30
DUE_REPEAT = 5
COMPARE_TICKETS = 10_000
NOW = bench_queue.NOW  # the measurement instant: the newest generated ticket was submitted then
REDIS_URL = "redis://127.0.0.1:6379/15"
SLA_COLUMNS = (
    "holder_since",
    "holder_responded_at",
    "first_response_warn_at",
    "first_response_due_at",
    "resolution_warn_at",
    "resolution_due_at",
    "next_due_at",
    "next_sla_check_at",
    "sla_paused_at",
    "first_response_minutes",
    "resolution_minutes",
)
DEADLINE_COLUMNS = SLA_COLUMNS[2:8]


def random_starts(count: int, seed: int) -> list[dt.datetime]:
    """`count` aware UTC instants spread uniformly over the two years from SPAN_START."""
    rng = random.Random(seed)
    span_us = SPAN // dt.timedelta(microseconds=1)
    return [SPAN_START + dt.timedelta(microseconds=rng.randrange(span_us)) for _ in range(count)]


def due_dates_per_second(calendar: WorkingCalendar, starts: Sequence[dt.datetime], minutes: int, repeat: int) -> float:
    """Best rate over `repeat` runs of one `add_working_minutes(calendar, start, minutes)` per start."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for start in starts:
            add_working_minutes(calendar, start, minutes)
        best = min(best, time.perf_counter() - began)
    return len(starts) / best


def measure_arithmetic(count: int, repeat: int, seed: int) -> None:
    """Print due dates per second for each target on the standard and the 24/7 calendar."""
    calendars = {
        "standard (Mon-Fri 07:30-15:30, TZ holidays)": standard_calendar(range(2026, 2029)),
        "24/7": ALWAYS_OPEN,
    }
    starts = random_starts(count, seed)
    print(f"Due dates per second: {count:,} random starts over 2026-2027, best of {repeat} (goal {GOAL_PER_SECOND:,})")
    print(f"{'calendar':<46}{'target':>10}{'per second':>14}")
    for name, calendar in calendars.items():
        for days in TARGET_DAYS:
            rate = due_dates_per_second(calendar, starts, days * calendar.minutes_per_working_day, repeat)
            flag = "" if rate >= GOAL_PER_SECOND else "  below goal"
            print(f"{name:<46}{f'{days} days':>10}{rate:>14,.0f}{flag}")


def _instant(value: dt.datetime | None) -> str:
    """A COPY text field for an optional instant."""
    return value.isoformat() if value else "\\N"


def sla_fields(rng: random.Random, calendar: WorkingCalendar, kind: str, status: str, created: dt.datetime) -> str:
    """The SLA columns of one generated ticket, as COPY text: the clock as `wananchi.sla.clock` would have left it."""
    day = calendar.minutes_per_working_day
    targets = DEFAULT_TARGETS[TicketType(kind)]
    first_minutes, resolution_minutes = targets.first_response_days * day, targets.resolution_days * day
    first_warn_minutes, resolution_warn_minutes = (
        round(first_minutes * WARN_SHARE),
        round(resolution_minutes * WARN_SHARE),
    )
    if status not in OPEN_STATUSES:  # done: deadlines from submission, nothing left to check
        responded = created + dt.timedelta(hours=rng.uniform(1, 72))
        first_warn, first_due, resolution_warn, resolution_due = (
            add_working_minutes(calendar, created, minutes)
            for minutes in (first_warn_minutes, first_minutes, resolution_warn_minutes, resolution_minutes)
        )
        values = [created, responded, first_warn, first_due, resolution_warn, resolution_due, None, None, None]
        minutes = (working_minutes_between(calendar, created, responded), rng.randint(60, 2 * resolution_minutes))
        return "\t".join([*map(_instant, values), *map(str, minutes)])
    # Open: the holder got it recently enough that its earliest pending warning is still ahead of NOW.
    responded_already = status in ("answered", "awaiting_citizen") or (
        status in ("in_progress", "reopened") and rng.random() < 0.5
    )
    earliest_warn = resolution_warn_minutes if responded_already else first_warn_minutes
    start = max(created, NOW - dt.timedelta(days=rng.uniform(0, earliest_warn / day * 7 / 5)))
    while add_working_minutes(calendar, start, earliest_warn) <= NOW:
        start = NOW - (NOW - start) / 2
    first_warn, first_due, resolution_warn, resolution_due = (
        add_working_minutes(calendar, start, minutes)
        for minutes in (first_warn_minutes, first_minutes, resolution_warn_minutes, resolution_minutes)
    )
    responded = start + (NOW - start) * rng.random() if responded_already else None
    paused = responded + (NOW - responded) * rng.random() if status == "awaiting_citizen" and responded else None
    next_due = resolution_due if responded_already else min(first_due, resolution_due)
    next_check = None if paused else (resolution_warn if responded_already else first_warn)
    first_response = str(working_minutes_between(calendar, created, responded)) if responded else "\\N"
    values = [start, responded, first_warn, first_due, resolution_warn, resolution_due, next_due, next_check, paused]
    return "\t".join([*map(_instant, values), first_response, "\\N"])


def ticket_rows(count: int, ref: Any, calendars: dict[int, WorkingCalendar], seed: int) -> Iterator[str]:
    """COPY text lines: the tickets of benchmarks/queue_pages.py with their SLA columns appended."""
    rng = random.Random(seed)
    position = {name: index for index, name in enumerate(bench_queue.COLUMNS)}
    for line in bench_queue.ticket_rows(count, ref, seed):
        fields = line[:-1].split("\t")
        del fields[position["next_due_at"]]  # the SLA columns below set it from the clock
        sla = sla_fields(
            rng,
            calendars[int(fields[position["institution_id"]])],
            fields[position["type"]],
            fields[position["status"]],
            dt.datetime.fromisoformat(fields[position["created_at"]]),
        )
        yield "\t".join(fields) + f"\t{sla}\n"


def bulk_load(engine: sa.Engine, count: int, ref: Any, calendars: dict[int, WorkingCalendar], seed: int) -> float:
    """Replace every ticket with `count` generated ones, SLA columns included (the shared COPY loader)."""
    columns = (*(name for name in bench_queue.COLUMNS if name != "next_due_at"), *SLA_COLUMNS)
    return float(bench_queue.copy_in(engine, [("ticket", columns, ticket_rows(count, ref, calendars, seed))]))


def idle_scan_times(repeat: int) -> list[float]:
    """Milliseconds of `repeat` `scan_batch(NOW)` calls that find nothing due, after one warm-up call."""
    times = []
    for run in range(repeat + 1):
        began = time.perf_counter()
        result = scan_batch(NOW)
        elapsed = (time.perf_counter() - began) * 1000
        db.session.rollback()
        assert result.tickets == 0, f"{result.tickets} tickets were due"
        if run:
            times.append(elapsed)
    return times


def explain_scan() -> None:
    """Print PostgreSQL's EXPLAIN ANALYZE of the scan's ticket select (one `scan_batch(NOW)`)."""
    captured: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM ticket" in statement and "next_sla_check_at <=" in statement:
            captured.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        scan_batch(NOW)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
        db.session.rollback()
    with db.engine.connect() as connection:
        for statement, parameters in captured:
            plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            print("    " + "\n    ".join(row[0] for row in plan))
        connection.rollback()


def prepare_due(due: int, seed: int) -> int:
    """Pick `due` open tickets with a next check and remember how to move their clocks into the past; the count."""
    candidates = db.session.scalars(sa.text("SELECT id FROM ticket WHERE next_sla_check_at IS NOT NULL")).all()
    chosen = random.Random(seed).sample(candidates, min(due, len(candidates)))
    # Each one's earliest check moves to between a minute and three days before NOW, and its deadlines with it.
    db.session.execute(
        sa.text(
            f"CREATE TABLE bench_due AS SELECT id, {', '.join(DEADLINE_COLUMNS)}, next_sla_check_at - "
            "(:now - make_interval(hours => (id % 72)::int) - interval '1 minute') AS shift "
            "FROM ticket WHERE id = ANY(:ids)"
        ),
        {"now": NOW, "ids": chosen},
    )
    db.session.commit()
    return len(chosen)


def make_due() -> None:
    """Undo the previous scan's work and set the chosen tickets' clocks into the past again."""
    moved = ", ".join(f"{column} = b.{column} - b.shift" for column in DEADLINE_COLUMNS)
    db.session.execute(sa.text("DELETE FROM escalation"))
    db.session.execute(sa.text("DELETE FROM outbox_message"))
    db.session.execute(sa.text("DELETE FROM ticket_event WHERE actor = :system"), {"system": SYSTEM})
    db.session.execute(sa.text(f"UPDATE ticket t SET {moved} FROM bench_due b WHERE t.id = b.id"))
    db.session.commit()
    db.session.remove()


def due_scans(repeat: int) -> list[tuple[float, float, int, Counter[str], int]]:
    """For each fresh repetition: `run_scan`'s wall and own CPU ms, tickets scanned, steps by level, SQL statements."""
    statements = 0

    def count(*_args: Any) -> None:
        nonlocal statements
        statements += 1

    runs = []
    for _run in range(repeat):
        make_due()
        statements = 0
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            began, began_cpu = time.perf_counter(), time.process_time()
            result = run_scan(db.session.commit, NOW)
            elapsed, cpu = (time.perf_counter() - began) * 1000, (time.process_time() - began_cpu) * 1000
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        levels = Counter(str(step.level) for step in result.steps)
        runs.append((elapsed, cpu, result.tickets, levels, statements))
        db.session.remove()
    return runs


def print_times(label: str, times: list[float]) -> None:
    """One line: p50 and p90 of `times` in milliseconds, flagged against the aim."""
    p50, p90 = statistics.median(times), bench_queue.percentile(times, 0.9)
    flag = "" if p50 < SCAN_GOAL_MS else f"  over the aim ({SCAN_GOAL_MS:.0f} ms)"
    print(f"  {label:<44} p50 {p50:8.2f} ms   p90 {p90:8.2f} ms{flag}")


def measure_scan(admin_url: str, tickets: int, due: int, seed: int, show_plans: bool) -> None:
    """Create the database, load it, time the scan at `tickets` and at 10,000 tickets; drop the database at the end."""
    admin = sa.create_engine(normalise_database_url(admin_url), isolation_level="AUTOCOMMIT")
    name = f"wananchi_bench_sla_{uuid.uuid4().hex[:8]}"
    url = sa.make_url(normalise_database_url(admin_url)).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    # The outbox's deliveries are enqueued after each commit, as in production, but on a queue of this run's own that
    # no worker reads and that is emptied at the end.
    deliveries = RedisStorage(name, url=REDIS_URL)
    previous_term = signal.signal(signal.SIGTERM, _interrupt)
    try:
        app = create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=url,
            SECRET_KEY=secrets.token_hex(32),
            USSD_GATEWAY_SECRET=secrets.token_hex(32),
            SMS_GATEWAY_SECRET=secrets.token_hex(32),
            TRACKING_CODE_KEY=secrets.token_hex(32),
            REDIS_URL=REDIS_URL,
            RATELIMIT_STORAGE_URI="memory://",
            RATELIMIT_ENABLED=False,
        )
        huey.storage = deliveries
        with app.app_context():
            upgrade()
        ref = bench_queue.reference_data(app)
        engine = sa.create_engine(url)
        idle: dict[int, list[float]] = {}
        for size in dict.fromkeys((tickets, COMPARE_TICKETS)):
            with app.app_context():
                calendars = {i.id: calendar_for(i) for i in db.session.scalars(sa.select(Institution))}
            load_seconds = bulk_load(engine, size, ref, calendars, seed)
            with engine.connect() as connection:
                counts = connection.execute(
                    sa.text("SELECT count(*) FILTER (WHERE status = ANY(:open)), count(next_sla_check_at) FROM ticket"),
                    {"open": sorted(OPEN_STATUSES)},
                ).one()
            print(
                f"\n{size:,} tickets loaded in {load_seconds:.1f} s ({counts[0]:,} open, {counts[1]:,} with a next "
                f"check; none due at {NOW:%Y-%m-%d %H:%M} UTC); load average {os.getloadavg()[0]:.1f}"
            )
            with app.app_context():
                idle[size] = idle_scan_times(SCAN_REPEAT)
                print_times(f"scan_batch, nothing due ({SCAN_REPEAT} runs)", idle[size])
                if show_plans:
                    explain_scan()
                if size == tickets:
                    report_due(prepare_due(due, seed), DUE_REPEAT)
        engine.dispose()
        if len(idle) > 1:
            ratio = statistics.median(idle[tickets]) / statistics.median(idle[COMPARE_TICKETS])
            print(f"\nnothing-due scan, p50 at {tickets:,} / p50 at {COMPARE_TICKETS:,} tickets: {ratio:.2f}x")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not stop the clean-up
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        deliveries.flush_all()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, previous_term)


def report_due(chosen: int, repeat: int) -> None:
    """Time `run_scan` with `chosen` tickets due and print each run, the median and the steps taken."""
    runs = due_scans(repeat)
    print(f"  run_scan, {chosen:,} tickets due ({repeat} runs, each from the same fresh state):")
    for elapsed, cpu, scanned, levels, statements in runs:
        steps = ", ".join(f"{level} {number}" for level, number in sorted(levels.items()))
        print(
            f"    {elapsed:8.1f} ms ({cpu:6.1f} ms CPU here)  {elapsed / max(scanned, 1):5.2f} ms per ticket  "
            f"{scanned:,} tickets  {sum(levels.values()):,} steps ({steps})  {statements:,} SQL statements"
        )
    p50 = statistics.median(elapsed for elapsed, *_rest in runs)
    print(f"  {'run_scan, p50':<44} {p50:8.1f} ms   {p50 / max(chosen, 1):6.2f} ms per ticket")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM: stop like Ctrl-C, so the clean-up runs."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options and run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="start instants per measurement (100,000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the best counts (5)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the random start instants and tickets (2026)")
    parser.add_argument("--scan", dest="scan", action="store_true", default=True, help="time the scan (the default)")
    parser.add_argument("--skip-scan", dest="scan", action="store_false", help="only the arithmetic")
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets stored for the scan (1,000,000)")
    parser.add_argument("--due", type=int, default=1_000, help="open tickets made due for run_scan (1,000)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the scan's select")
    parser.add_argument("--pg-admin-url", default=bench_queue.DEFAULT_PG_ADMIN_URL, help="a PostgreSQL admin URL")
    args = parser.parse_args(argv)
    measure_arithmetic(args.count, args.repeat, args.seed)
    if args.scan:
        measure_scan(args.pg_admin_url, args.tickets, args.due, args.seed, args.explain)


if __name__ == "__main__":
    main()
