"""Load the demo set: places, institutions, services, routing rules and tickets. Safe to run again.

Reference data is matched by code or slug and updated in place; tickets are submitted through the real
service with stable submission keys, so a second run creates nothing. Flushes, never commits.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select

from wananchi.core.db import utcnow
from wananchi.demo.accounts import DEMO_PASSWORD, DemoStaff, seed_shown_accounts
from wananchi.demo.answers import seed_answers
from wananchi.demo.categories import ALL_SERVICES, TOPICS
from wananchi.demo.institutions import COUNCILS, all_institutions, secretariat_slug
from wananchi.demo.places import REGIONS, slugify
from wananchi.demo.plan import SHOWCASE, Action, PlannedTicket, plan_tickets
from wananchi.demo.requests import seed_data_requests
from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Institution, Region, RoutingRule, Topic
from wananchi.sla.calendars import calendar_for
from wananchi.sla.policies import next_working_instant
from wananchi.tickets import actions
from wananchi.tickets.models import (
    CannedResponse,
    Channel,
    EventKind,
    RoutingModel,
    SuggestionOutcome,
    Ticket,
    TicketEvent,
    TicketStatus,
    TicketType,
)
from wananchi.tickets.references import format_tracking_code
from wananchi.tickets.routing_model import train_routing_model
from wananchi.tickets.services import (
    CITIZEN,
    Receipt,
    Submission,
    add_citizen_message,
    appeal_ticket,
    rate_ticket,
    stored_receipt,
    submit_ticket,
)

_M = TypeVar("_M")

OUTCOMES = (SuggestionOutcome.ACCEPTED, SuggestionOutcome.UNDER_CONSIDERATION, SuggestionOutcome.DECLINED)
RESOLVED_SUMMARY = {"sw": "Hoja imeshughulikiwa na kukamilika.", "en": "The matter has been dealt with."}
REOPEN_REASON = {"sw": "Mwananchi hajaridhika na jibu.", "en": "The citizen is not satisfied with the answer."}

# Showcase tickets worth opening on "Fuatilia hoja": awaiting the citizen, answered, reopened.
TRY_THESE = (2, 1, 6)


@dataclass
class Tally:
    """How many rows of each kind the run created, and how many were already there."""

    created: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)

    def line(self, label: str) -> str:
        """One summary line for a kind of row."""
        total = self.created[label] + self.present[label]
        return f"{label}: {total} ({self.created[label]} created, {self.present[label]} already present)"


def _upsert(model: type[_M], existing: dict[Any, _M], key: Any, values: dict[str, Any], tally: Tally, label: str) -> _M:
    """The row `existing[key]` with `values` set (only those that differ), or a new row added to the session."""
    row = existing.get(key)
    if row is None:
        row = model(**values)
        db.session.add(row)
        existing[key] = row
        tally.created[label] += 1
        return row
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    tally.present[label] += 1
    return row


def _seed_places(tally: Tally) -> tuple[dict[str, Region], dict[str, District]]:
    """The 26 regions and their districts, by code."""
    regions = {row.code: row for row in db.session.scalars(select(Region))}
    districts = {row.code: row for row in db.session.scalars(select(District))}
    for region_name, district_names in REGIONS.items():
        region = _upsert(
            Region, regions, slugify(region_name), {"code": slugify(region_name), "name": region_name}, tally, "Regions"
        )
        for district_name in district_names:
            code = slugify(district_name)
            _upsert(
                District, districts, code, {"code": code, "name": district_name, "region": region}, tally, "Districts"
            )
    return regions, districts


def _seed_institutions(
    regions: dict[str, Region], districts: dict[str, District], tally: Tally
) -> dict[str, Institution]:
    """The institution tree, by slug; parents are created before their children."""
    institutions = {row.slug: row for row in db.session.scalars(select(Institution))}
    for spec in all_institutions():
        values = {
            "slug": spec.slug,
            "kind": spec.kind,
            "name_sw": spec.name_sw,
            "name_en": spec.name_en,
            "short_name": spec.short_name,
            "is_triage": spec.is_triage,
            "parent": institutions[spec.parent] if spec.parent else None,
            "region": regions[spec.region] if spec.region else None,
            "district": districts[spec.district] if spec.district else None,
        }
        _upsert(Institution, institutions, spec.slug, values, tally, "Institutions")
    return institutions


def _seed_categories(institutions: dict[str, Institution], tally: Tally) -> dict[str, Category]:
    """The services, by code."""
    categories = {row.code: row for row in db.session.scalars(select(Category))}
    for spec in ALL_SERVICES:
        values = {
            "code": spec.code,
            "name_sw": spec.name_sw,
            "name_en": spec.name_en,
            "institution": institutions[spec.owner],
            "is_local": spec.is_local,
            "topic": TOPICS.get(spec.code, Topic.OTHER),
        }
        _upsert(Category, categories, spec.code, values, tally, "Categories")
    return categories


def _seed_routing(
    categories: dict[str, Category],
    institutions: dict[str, Institution],
    regions: dict[str, Region],
    districts: dict[str, District],
    tally: Tally,
) -> None:
    """National services go to their owner; local ones to the district's council, else the regional secretariat."""
    db.session.flush()
    rules = {(row.category_id, row.region_id, row.district_id): row for row in db.session.scalars(select(RoutingRule))}
    wanted: list[tuple[Category | None, Region | None, District | None, Institution]] = [
        (categories[spec.code], None, None, institutions[spec.owner]) for spec in ALL_SERVICES if not spec.is_local
    ]
    wanted += [(None, regions[code], None, institutions[secretariat_slug(code)]) for code in map(slugify, REGIONS)]
    council_of = {spec.district: spec.slug for spec in all_institutions() if spec.district}
    wanted += [(None, None, districts[code], institutions[council_of[code]]) for code in COUNCILS]
    for category, region, district, institution in wanted:
        key = (category.id if category else None, region.id if region else None, district.id if district else None)
        values = {"category": category, "region": region, "district": district, "institution": institution}
        _upsert(RoutingRule, rules, key, values, tally, "Routing rules")


# Prepared replies of the demo's busiest institutions, with the placeholders officers see filled in when they insert
# one (illustrative text written for the demo).
DEMO_CANNED = {
    "dawasa": [
        (
            "Tumepokea hoja",
            "Ndugu {jina}, tumepokea hoja yako {kumbukumbu}. Wataalamu wa {taasisi} wanaifanyia kazi, na "
            "utapata majibu kabla ya {tarehe}.",
            "Dear {name}, we have received your ticket {reference}. The staff of {institution} are working on it, "
            "and you will have an answer by {due_date}.",
        ),
        (
            "Namba ya mita",
            "Ndugu {jina}, ili tukague bili yako, tafadhali tutumie namba ya mita yako na picha ya bili ya mwisho "
            "(hoja {kumbukumbu}).",
            "Dear {name}, to check your bill please send us your meter number and a photo of your last bill "
            "(ticket {reference}).",
        ),
    ],
    "tanesco": [
        (
            "Tumepokea hoja",
            "Ndugu {jina}, {taasisi} imepokea hoja yako {kumbukumbu} na itakujibu kabla ya {tarehe}.",
            "Dear {name}, {institution} has received your ticket {reference} and will answer by {due_date}.",
        ),
    ],
}


def _seed_canned(institutions: dict[str, Institution], tally: Tally) -> None:
    """The demo's canned responses, by institution and title."""
    existing = {(row.institution_id, row.title): row for row in db.session.scalars(select(CannedResponse))}
    for slug, responses in DEMO_CANNED.items():
        institution = institutions[slug]
        db.session.flush()  # the institution's id, for the key
        for title, body_sw, body_en in responses:
            values = {"institution": institution, "title": title, "body_sw": body_sw, "body_en": body_en}
            _upsert(CannedResponse, existing, (institution.id, title), values, tally, "Canned responses")


def _play(ticket: Ticket, plan: PlannedTicket, submitted_at: dt.datetime, now: dt.datetime, staff: DemoStaff) -> None:
    """Replay the planned history on a newly submitted ticket through the real officer actions.

    Citizens write at any hour; officers act in their institution's working hours, so a step planned for
    a night or a weekend waits for the next working morning (unless that has not come yet), and what
    follows it waits for it.
    """
    calendar = calendar_for(ticket.institution)
    summary, previous = "", submitted_at
    for step in plan.steps:
        at = max(submitted_at + step.after, previous)
        actor = None if step.actor == CITIZEN else staff.actor(step.actor, ticket.institution)
        if actor is not None and (working := next_working_instant(calendar, at)) <= now:
            at = working
        previous = at
        if step.action == Action.CITIZEN:
            add_citizen_message(ticket, step.body, [], now=at)
        elif actor is None and step.action == Action.REOPEN:
            _citizen_reopens(ticket, plan, at)
        elif actor is None:
            continue
        elif step.action == Action.START:
            actions.claim_ticket(ticket, actor=actor, now=at)
        elif step.action == Action.NOTE:
            actions.add_note(ticket, step.body, actor=actor, now=at)
        elif step.action == Action.INFO_REQUEST:
            actions.request_information(ticket, step.body, actor=actor, now=at)
        elif step.action == Action.REPLY:
            actions.reply_to_citizen(ticket, step.body, actor=actor, now=at)
            summary = step.body
        elif step.action == Action.RESOLVE:
            outcome = OUTCOMES[plan.index % len(OUTCOMES)] if ticket.type == TicketType.SUGGESTION else None
            actions.resolve_ticket(
                ticket, summary or step.body or RESOLVED_SUMMARY[ticket.language], actor=actor, outcome=outcome, now=at
            )
        elif step.action == Action.CLOSE:
            actions.close_ticket(ticket, actor=actor, now=at)
        elif step.action == Action.REOPEN:
            actions.reopen_ticket(ticket, step.body or REOPEN_REASON[ticket.language], actor=actor, now=at)


def _citizen_reopens(ticket: Ticket, plan: PlannedTicket, at: dt.datetime) -> None:
    """The citizen is not satisfied: a complaint is rated and appealed; anything else is reopened on request."""
    reason = next((s.body for s in reversed(plan.steps) if s.actor == CITIZEN and s.body), "")
    if ticket.type == TicketType.COMPLAINT:
        rate_ticket(ticket, 1, now=at)
        appeal_ticket(ticket, reason or REOPEN_REASON[ticket.language], now=at)
    else:
        ticket.status = TicketStatus.REOPENED
        ticket.events.append(
            TicketEvent(kind=EventKind.REOPENED, actor=CITIZEN, created_at=at, data={"reason": reason})
        )


def _seed_tickets(
    ticket_count: int, categories: dict[str, Category], districts: dict[str, District], tally: Tally, staff: DemoStaff
) -> dict[int, Receipt]:
    """Submit the planned tickets, oldest first, and play the history of those that are new."""
    now = utcnow()
    receipts = {}
    for plan in sorted(plan_tickets(ticket_count), key=lambda p: (-p.age, p.index)):
        submission = Submission(
            type=plan.type,
            category=categories[plan.category] if plan.category else None,
            district=districts[plan.district] if plan.district else None,
            subject=plan.subject,
            description=plan.description,
            identity=plan.identity,
            name=plan.name,
            email=plan.email,
            phone=plan.phone,
            language=plan.language,
            channel=Channel.DEMO,
            submission_key=plan.submission_key,
        )
        submitted_at = now - plan.age
        receipt = stored_receipt(plan.submission_key) or submit_ticket(submission, now=submitted_at)
        if receipt.created:
            _play(receipt.ticket, plan, submitted_at, now, staff)
            tally.created["Tickets"] += 1
        else:
            tally.present["Tickets"] += 1
        receipts[plan.index] = receipt
    db.session.flush()
    return receipts


def seed_routing_model() -> RoutingModel | None:
    """Train the first routing model from the demo tickets, so the triage desk's suggestions come from it at once;
    None when a version exists already or there are too few answered tickets."""
    db.session.flush()
    if db.session.scalar(select(RoutingModel.id).limit(1)) is not None:
        return None
    return train_routing_model()


def seed_demo(ticket_count: int = 200) -> list[str]:
    """Load the demo set (idempotently) and say what was created; the caller commits."""
    tally = Tally()
    regions, districts = _seed_places(tally)
    institutions = _seed_institutions(regions, districts, tally)
    categories = _seed_categories(institutions, tally)
    _seed_routing(categories, institutions, regions, districts, tally)
    _seed_canned(institutions, tally)
    staff = DemoStaff()
    shown_accounts = seed_shown_accounts(staff, institutions)
    receipts = _seed_tickets(ticket_count, categories, districts, tally, staff)
    answers_created, answers_present = seed_answers(staff)
    requests_created, requests_present = seed_data_requests([receipt.ticket for receipt in receipts.values()], utcnow())
    tally.created["Requests about personal data"] += requests_created
    tally.present["Requests about personal data"] += requests_present
    tally.created["Published answers"] += answers_created
    tally.present["Published answers"] += answers_present
    tally.created["Staff accounts"] += staff.created
    tally.present["Staff accounts"] += staff.present
    model = seed_routing_model()

    lines = ["Wananchi demo data:"]
    lines += [
        f"  {tally.line(label)}"
        for label in (
            "Regions",
            "Districts",
            "Institutions",
            "Categories",
            "Routing rules",
            "Canned responses",
            "Staff accounts",
            "Tickets",
            "Published answers",
            "Requests about personal data",
        )
    ]
    lines.append(f"Staff log-in at /ingia (password {DEMO_PASSWORD} for every demo account):")
    lines += [f"  {a.email:<24} {a.role.value:<10} {a.institution or ''}" for a in shown_accounts]
    shown = [index for index in TRY_THESE if index in receipts] or sorted(receipts)[:3]
    if shown:
        lines.append('Try "Fuatilia hoja" (track a ticket) with:')
    for index in shown:
        receipt = receipts[index]
        ticket = receipt.ticket
        lines.append(
            f"  {ticket.reference}  tracking code {format_tracking_code(receipt.tracking_code)}"
            f"  ({ticket.type.value}, {ticket.status.value})"
        )
    if model is not None:
        lines.append(
            f"Routing model version {model.id} trained from {model.ticket_count} answered tickets "
            "(the triage desk's suggestions; the worker retrains it every night)."
        )
    if 0 < ticket_count < len(SHOWCASE):
        lines.append(f"Note: fewer than {len(SHOWCASE)} tickets do not show every status.")
    return lines
