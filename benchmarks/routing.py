"""Routing suggestions measured on the demo data: how often the trained model names the institution and service
where a ticket was finally answered, and how long one suggestion takes, with few and with many stored tickets.

Run from the repository root: `.venv/bin/python benchmarks/routing.py [--tickets 2500] [--stored 200000]
[--samples 200]`. The script builds a temporary SQLite database with the migrations and seeds `--tickets` demo
tickets (wananchi/demo: templates, and for most complaints and questions other phrasings made combinatorially in
wananchi/demo/phrasing.py, in Swahili, English, both mixed, and as typed on a phone). It orders the tickets by the
time they were submitted and splits them: the model (wananchi/tickets/routing_model.py) learns, as the nightly task
does, from the resolved and closed tickets of the older 80 %, and is asked about every ticket of the newer 20 %
(whatever its status; not merged, not at the triage desk). It prints top-1 and top-3 accuracy of institution and of
service on them.

Then it trains and stores a version from the whole database as the worker does, and times `suggest_routing` (the
function the ticket page calls) for `--samples` of the newer tickets: p50 and p95, the first call (which loads the
artefact) apart. A suggestion reads the newest version's id and signature (one row by its primary key), the
ticket's own text, and the suggested institutions and services by id: never the ticket table. To show it, the
script copies ticket rows until `--stored` tickets are stored and times the suggestions again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Import the application from the repository root (and keep this folder, whose scripts are not packages, off the path).
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [str(ROOT)] + [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH_DIR]

import sqlalchemy as sa  # noqa: E402

HOLD_OUT = 0.2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=2500, help="demo tickets to seed (default 2500)")
    parser.add_argument("--stored", type=int, default=200_000, help="tickets stored for the second timing")
    parser.add_argument("--samples", type=int, default=200, help="suggestions timed (default 200)")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from wananchi import create_app
    from wananchi.demo.seed import seed_demo
    from wananchi.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'routing.sqlite3'}"
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=folder, RATELIMIT_ENABLED=False)
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            started = time.perf_counter()
            seed_demo(ticket_count=args.tickets)
            db.session.commit()
            print(f"seeded {args.tickets} demo tickets in {time.perf_counter() - started:.0f} s")
            accuracy(db)
            timings(db, args.stored, args.samples)


def _rows(db):  # type: ignore[no-untyped-def]
    from wananchi.institutions.models import Institution
    from wananchi.tickets.models import Ticket

    triage = sa.select(Institution.id).where(Institution.is_triage.is_(True))
    return list(
        db.session.execute(
            sa.select(
                Ticket.id,
                Ticket.created_at,
                Ticket.status,
                Ticket.subject,
                Ticket.description,
                Ticket.district_id,
                Ticket.institution_id,
                Ticket.category_id,
            )
            .where(Ticket.merged_into_id.is_(None), Ticket.institution_id.not_in(triage))
            .order_by(Ticket.created_at, Ticket.id)
        )
    )


def accuracy(db) -> None:  # type: ignore[no-untyped-def]
    """Learn from the older part as the nightly task would, and measure on the newer part."""
    from wananchi.tickets.models import TicketStatus
    from wananchi.tickets.routing_learner import Router, measure
    from wananchi.tickets.routing_model import Example, model_text

    rows = _rows(db)
    cut = len(rows) - int(len(rows) * HOLD_OUT)
    learnable = (TicketStatus.RESOLVED, TicketStatus.CLOSED)

    def example(row) -> Example:  # type: ignore[no-untyped-def]
        return Example(model_text(row.subject, row.description, row.district_id), row.institution_id, row.category_id)

    older = [example(r) for r in rows[:cut] if r.status in learnable]
    newer = [example(r) for r in rows[cut:]]
    started = time.perf_counter()
    router = Router().fit(older)
    trained = time.perf_counter() - started
    found = measure(router, newer)
    print(
        f"learned from {len(older)} resolved/closed tickets of the older {100 - HOLD_OUT * 100:.0f} % "
        f"({len({e.institution_id for e in older})} institutions, {len({e.category_id for e in older})} services) "
        f"in {trained:.1f} s; measured on the newer {len(newer)} tickets:"
    )
    print(f"  institution  top-1 {found.institution_top1:6.1%}   top-3 {found.institution_top3:6.1%}")
    print(f"  service      top-1 {found.service_top1:6.1%}   top-3 {found.service_top3:6.1%}")


def _time_suggestions(db, ticket_ids: list[int]) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    from wananchi.tickets import routing_model
    from wananchi.tickets.models import Ticket
    from wananchi.tickets.routing_suggestions import suggest_routing

    routing_model._loaded.clear()  # the first call loads the artefact, as in a new process
    times = []
    for ticket_id in ticket_ids:
        db.session.expunge_all()
        ticket = db.session.get(Ticket, ticket_id)
        started = time.perf_counter()
        suggestions = suggest_routing(ticket)
        times.append((time.perf_counter() - started) * 1000)
        assert suggestions and suggestions[0].model_id is not None
    return times[0], times[1:]


def _time_model_alone(db, ticket_ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    """The model's own share of a suggestion: features and the two classifiers, no database."""
    from wananchi.tickets.models import Ticket
    from wananchi.tickets.routing_model import model_text, newest_router

    loaded = newest_router()
    assert loaded is not None
    router = loaded[1]
    times = []
    for ticket_id in ticket_ids:
        ticket = db.session.get(Ticket, ticket_id)
        text = model_text(ticket.subject, ticket.description, ticket.district_id)
        started = time.perf_counter()
        router.rank([text], 10)
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=20)
    print(
        f"    of which the model alone (features, two classifiers): p50 {statistics.median(times):.1f} ms, "
        f"p95 {cuts[18]:.1f} ms"
    )


def _report(label: str, first: float, times: list[float]) -> None:
    cuts = statistics.quantiles(times, n=20)
    print(
        f"  {label}: first (loads the model) {first:.0f} ms; then p50 {statistics.median(times):.1f} ms, "
        f"p95 {cuts[18]:.1f} ms, max {max(times):.1f} ms over {len(times)} suggestions"
    )


def timings(db, stored: int, samples: int) -> None:  # type: ignore[no-untyped-def]
    """Train and store a version from the whole database, then time suggestions with few and many tickets."""
    from wananchi.tickets.models import Ticket
    from wananchi.tickets.routing_model import train_routing_model

    version = train_routing_model()
    db.session.commit()
    assert version is not None
    size = len(db.session.scalar(sa.select(version.__class__.artefact).where(version.__class__.id == version.id)))
    print(
        f"stored version {version.id}: {version.ticket_count} tickets, {size // 1024} KB artefact, trained in "
        f"{version.training_seconds:.1f} s (held-out institution top-3 {version.institution_top3:.1%})"
    )
    rows = _rows(db)
    sample = [r.id for r in rows[len(rows) - int(len(rows) * HOLD_OUT) :]][:samples]
    count = db.session.scalar(sa.select(sa.func.count(Ticket.id)))
    _report(f"{count:,} tickets stored", *_time_suggestions(db, sample))
    _time_model_alone(db, sample)
    _grow(db, stored)
    count = db.session.scalar(sa.select(sa.func.count(Ticket.id)))
    _report(f"{count:,} tickets stored", *_time_suggestions(db, sample))


def _grow(db, stored: int) -> None:  # type: ignore[no-untyped-def]
    """Copy ticket rows (new reference and submission key) until `stored` tickets are stored."""
    from wananchi.tickets.models import Ticket

    columns = [c.name for c in Ticket.__table__.columns if c.name != "id"]
    started = time.perf_counter()
    round_ = 0
    while (count := db.session.scalar(sa.select(sa.func.count(Ticket.id)))) < stored:
        round_ += 1
        values = ", ".join(
            f"{name} || '-{round_}'" if name in ("reference", "submission_key") else name for name in columns
        )
        listed = ", ".join(columns)
        db.session.execute(
            sa.text(f"INSERT INTO ticket ({listed}) SELECT {values} FROM ticket ORDER BY id LIMIT :n"),  # noqa: S608
            {"n": stored - count},
        )
        db.session.commit()
    print(f"copied ticket rows up to {stored:,} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    print(f"benchmarks/routing.py, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    main()
