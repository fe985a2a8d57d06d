"""Server time of the staff queue and ticket page at 10,000 and 1,000,000 tickets on PostgreSQL.

Run from the repository root: `.venv/bin/python benchmarks/queue_pages.py [--sizes 10000,1000000] [--repeat 30]
[--explain]`. The script creates a database per size, builds each with the migrations, loads the demo reference
data, bulk-loads tickets with COPY (one "busy" institution holds a tenth of them), and times GET requests
through the Flask test client logged in as an officer of the busy institution. The sizes are timed in turn,
request by request, so that a machine busy with other work slows every size alike and the ratios compare like
with like. The databases are dropped at the end, also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import re
import statistics
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# This file is named like the standard library's `queue`: take its folder off the path before anything imports that.
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]

import sqlalchemy as sa  # noqa: E402

DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "benchmark-password-2026"
BUSY_SLUG = "tanesco"
BUSY_SHARE = 0.10
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=730)
TYPES = (("question", 30), ("complaint", 45), ("suggestion", 10), ("opinion", 10), ("commendation", 5))
OPEN_MIX = (("received", 25), ("in_progress", 35), ("awaiting_citizen", 10), ("answered", 15), ("reopened", 3))
OLD_MIX = (("closed", 70), ("resolved", 25), ("answered", 2), ("in_progress", 2), ("reopened", 1))
# Swahili words, most common first; their frequency in the text falls off like Zipf's law.
_WORDS_TEXT = (
    "huduma tatizo maji umeme ofisi wananchi mtaa ombi malipo siku bili wiki mwezi kituo barabara shule "
    "hospitali dawa mwalimu kijiji mita nguzo transfoma luku wateja gharama kodi ardhi hati kibali leseni "
    "cheti kuzaliwa kitambulisho nida usajili mkopo pensheni mshahara ajira polisi mahakama soko taka usafi "
    "mfereji bomba mabomba kisima tanki mvua mafuriko daraja lami vumbi kelele moto ujenzi nyumba kiwanja "
    "mpaka mgogoro fidia tathmini malalamiko pongezi shukrani pendekezo maoni ushauri haraka kuchelewa "
    "rushwa ucheleweshaji foleni dirisha mtandao simu ujumbe barua fomu risiti stakabadhi deni faini adhabu "
    "ukaguzi kliniki zahanati chanjo mama mtoto wazee walemavu vijana wanafunzi ada mtihani matokeo kitabu "
    "darasa choo uzio walinzi usalama taa giza wizi mifugo kilimo mbolea mbegu pembejeo bei zao ushirika "
    "uvuvi boti bandari kivuko basi daladala nauli tiketi reli abiria mizigo forodha ushuru mpakani"
)
VOCABULARY = _WORDS_TEXT.split()
WEIGHTS = [1 / (rank + 1) ** 0.9 for rank in range(len(VOCABULARY))]
SEARCH_WORD = "transfoma"  # rank ~23: a word a few percent of tickets contain
COMMON_WORD = "huduma"  # the most common word
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
    "assignee_id",
    "appealed_at",
    "created_at",
    "updated_at",
    "version",
    "next_due_at",
)


@dataclass(frozen=True)
class Reference:
    """What the generator draws from: institutions, their categories and places, the busy institution's staff."""

    institutions: list[tuple[int, int | None, int | None]]  # (id, region_id, district_id)
    categories: dict[int, list[int]]  # institution id -> its category ids
    local_categories: list[int]
    all_categories: list[int]
    districts: list[tuple[int, int]]  # (district id, region id)
    busy_id: int
    officer_ids: list[int]


def pick(rng: random.Random, mix: tuple[tuple[str, int], ...]) -> str:
    """A value drawn from (value, weight) pairs."""
    return rng.choices([value for value, _w in mix], [weight for _v, weight in mix])[0]


def ticket_rows(count: int, ref: Reference, seed: int = 7) -> Iterator[str]:
    """COPY text lines for `count` tickets spread over two years, oldest first."""
    rng = random.Random(seed)
    others = [inst for inst in ref.institutions if inst[0] != ref.busy_id]
    busy = next(inst for inst in ref.institutions if inst[0] == ref.busy_id)
    other_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(others))]
    step = SPAN / count
    start = NOW - SPAN
    yearly: dict[int, int] = {}
    for number in range(1, count + 1):
        created = start + step * number + dt.timedelta(seconds=rng.random() * 30)
        institution_id, region_id, district_id = (
            busy if rng.random() < BUSY_SHARE else rng.choices(others, other_weights)[0]
        )
        if district_id is None and rng.random() < 0.5:
            district_id, region_id = rng.choice(ref.districts)
        own = ref.categories.get(institution_id) or (ref.local_categories if district_id else ref.all_categories)
        category_id = rng.choice(own) if rng.random() < 0.9 else None
        age = NOW - created
        status = pick(rng, OPEN_MIX if age < dt.timedelta(days=45) else OLD_MIX)
        assignee = ""
        if institution_id == ref.busy_id and status != "received" and rng.random() < 0.9:
            assignee = str(rng.choice(ref.officer_ids))
        appealed = ""
        if status == "reopened" and rng.random() < 0.5:
            appealed = (created + dt.timedelta(days=20)).isoformat()
        ticket_type = pick(rng, TYPES)
        chased = status not in ("resolved", "closed") and ticket_type != "commendation"
        due = created + dt.timedelta(days=rng.choice((3, 10, 20, 42))) if chased else None
        year = created.year
        yearly[year] = yearly.get(year, 0) + 1
        words = rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(14, 30))
        subject = " ".join(words[:5]).capitalize()
        description = " ".join(words[5:]).capitalize() + "."
        fields = (
            str(number),
            f"WN-{year}-{yearly[year]:06d}",
            "0" * 64,
            f"bench-{number}",
            ticket_type,
            status,
            "web",
            "sw",
            str(category_id) if category_id else "",
            str(institution_id),
            str(region_id) if region_id else "",
            str(district_id) if district_id else "",
            subject,
            description,
            "anonymous",
            assignee,
            appealed,
            created.isoformat(),
            created.isoformat(),
            "1",
            due.isoformat() if due else "",
        )
        yield "\t".join(field if field else "\\N" for field in fields) + "\n"


@contextmanager
def replacing(engine: sa.Engine, tables: Sequence[str]) -> Iterator[Any]:
    """Empty `tables` (tickets and what hangs on them) and drop their secondary indexes, then yield a cursor to
    fill them with foreign-key triggers off (the rows are valid); afterwards rebuild the indexes, move the ticket
    id sequence past the last id, commit, and VACUUM ANALYZE (statistics and the visibility map, as a database
    that has been running a while has them)."""
    with engine.connect() as connection:
        raw: Any = connection.connection.dbapi_connection
        with raw.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("TRUNCATE ticket RESTART IDENTITY CASCADE")
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint)",
                (list(tables),),
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SET session_replication_role = replica")
            yield cursor
            cursor.execute("SET session_replication_role = origin")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("SELECT setval(pg_get_serial_sequence('ticket', 'id'), (SELECT max(id) FROM ticket))")
        raw.commit()
        raw.autocommit = True
        with raw.cursor() as cursor:
            for table in tables:
                cursor.execute(f"VACUUM ANALYZE {table}")
        raw.autocommit = False


def copy_in(engine: sa.Engine, loads: Sequence[tuple[str, Sequence[str], Iterable[str]]]) -> float:
    """Replace the tickets with COPY of each (table, columns, lines) in order (`replacing`); returns the seconds
    taken. Lines are read lazily, table by table."""
    started = time.perf_counter()
    with replacing(engine, [table for table, _columns, _lines in loads]) as cursor:
        for table, columns, lines in loads:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                buffer = io.StringIO()
                for index, line in enumerate(lines, start=1):
                    buffer.write(line)
                    if index % 20_000 == 0:
                        copy.write(buffer.getvalue())
                        buffer = io.StringIO()
                copy.write(buffer.getvalue())
    return time.perf_counter() - started


def bulk_load(engine: sa.Engine, count: int, ref: Reference) -> float:
    """Replace every ticket with `count` generated ones."""
    return copy_in(engine, [("ticket", COLUMNS, ticket_rows(count, ref))])


def reference_data(app: Any) -> Reference:
    """Seed the demo institutions, services and places, and the busy institution's officers."""
    from wananchi.accounts.models import Role
    from wananchi.accounts.services import create_user
    from wananchi.demo.seed import seed_demo
    from wananchi.extensions import db
    from wananchi.institutions.models import Category, District, Institution

    with app.app_context():
        seed_demo(ticket_count=0)
        institutions = list(db.session.scalars(sa.select(Institution).order_by(Institution.id)))
        busy = next((i for i in institutions if i.slug == BUSY_SLUG), institutions[-1])
        officers = [
            create_user(
                email=f"afisa{n}@bench.go.tz", name=f"Afisa {n}", role=Role.OFFICER, password=PASSWORD, institution=busy
            )
            for n in range(8)
        ]
        categories: dict[int, list[int]] = {}
        local, every = [], []
        for category in db.session.scalars(sa.select(Category)):
            categories.setdefault(category.institution_id, []).append(category.id)
            every.append(category.id)
            if category.is_local:
                local.append(category.id)
        ref = Reference(
            institutions=[(i.id, i.region_id, i.district_id) for i in institutions],
            categories=categories,
            local_categories=local or every,
            all_categories=every,
            districts=[(d.id, d.region_id) for d in db.session.scalars(sa.select(District))],
            busy_id=busy.id,
            officer_ids=[o.id for o in officers],
        )
        db.session.commit()
        return ref


def log_in(client: Any) -> None:
    """Log the first officer of the busy institution in through the real form."""
    page = client.get("/ingia")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data) or re.search(
        rb'name="csrf_token" value="([^"]+)"', page.data
    )
    assert token, "no CSRF token on the login page"
    response = client.post(
        "/ingia", data={"csrf_token": token.group(1).decode(), "email": "afisa0@bench.go.tz", "password": PASSWORD}
    )
    assert response.status_code == 303, response.status_code


def next_link(html: bytes) -> str | None:
    """The queue page's "next page" link."""
    match = re.search(rb'rel="next" id="next-page" href="([^"]+)"', html)
    return match.group(1).decode().replace("&amp;", "&") if match else None


def scenarios(client: Any, engine: sa.Engine, busy_id: int) -> dict[str, str]:
    """The URLs to time: first page, a filtered page, page 20 (or the last) of the largest tab, searches, a ticket."""
    deep = "/afisa/foleni?tab=closed"
    depth = 1
    while depth < 20 and (following := next_link(client.get(deep).data)):
        deep, depth = following, depth + 1
    print(f"  (the deep page is page {depth} of the closed tab, reached by following the cursors)")
    with engine.connect() as connection:
        reference = connection.execute(
            sa.text(
                "SELECT reference FROM ticket WHERE institution_id = :i AND status = 'in_progress' "
                "ORDER BY created_at DESC LIMIT 1"
            ),
            {"i": busy_id},
        ).scalar_one()
    year_ago = (NOW - dt.timedelta(days=365)).date()
    # Half a year of closed complaints: 50 and more at every size, so that each size's page lists 50.
    half_year_on = year_ago + dt.timedelta(days=182)
    return {
        "queue, first page": "/afisa/foleni",
        "queue, filtered": f"/afisa/foleni?tab=closed&type=complaint&from={year_ago}&to={half_year_on}",
        "queue, closed tab, deep page": deep,
        f"queue, search '{SEARCH_WORD}'": f"/afisa/foleni?tab=open&q={SEARCH_WORD}",
        f"queue, search '{COMMON_WORD}' (closed)": f"/afisa/foleni?tab=closed&q={COMMON_WORD}",
        "queue, search reference": f"/afisa/foleni?q={reference}",
        "queue, search reference digits (other tab)": f"/afisa/foleni?tab=closed&q={int(reference.rsplit('-', 1)[1])}",
        f"queue, search '{SEARCH_WORD}' (every tab)": f"/afisa/foleni?tab=new&q={SEARCH_WORD}&scope=all",
        "queue, search phone": "/afisa/foleni?q=0712345678",
        "dashboard": "/afisa/",
        "ticket page": f"/afisa/hoja/{reference}",
        **sorted_pages(client),
    }


def sorted_pages(client: Any) -> dict[str, str]:
    """The open tab sorted by each column both ways: its first page and its second, reached by the cursor (the busy
    institution's open tab holds about 120 tickets at 10,000: a third page would list 19 where 1,000,000 lists 50)."""
    from wananchi.tickets.queue import SORTS

    urls = {}
    for sort in SORTS:
        first = f"/afisa/foleni?tab=open&sort={sort}"
        urls[f"queue, sorted {sort}"] = first
        urls[f"queue, sorted {sort}, page 2"] = next_link(client.get(first).data) or first
    return urls


def measure(client: Any, url: str, repeat: int) -> list[float]:
    """Milliseconds of `repeat` GETs of `url`, after two warm-up requests (a reference found answers 303)."""
    for _warm in range(2):
        assert client.get(url).status_code in (200, 303), url
    times = []
    for _run in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 303), url
    return times


@dataclass
class Loaded:
    """One size in its own database: the officer's client, the app behind it, and the URLs to time."""

    size: int
    app: Any
    client: Any
    urls: dict[str, str]


def rows_shown(html: bytes) -> int:
    """How many tickets a queue page lists (pages of different lengths cost differently to draw)."""
    return html.count(b'class="queue-item"')


def measure_in_turn(loaded: Sequence[Loaded], label: str, repeat: int) -> dict[int, list[float]]:
    """Milliseconds of `repeat` GETs of the page `label` at each size, the sizes taking turns request by request,
    after two warm-up requests at each (a reference found answers 303)."""
    for item in loaded:
        for _warm in range(2):
            assert item.client.get(item.urls[label]).status_code in (200, 303), item.urls[label]
    times: dict[int, list[float]] = {item.size: [] for item in loaded}
    for _run in range(repeat):
        for item in loaded:
            started = time.perf_counter()
            response = item.client.get(item.urls[label])
            times[item.size].append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 303), item.urls[label]
    return times


def explain(app: Any, client: Any, url: str) -> None:
    """Print PostgreSQL's EXPLAIN ANALYZE of every ticket query one request of `url` runs."""
    from wananchi.extensions import db

    captured: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM ticket" in statement and not statement.startswith("EXPLAIN"):
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
                print("    " + "\n    ".join(row[0] for row in plan))
                print()


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def load_size(url: str, size: int) -> Loaded:
    """Build a database with the migrations and the reference data, load `size` tickets, log an officer in."""
    from flask_migrate import upgrade

    from wananchi import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)
    with app.app_context():
        upgrade()
    ref = reference_data(app)
    engine = sa.create_engine(url)
    load_seconds = bulk_load(engine, size, ref)
    with engine.connect() as connection:
        busy_count = connection.execute(
            sa.text("SELECT count(*) FROM ticket WHERE institution_id = :i"), {"i": ref.busy_id}
        ).scalar_one()
    print(f"\n{size:,} tickets loaded in {load_seconds:.1f} s ({busy_count:,} in the busy institution)")
    client = app.test_client()
    log_in(client)
    urls = scenarios(client, engine, ref.busy_id)
    engine.dispose()
    return Loaded(size, app, client, urls)


def run(admin_url: str, sizes: list[int], repeat: int, show_plans: bool, only: str = "") -> None:
    """Create and load a database per size, time the pages (those whose label contains `only`) at every size in
    turn, print the table; drop the databases whatever happens."""
    from wananchi.core.db import normalise_database_url

    admin = sa.create_engine(normalise_database_url(admin_url), isolation_level="AUTOCOMMIT")
    prefix = f"wananchi_bench_queue_{uuid.uuid4().hex[:8]}"
    names: list[str] = []
    try:
        loaded = []
        for size in sizes:
            name = f"{prefix}_{size}"
            with admin.connect() as connection:
                connection.execute(sa.text(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0"))
            names.append(name)
            url = sa.make_url(normalise_database_url(admin_url)).set(database=name)
            loaded.append(load_size(url.render_as_string(hide_password=False), size))
        print("\n(each page is requested at every size in turn)")
        results: dict[str, dict[int, list[float]]] = {}
        rows: dict[str, dict[int, int]] = {}
        for label in [label for label in loaded[0].urls if only in label]:
            results[label] = measure_in_turn(loaded, label, repeat)
            rows[label] = {item.size: rows_shown(item.client.get(item.urls[label]).data) for item in loaded}
            for item in loaded:
                times = results[label][item.size]
                print(
                    f"  {label:<44} {item.size:>10,}  p50 {statistics.median(times):7.1f} ms   "
                    f"p90 {percentile(times, 0.9):7.1f} ms   min {min(times):7.1f} ms   rows {rows[label][item.size]}"
                )
                if show_plans:
                    explain(item.app, item.client, item.urls[label])
        report(results, rows, sizes)
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def report(results: dict[str, dict[int, list[float]]], rows: dict[str, dict[int, int]], sizes: list[int]) -> None:
    """The summary: p50 at each size, the ratio of the largest to the smallest (of the p50s, and of the fastest
    requests, which a busy machine disturbs least), and the rows each page listed."""
    small, large = sizes[0], sizes[-1]
    print(
        f"\n{'page':<44} "
        + " ".join(f"{f'p50@{s:,}':>14}" for s in sizes)
        + f"   ratio {large:,}/{small:,} (p50, min)   rows"
    )
    for label, times in results.items():
        medians = [statistics.median(times[size]) for size in sizes]
        ratio = medians[-1] / medians[0] if medians[0] else float("nan")
        fastest = min(times[large]) / min(times[small]) if min(times[small]) else float("nan")
        flag = "" if ratio <= 1.5 and medians[-1] <= 50 else "   <- over the aim (1.5x, 50 ms)"
        listed = "/".join(str(rows[label][size]) for size in sizes)
        print(
            f"{label:<44} "
            + " ".join(f"{m:>11.1f} ms" for m in medians)
            + f"   {ratio:5.2f}x {fastest:5.2f}x{'':>14}{listed:>6}{flag}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,1000000", help="ticket counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per page and size")
    parser.add_argument("--pg-admin-url", default=DEFAULT_PG_ADMIN_URL, help="an administrative PostgreSQL URL")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the queue's queries")
    parser.add_argument("--only", default="", help="time only the pages whose label contains this text")
    args = parser.parse_args(argv)
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    run(args.pg_admin_url, sizes, args.repeat, args.explain, args.only)


if __name__ == "__main__":
    main()
