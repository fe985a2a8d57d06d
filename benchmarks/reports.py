"""Server time of the reports at 1,000,000 tickets over 200 institutions and two years, on PostgreSQL.

Run from the repository root: `.venv/bin/python benchmarks/reports.py [--tickets 1000000] [--repeat 5]
[--explain]`. The script creates its own database, builds it with the migrations, loads the demo reference data,
adds institutions until there are 200, bulk-loads tickets (and transfers) with COPY — every figure the reports
read drawn at random — and times GET requests through the Flask test client: the national node report for one
year (oversight at the root), one institution's report for one month (its supervisor), and the public
statistics page. The database is dropped at the end, also on Ctrl-C or an error.

Each page is timed twice: computed afresh on every request (no snapshot stored), and as readers get it, with
report snapshots on: a report slower than REPORT_SNAPSHOT_MIN_MS is stored on its first request and served from
its snapshot afterwards, which the worker keeps fresh (wananchi/reports/snapshots.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import statistics
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Import the application from the repository root (and keep this folder, whose scripts are not packages, off the path).
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]

import sqlalchemy as sa  # noqa: E402

from benchmarks import queue_pages  # noqa: E402  (its COPY loader and timing loop)

DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "benchmark-password-2026"
INSTITUTIONS = 200
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=730)
TYPES = ("question", "complaint", "complaint", "suggestion", "opinion", "commendation")
OPEN = ("received", "in_progress", "awaiting_citizen", "answered", "reopened")
COLUMNS = (
    "id",
    "reference",
    "tracking_code_hash",
    "submission_key",
    "type",
    "status",
    "channel",
    "language",
    "category_id",
    "institution_id",
    "region_id",
    "district_id",
    "subject",
    "description",
    "identity",
    "created_at",
    "updated_at",
    "version",
    "first_response_at",
    "first_response_due_at",
    "first_response_minutes",
    "resolved_at",
    "resolution_due_at",
    "resolution_minutes",
    "satisfaction_rating",
    "submitted_day",
    "next_due_at",
    "sla_paused_at",
    "holder_since",
)
TRANSFER_COLUMNS = ("ticket_id", "from_institution_id", "to_institution_id", "reason", "created_at", "held_minutes")


def reference_data(app: Any) -> dict[str, Any]:
    """Demo places and services, institutions up to 200, and the two users the timings log in as."""
    from wananchi.accounts.models import Role
    from wananchi.accounts.services import create_user
    from wananchi.demo.seed import seed_demo
    from wananchi.extensions import db
    from wananchi.institutions.models import Category, District, Institution, InstitutionKind

    with app.app_context():
        seed_demo(ticket_count=0)
        institutions = list(db.session.scalars(sa.select(Institution).order_by(Institution.id)))
        root = next(i for i in institutions if i.parent_id is None)
        parents = [i for i in institutions if i.kind in (InstitutionKind.MINISTRY, InstitutionKind.REGION)] or [root]
        districts = list(db.session.scalars(sa.select(District)))
        for number in range(len(institutions), INSTITUTIONS):
            parent = parents[number % len(parents)]
            district = districts[number % len(districts)]
            db.session.add(
                Institution(
                    slug=f"taasisi-{number}",
                    kind=InstitutionKind.COUNCIL,
                    parent=parent,
                    name_sw=f"Halmashauri ya Majaribio {number}",
                    name_en=f"Benchmark Council {number}",
                    region_id=district.region_id,
                    district_id=district.id,
                )
            )
        db.session.flush()
        institutions = list(db.session.scalars(sa.select(Institution).order_by(Institution.id)))
        busy = institutions[len(institutions) // 3]
        create_user(
            email="kiongozi@bench.go.tz", name="Kiongozi", role=Role.OVERSIGHT, password=PASSWORD, institution=root
        )
        create_user(
            email="msimamizi@bench.go.tz", name="Msimamizi", role=Role.SUPERVISOR, password=PASSWORD, institution=busy
        )
        reference = {
            "institutions": [(i.id, i.region_id, i.district_id) for i in institutions],
            "categories": [c.id for c in db.session.scalars(sa.select(Category))],
            "districts": [(d.id, d.region_id) for d in districts],
            "root": root.id,
            "busy": busy.id,
            "busy_slug": busy.slug,
        }
        db.session.commit()
        return reference


def stored_reference(engine: sa.Engine) -> dict[str, Any]:
    """What the timings need of a database loaded earlier: the root, the timed institution and its slug."""
    with engine.connect() as connection:
        root = connection.execute(
            sa.text("SELECT institution_id FROM user_account WHERE email = 'kiongozi@bench.go.tz'")
        )
        busy = connection.execute(
            sa.text(
                "SELECT i.id, i.slug FROM user_account u JOIN institution i ON i.id = u.institution_id "
                "WHERE u.email = 'msimamizi@bench.go.tz'"
            )
        ).one()
        count = connection.execute(sa.text("SELECT count(*) FROM institution")).scalar_one()
        return {"root": root.scalar_one(), "busy": busy[0], "busy_slug": busy[1], "institutions": [None] * count}


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else "\\N"


def rows(count: int, ref: dict[str, Any], seed: int = 5) -> Any:
    """COPY lines for the tickets and for their transfers, oldest first."""
    from wananchi.sla.days import working_day_number

    rng = random.Random(seed)
    institutions = ref["institutions"]
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(institutions))]
    days: dict[dt.date, int] = {}
    step = SPAN / count
    start = NOW - SPAN
    for number in range(1, count + 1):
        created = start + step * number
        institution_id, region_id, district_id = rng.choices(institutions, weights)[0]
        if district_id is None and rng.random() < 0.5:
            district_id, region_id = rng.choice(ref["districts"])
        local_day = (created + dt.timedelta(hours=3)).date()
        if local_day not in days:
            days[local_day] = working_day_number(created)
        age = NOW - created
        recent = age < dt.timedelta(days=45)
        status = (
            rng.choice(OPEN)
            if (recent and rng.random() < 0.6) or rng.random() < 0.02
            else rng.choice(("resolved", "closed", "closed"))
        )
        first_due = created + dt.timedelta(days=rng.choice((2, 3, 7)))
        first_at = created + dt.timedelta(hours=rng.expovariate(1 / 30)) if status != "received" else None
        if first_at is not None and first_at > NOW:
            first_at = None
        resolution_due = created + dt.timedelta(days=rng.choice((9, 18, 42)))
        resolved_at = None
        if status in ("resolved", "closed"):
            resolved_at = min(NOW, created + dt.timedelta(hours=rng.expovariate(1 / 150)))
        paused = NOW - dt.timedelta(hours=5) if status == "awaiting_citizen" else None
        fields = (
            str(number),
            f"WN-B-{number:08d}",
            "0" * 64,
            f"bench-{number}",
            rng.choice(TYPES),
            status,
            rng.choice(("web", "web", "web", "sms", "api")),
            "sw",
            str(rng.choice(ref["categories"])) if rng.random() < 0.9 else "\\N",
            str(institution_id),
            str(region_id) if region_id else "\\N",
            str(district_id) if district_id else "\\N",
            "Huduma ya maji",
            "Maelezo ya majaribio ya ripoti.",
            "anonymous",
            created.isoformat(),
            created.isoformat(),
            "1",
            _iso(first_at),
            first_due.isoformat(),
            str(rng.randint(5, 3000)) if first_at else "\\N",
            _iso(resolved_at),
            resolution_due.isoformat(),
            str(rng.randint(30, 12000)) if resolved_at else "\\N",
            str(rng.randint(1, 5)) if resolved_at and rng.random() < 0.3 else "\\N",
            str(days[local_day]),
            _iso(resolution_due) if status not in ("resolved", "closed") else "\\N",
            _iso(paused),
            created.isoformat(),
        )
        transfer = None
        if rng.random() < 0.05:
            sender = rng.choices(institutions, weights)[0][0]
            if sender != institution_id:
                moved = created + dt.timedelta(hours=rng.randint(1, 60))
                transfer = (
                    "\t".join(
                        (
                            str(number),
                            str(sender),
                            str(institution_id),
                            "Si yetu",
                            moved.isoformat(),
                            str(rng.randint(10, 2000)),
                        )
                    )
                    + "\n"
                )
        yield "\t".join(fields) + "\n", transfer


def bulk_load(engine: sa.Engine, count: int, ref: dict[str, Any]) -> float:
    """Load `count` tickets and their transfers with the shared COPY loader of queue_pages.py."""
    transfers = io.StringIO()

    def ticket_lines() -> Iterator[str]:
        for line, transfer in rows(count, ref):
            if transfer:
                transfers.write(transfer)
            yield line

    def transfer_lines() -> Iterator[str]:
        yield transfers.getvalue()  # read after the tickets' COPY has filled it

    return queue_pages.copy_in(
        engine, [("ticket", COLUMNS, ticket_lines()), ("ticket_transfer", TRANSFER_COLUMNS, transfer_lines())]
    )


def log_in(client: Any, email: str) -> None:
    """Log a user in through the real form."""
    page = client.get("/ingia")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data) or re.search(
        rb'name="csrf_token" value="([^"]+)"', page.data
    )
    assert token, "no CSRF token on the login page"
    response = client.post("/ingia", data={"csrf_token": token.group(1).decode(), "email": email, "password": PASSWORD})
    assert response.status_code == 303, response.status_code


def explain(app: Any, client: Any, url: str) -> None:
    """Print EXPLAIN ANALYZE of every query one request of `url` runs against the tickets."""
    from wananchi.extensions import db

    captured: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if ("FROM ticket" in statement or "ticket_transfer" in statement) and not statement.startswith("EXPLAIN"):
            captured.append((statement, parameters))

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", record)
        try:
            client.get(url)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", record)
        with db.engine.connect() as connection:
            for statement, parameters in captured:
                plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                print("    " + "\n    ".join(row[0] for row in plan) + "\n")


def _figure(times: list[float], aim: int | None) -> str:
    """The median of some timings, and whether it meets the aim."""
    median = statistics.median(times)
    verdict = "" if aim is None else (" (met)" if median < aim else " (NOT met)")
    return f"median {median:8.1f} ms{verdict:<10}"


def run(
    admin_url: str, count: int, repeat: int, show_plans: bool, keep: bool = False, reuse: str | None = None
) -> None:
    """Create the database, load, time each page, print the figures; drop the database at the end.

    `keep`: leave the database in place (its name is printed); `reuse`: time an existing loaded database (kept).
    """
    import time_machine
    from flask_migrate import upgrade

    from wananchi import create_app
    from wananchi.core.db import normalise_database_url

    admin = sa.create_engine(normalise_database_url(admin_url), isolation_level="AUTOCOMMIT")
    name = reuse or f"wananchi_bench_reports_{uuid.uuid4().hex[:8]}"
    url = sa.make_url(normalise_database_url(admin_url)).set(database=name).render_as_string(hide_password=False)
    if reuse is None:
        with admin.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
    try:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
        with app.app_context():
            upgrade()
        engine = sa.create_engine(url)
        if reuse is None:
            ref = reference_data(app)
            seconds = bulk_load(engine, count, ref)
        else:
            ref, seconds = stored_reference(engine), 0.0
        with engine.connect() as connection:
            stored = connection.execute(sa.text("SELECT count(*) FROM ticket")).scalar_one()
            moved = connection.execute(sa.text("SELECT count(*) FROM ticket_transfer")).scalar_one()
            busy = connection.execute(
                sa.text("SELECT count(*) FROM ticket WHERE institution_id = :i"), {"i": ref["busy"]}
            ).scalar_one()
        engine.dispose()
        print(
            f"{stored:,} tickets and {moved:,} transfers over {len(ref['institutions'])} institutions loaded in "
            f"{seconds:.0f} s ({busy:,} tickets in the timed institution)"
        )
        with time_machine.travel(NOW, tick=True):
            national, supervisor, public = app.test_client(), app.test_client(), app.test_client()
            log_in(national, "kiongozi@bench.go.tz")
            log_in(supervisor, "msimamizi@bench.go.tz")
            pages = [
                ("national report, one year", national, f"/ripoti/ngazi/{ref['root']}?period=year", 1000),
                (
                    "institution report, one month",
                    supervisor,
                    f"/ripoti/taasisi/{ref['busy']}?period=range&from=2026-10-01&to=2026-10-31",
                    200,
                ),
                ("public page, country", public, "/takwimu/", None),
                ("public page, institution", public, f"/takwimu/{ref['busy_slug']}", None),
            ]
            snapshot_ms = app.config["REPORT_SNAPSHOT_MIN_MS"]
            print("  page                             computed afresh           as readers get it (snapshots on)")
            for label, client, target, aim in pages:
                with app.app_context():
                    from wananchi.extensions import db

                    db.session.execute(sa.text("DELETE FROM report_snapshot"))
                    db.session.commit()
                app.config["REPORT_SNAPSHOT_MIN_MS"] = 10**9  # nothing is stored: every request computes
                computed = queue_pages.measure(client, target, repeat)
                app.config["REPORT_SNAPSHOT_MIN_MS"] = snapshot_ms
                client.get(target)  # a slow report is stored now, as the worker keeps it fresh afterwards
                served = queue_pages.measure(client, target, repeat)
                print(f"  {label:<32} {_figure(computed, aim)}   {_figure(served, aim)}")
                if show_plans:
                    app.config["REPORT_SNAPSHOT_MIN_MS"] = 10**9
                    explain(app, client, target)
                    app.config["REPORT_SNAPSHOT_MIN_MS"] = snapshot_ms
    finally:
        if keep or reuse is not None:
            print(f"database kept: {name} (time it again with --reuse {name})")
        else:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=1_000_000, help="how many tickets to load")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN_URL, help="an administrative PostgreSQL URL")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the reports' queries")
    parser.add_argument("--keep", action="store_true", help="keep the loaded database for --reuse")
    parser.add_argument("--reuse", metavar="DATABASE", help="time a database kept by --keep instead of loading one")
    args = parser.parse_args(argv)
    run(args.pg_admin_url, args.tickets, args.repeat, args.explain, keep=args.keep, reuse=args.reuse)


if __name__ == "__main__":
    main()
