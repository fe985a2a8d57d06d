"""A generated set of tickets with every report-relevant column drawn at random, and the reference figures.

The reference computes each figure of wananchi/reports/queries.py in plain Python over the same tickets, from the
definitions written on the report page, so the SQL can be checked against it on both backends.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tests.world import World
from wananchi.extensions import db
from wananchi.reports.periods import Period
from wananchi.reports.queries import AGE_BUCKETS, RATINGS, Figures
from wananchi.sla.days import working_day_number
from wananchi.tickets.models import (
    CITIZEN_TYPES,
    OPEN_STATUSES,
    Channel,
    Identity,
    Ticket,
    TicketStatus,
    TicketTransfer,
    TicketType,
)

NOW = dt.datetime(2026, 11, 18, 9, 15, tzinfo=dt.UTC)  # a Wednesday, 12:15 in Dar es Salaam
LOCAL = ZoneInfo("Africa/Dar_es_Salaam")
SPAN_DAYS = 150


@dataclass
class Row:
    """What the reference reads of a ticket: plain values, no ORM."""

    institution_id: int
    category_id: int | None
    type: str
    channel: str
    region_id: int | None
    district_id: int | None
    status: str
    created_at: dt.datetime
    first_response_at: dt.datetime | None
    first_response_due_at: dt.datetime | None
    first_response_minutes: int | None
    resolved_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    resolution_minutes: int | None
    satisfaction_rating: int | None
    submitted_day: int | None
    next_due_at: dt.datetime | None
    sla_paused_at: dt.datetime | None


@dataclass
class Move:
    """A transfer as the reference reads it."""

    from_id: int
    to_id: int
    created_at: dt.datetime
    held_minutes: int | None


def _instant(rng: random.Random, earliest: dt.datetime, latest: dt.datetime) -> dt.datetime:
    """A random instant in [earliest, latest], often on a whole local day boundary to test the edges."""
    if rng.random() < 0.1:
        day = (earliest + (latest - earliest) * rng.random()).astimezone(LOCAL).date()
        return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL).astimezone(dt.UTC)
    seconds = rng.randint(0, max(0, int((latest - earliest).total_seconds())))
    return earliest + dt.timedelta(seconds=seconds, microseconds=rng.choice((0, 0, 250_000)))


def seed_tickets(
    world: World, count: int = 400, seed: int = 11, now: dt.datetime = NOW, subject: str = "Maji hayatoki"
) -> tuple[list[Row], list[Move]]:
    """Store `count` tickets and some transfers with random figures; return them as the reference sees them."""
    rng = random.Random(seed)
    institutions = [world.agency, world.council, world.region_office, world.ministry, world.triage]
    categories = [world.national_service.id, world.local_service.id, None]
    places = [
        (world.region.id, world.district.id),
        (world.region.id, world.other_district.id),
        (world.region.id, None),
        (None, None),
    ]
    rows: list[Row] = []
    moves: list[Move] = []
    for number in range(count):
        created = _instant(rng, now - dt.timedelta(days=SPAN_DAYS), now - dt.timedelta(minutes=5))
        institution = rng.choice(institutions)
        region_id, district_id = rng.choice(places)
        status = rng.choice(list(TicketStatus))
        responded = rng.random() < 0.7
        first_at = _instant(rng, created, now) if responded else None
        first_due = created + dt.timedelta(hours=rng.choice((4, 24, 48, 96))) if rng.random() < 0.95 else None
        if first_at is not None and first_due is not None and first_due <= now and rng.random() < 0.1:
            first_at = first_due  # exactly on the due instant counts as within
        resolved_at = resolution_due = None
        if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED) and rng.random() < 0.9:
            resolved_at = _instant(rng, created, now)
        if rng.random() < 0.95:
            resolution_due = created + dt.timedelta(days=rng.choice((2, 7, 14, 30)))
        paused = now - dt.timedelta(hours=3) if status == TicketStatus.AWAITING_CITIZEN else None
        ticket = Ticket(
            reference=f"WN-2026-{number + 1:06d}",
            tracking_code_hash="0" * 64,
            submission_key=f"report-{seed}-{number}",
            type=rng.choice(CITIZEN_TYPES),  # the citizens' types: requests about personal data are tested apart
            status=status,
            channel=rng.choice(list(Channel)),
            category_id=rng.choice(categories),
            institution_id=institution.id,
            region_id=region_id,
            district_id=district_id,
            subject=subject,
            description="Maelezo ya majaribio.",
            identity=Identity.ANONYMOUS,
            created_at=created,
            updated_at=created,
            first_response_at=first_at,
            first_response_due_at=first_due,
            first_response_minutes=rng.randint(0, 40) * 30 if first_at is not None and rng.random() < 0.95 else None,
            resolved_at=resolved_at,
            resolution_due_at=resolution_due,
            resolution_minutes=rng.randint(0, 60) * 45 if resolved_at is not None else None,
            satisfaction_rating=rng.choice((None, *RATINGS)) if resolved_at is not None else None,
            submitted_day=working_day_number(created),
            next_due_at=_instant(rng, now - dt.timedelta(days=10), now + dt.timedelta(days=10))
            if status in OPEN_STATUSES
            else None,
            sla_paused_at=paused,
        )
        db.session.add(ticket)
        rows.append(
            Row(
                institution.id,
                ticket.category_id,
                ticket.type.value,
                ticket.channel.value,
                region_id,
                district_id,
                status.value,
                created,
                first_at,
                first_due,
                ticket.first_response_minutes,
                resolved_at,
                resolution_due,
                ticket.resolution_minutes,
                ticket.satisfaction_rating,
                ticket.submitted_day,
                ticket.next_due_at,
                paused,
            )
        )
        if rng.random() < 0.15:
            sender = rng.choice([i for i in institutions if i.id != institution.id])
            moved = _instant(rng, created, now)
            held = rng.randint(0, 20) * 60 if rng.random() < 0.9 else None
            ticket.transfers.append(
                TicketTransfer(
                    from_institution_id=sender.id,
                    to_institution_id=institution.id,
                    reason="Si yetu",
                    created_at=moved,
                    held_minutes=held,
                )
            )
            moves.append(Move(sender.id, institution.id, moved, held))
    db.session.flush()
    return rows, moves


# --- the reference ------------------------------------------------------------------------------------------------


def nearest_rank(values: list[int], numerator: int, denominator: int) -> int | None:
    """The value at position ceil(p × n) of the sorted values, p = numerator / denominator."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[-(-numerator * len(ordered) // denominator) - 1]


def _in(instant: dt.datetime | None, start: dt.datetime, end: dt.datetime) -> bool:
    return instant is not None and start <= instant < end


def reference_figures(
    rows: list[Row], moves: list[Move], ids: set[int], period: Period, now: dt.datetime, *, transfers: bool = True
) -> Figures:
    """Every figure of a report row, computed ticket by ticket."""
    mine = [r for r in rows if r.institution_id in ids]
    received = [r for r in mine if _in(r.created_at, period.start, period.end)]
    responded = [r for r in mine if _in(r.first_response_at, period.start, period.end)]
    resolved = [r for r in mine if _in(r.resolved_at, period.start, period.end)]
    fell_due = [
        r
        for r in mine
        if _in(r.resolution_due_at, period.start, min(period.end, now))
        and r.type != TicketType.COMMENDATION.value
        and (r.sla_paused_at is None or r.sla_paused_at >= r.resolution_due_at)  # type: ignore[operator]
    ]
    open_ = [r for r in mine if r.status in {s.value for s in OPEN_STATUSES}]
    today = working_day_number(now)
    ages = [0] * len(AGE_BUCKETS)
    for r in open_:
        age = today - (r.submitted_day or 0)
        for index, (low, high) in enumerate(AGE_BUCKETS):
            if age >= low and (high is None or age <= high):
                ages[index] += 1
    rated = [r.satisfaction_rating for r in resolved if r.satisfaction_rating is not None]
    figures = Figures(
        received=len(received),
        commendations=sum(1 for r in received if r.type == TicketType.COMMENDATION.value),
        first_responded=len(responded),
        first_response_within=sum(
            1
            for r in responded
            if r.first_response_due_at is not None and r.first_response_at <= r.first_response_due_at  # type: ignore[operator]
        ),
        first_response_median=nearest_rank(
            [r.first_response_minutes for r in responded if r.first_response_minutes is not None], 1, 2
        ),
        first_response_p90=nearest_rank(
            [r.first_response_minutes for r in responded if r.first_response_minutes is not None], 9, 10
        ),
        resolved=len(resolved),
        resolution_within=sum(
            1
            for r in resolved
            if r.resolution_due_at is not None and r.resolved_at <= r.resolution_due_at  # type: ignore[operator]
        ),
        resolution_median=nearest_rank(
            [r.resolution_minutes for r in resolved if r.resolution_minutes is not None], 1, 2
        ),
        resolution_p90=nearest_rank(
            [r.resolution_minutes for r in resolved if r.resolution_minutes is not None], 9, 10
        ),
        open=len(open_),
        overdue=sum(
            1
            for r in open_
            if r.sla_paused_at is None
            and r.next_due_at is not None
            and r.next_due_at <= now
            and r.type != TicketType.COMMENDATION.value
        ),
        ages=ages,
        rated=len(rated),
        rating_sum=sum(rated),
        ratings=[rated.count(value) for value in RATINGS],
        fell_due=len(fell_due),
        fell_due_on_time=sum(1 for r in fell_due if r.resolved_at is not None and r.resolved_at <= r.resolution_due_at),  # type: ignore[operator]
    )
    if transfers:
        moved = [m for m in moves if _in(m.created_at, period.start, period.end)]
        out = [m for m in moved if m.from_id in ids]
        figures.transfers_in = sum(1 for m in moved if m.to_id in ids)
        figures.transfers_out = len(out)
        held = [m.held_minutes for m in out if m.held_minutes is not None]
        figures.held_median = nearest_rank(held, 1, 2)
        figures.held_p90 = nearest_rank(held, 9, 10)
    return figures


# --- tickets written one by one, for a data set with a known outcome ------------------------------------------------


def due_ticket(
    institution_id: int,
    due: dt.datetime,
    *,
    resolved: dt.datetime | None = None,
    status: TicketStatus | None = None,
    type: TicketType = TicketType.COMPLAINT,  # noqa: A002  (the column's name)
    paused: dt.datetime | None = None,
) -> Ticket:
    """A stored ticket whose resolution falls due at `due`: resolved at `resolved`, else open (overdue once past
    due, unless `paused` since then)."""
    created = due - dt.timedelta(days=14)
    status = status or (TicketStatus.RESOLVED if resolved else TicketStatus.IN_PROGRESS)
    count = db.session.query(Ticket).count()
    ticket = Ticket(
        reference=f"WN-2026-{900000 + count:06d}",
        tracking_code_hash="0" * 64,
        submission_key=f"due-{institution_id}-{count}",
        type=type,
        status=status,
        channel=Channel.WEB,
        institution_id=institution_id,
        subject="Hoja ya majaribio",
        description="Maelezo ya majaribio.",
        identity=Identity.ANONYMOUS,
        created_at=created,
        updated_at=created,
        first_response_due_at=created + dt.timedelta(days=2),
        resolution_due_at=due,
        resolved_at=resolved,
        resolution_minutes=480 if resolved else None,
        submitted_day=working_day_number(created),
        next_due_at=due if status in OPEN_STATUSES else None,
        sla_paused_at=paused,
    )
    db.session.add(ticket)
    db.session.flush()
    return ticket
