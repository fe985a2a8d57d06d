"""The permission matrix, built from the application's URL map.

Every staff, account and administration route × {anonymous, officer of A, officer of B, supervisor of A,
oversight above A, oversight elsewhere, administrator} × {ticket of A, ticket of B} → the expected answer.
A route without a rule here fails the test, so a new staff page cannot ship without deciding who may open it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from flask import Flask
from sqlalchemy import select

from tests.helpers import hidden_fields, log_in, post_submission, valid_submission
from tests.tickets.test_submit import png_bytes
from tests.world import PASSWORD, build_staff, build_world
from wananchi.accounts.auth import PUBLIC_BLUEPRINTS, PUBLIC_ENDPOINTS
from wananchi.accounts.models import Role
from wananchi.accounts.services import create_user
from wananchi.institutions.models import RoutingRule
from wananchi.maswali.models import PublishedAnswer
from wananchi.notifications.models import Channel, OutboxMessage, OutboxStatus
from wananchi.privacy.models import DataRequest, RequestKind, RetentionPeriod
from wananchi.sla.models import Calendar, CalendarDate, ResponseTarget
from wananchi.tickets.models import CannedResponse, SavedQueueFilter, Ticket

ROLES = [
    "anonymous",
    "officer_a",
    "officer_b",
    "supervisor_a",
    "oversight_above_a",
    "oversight_elsewhere",
    "admin",
    "auditor",
]
OK, LOGIN, HIDDEN, FORBIDDEN = "ok", "login", "hidden", "forbidden"

# Who sees which ticket: A is the agency's, B the council's (oversight elsewhere sits above the council).
VIEW = {"officer_a": "A", "supervisor_a": "A", "oversight_above_a": "A", "officer_b": "B", "oversight_elsewhere": "B"}
WORK = {"officer_a": "A", "supervisor_a": "A", "officer_b": "B"}
ASSIGN = {"supervisor_a": "A"}
DIRECT = {"officer_a": "A", "supervisor_a": "A", "officer_b": "B", "oversight_above_a": "A", "oversight_elsewhere": "B"}

Rule = Callable[[str, str], str]  # (role, ticket "A"/"B") -> expected outcome


def ticket_rule(grant: dict[str, str]) -> Rule:
    """Visible and granted: ok; visible only: forbidden; otherwise: hidden (never confirm a ticket exists)."""

    def rule(role: str, ticket: str) -> str:
        if role == "anonymous":
            return LOGIN
        if grant.get(role) == ticket:
            return OK
        return FORBIDDEN if VIEW.get(role) == ticket else HIDDEN

    return rule


def staff_area(role: str, _ticket: str) -> str:
    """Pages for users who work or oversee tickets."""
    return LOGIN if role == "anonymous" else HIDDEN if role in ("admin", "auditor") else OK


def logged_in(role: str, _ticket: str) -> str:
    return LOGIN if role == "anonymous" else OK


def report_readers(role: str, _ticket: str) -> str:
    """The reports index: supervisors and oversight users."""
    return (
        LOGIN
        if role == "anonymous"
        else OK
        if role in ("supervisor_a", "oversight_above_a", "oversight_elsewhere")
        else HIDDEN
    )


def institution_report(role: str, _ticket: str) -> str:
    """The report of institution A: its supervisor and the oversight above it."""
    return LOGIN if role == "anonymous" else OK if role in ("supervisor_a", "oversight_above_a") else HIDDEN


def node_report(role: str, _ticket: str) -> str:
    """The node report of A (with its league table): oversight above it only."""
    return LOGIN if role == "anonymous" else OK if role == "oversight_above_a" else HIDDEN


def administrators(role: str, _ticket: str) -> str:
    return LOGIN if role == "anonymous" else OK if role == "admin" else HIDDEN


def audit_readers(role: str, _ticket: str) -> str:
    """The audit log and its export: administrators and auditors (who read nothing else)."""
    return LOGIN if role == "anonymous" else OK if role in ("admin", "auditor") else HIDDEN


RULES: dict[tuple[str, str], Rule] = {
    ("account.profile", "GET"): logged_in,
    ("account.profile", "POST"): logged_in,
    ("account.notifications", "GET"): logged_in,
    ("account.notifications", "POST"): logged_in,
    ("account.tokens", "GET"): logged_in,
    ("account.tokens", "POST"): logged_in,
    ("account.token_revoke", "POST"): lambda role, _t: LOGIN if role == "anonymous" else HIDDEN,  # not theirs
    ("admin.integration_keys", "GET"): administrators,
    ("admin.integration_keys", "POST"): administrators,
    ("admin.integration_key_revoke", "POST"): lambda role, _t: LOGIN if role == "anonymous" else HIDDEN,
    ("staff.dashboard", "GET"): staff_area,
    ("staff.institution_keys", "GET"): lambda role, _t: (
        LOGIN if role == "anonymous" else OK if role == "supervisor_a" else HIDDEN
    ),
    ("staff.queue", "GET"): staff_area,
    ("staff.queue_counts", "GET"): staff_area,
    ("staff.save_queue_filter", "POST"): staff_area,  # the user's own filters (an empty name answers 422)
    # Another user's saved filter is hidden; its owner (officer_a) deletes it.
    ("staff.delete_queue_filter", "POST"): lambda role, _t: (
        LOGIN if role == "anonymous" else OK if role == "officer_a" else HIDDEN
    ),
    # Acting on chosen tickets: those who work an institution's tickets; oversight reads the queue but may not.
    ("staff.bulk_action", "POST"): lambda role, _t: (
        LOGIN if role == "anonymous" else OK if role in WORK else FORBIDDEN if role.startswith("oversight") else HIDDEN
    ),
    ("staff.queue_csv", "GET"): staff_area,  # the queue as a file: whoever reads the queue (contacts by role)
    ("staff.queue_xlsx", "GET"): staff_area,
    ("admin.audit", "GET"): audit_readers,
    ("admin.audit_csv", "GET"): audit_readers,
    ("admin.processing", "GET"): audit_readers,  # the record of processing
    # Officers and supervisors record tickets for their institution; the receipt page is the recording browser's only.
    ("staff.record", "GET"): lambda role, _t: LOGIN if role == "anonymous" else OK if role in WORK else HIDDEN,
    ("staff.record", "POST"): lambda role, _t: LOGIN if role == "anonymous" else OK if role in WORK else HIDDEN,
    ("staff.recorded", "GET"): lambda role, _t: LOGIN if role == "anonymous" else HIDDEN,
    ("staff.escalations", "GET"): lambda role, _t: (
        LOGIN
        if role == "anonymous"
        else OK
        if role in ("supervisor_a", "oversight_above_a", "oversight_elsewhere")
        else HIDDEN
    ),
    ("staff.team", "GET"): lambda role, _t: LOGIN if role == "anonymous" else OK if role == "supervisor_a" else HIDDEN,
    ("staff.ticket", "GET"): ticket_rule(VIEW),
    ("staff.attachment", "GET"): ticket_rule(VIEW),
    ("staff.thumbnail", "GET"): ticket_rule(VIEW),  # a photo drawn small: the same check as the file itself
    ("staff.canned_text", "POST"): ticket_rule(WORK),  # a canned response written for the ticket (JSON)
    ("staff.contact", "POST"): ticket_rule(WORK),
    ("staff.assign", "POST"): ticket_rule(ASSIGN),
    ("staff.legal_hold", "POST"): ticket_rule(ASSIGN),  # a legal hold: the institution's supervisor, as assigning
    ("staff.ticket_data_requests", "GET"): ticket_rule(ASSIGN),  # requests about personal data: the same
    ("staff.decide", "POST"): ticket_rule(ASSIGN),
    # A citizen's request recorded by an officer who checked their identity, and the copy printed for them: those
    # who work the ticket (without a checked request the copy page sends the officer to record one first).
    ("staff.record_data_request", "GET"): ticket_rule(WORK),
    ("staff.record_data_request", "POST"): ticket_rule(WORK),
    ("staff.citizen_data_copy", "GET"): ticket_rule(WORK),
    ("staff.data_requests", "GET"): lambda role, _t: (
        LOGIN if role == "anonymous" else OK if role == "supervisor_a" else HIDDEN
    ),
    ("staff.note", "POST"): ticket_rule(DIRECT),
    **{
        (f"staff.{name}", "POST"): ticket_rule(WORK)
        for name in ("claim", "reply", "request_info", "resolve", "close", "reopen", "transfer", "merge", "commend")
    },
    # Published answers: the officers and supervisors of the answer's institution (the matrix's answer is A's).
    **{
        (f"maswali_staff.{name}", method): lambda role, _t: (
            LOGIN if role == "anonymous" else OK if role in ("officer_a", "supervisor_a") else HIDDEN
        )
        for name, method in (
            ("edit", "GET"),
            ("edit", "POST"),
            ("request_approval", "POST"),
            ("approve", "POST"),
            ("return_to_draft", "POST"),
            ("mark_out_of_date", "POST"),
            ("confirm_reviewed", "POST"),
        )
    },
    **{
        ("maswali_staff.index", "GET"): lambda role, _t: (
            LOGIN if role == "anonymous" else OK if role in WORK else HIDDEN
        ),
        ("maswali_staff.new", "GET"): lambda role, _t: LOGIN if role == "anonymous" else OK if role in WORK else HIDDEN,
        ("maswali_staff.new", "POST"): lambda role, _t: (
            LOGIN if role == "anonymous" else OK if role in WORK else HIDDEN
        ),
        ("maswali_staff.from_ticket", "POST"): ticket_rule(WORK),
    },
    ("reports.index", "GET"): report_readers,
    **{
        (f"reports.{name}", "GET"): institution_report
        for name in ("institution", "institution_csv", "institution_xlsx")
    },
    **{(f"reports.{name}", "GET"): node_report for name in ("node", "node_csv", "node_xlsx")},
    **{
        (f"admin.{name}", method): administrators
        for name, method in (
            ("index", "GET"),
            ("canned", "GET"),
            ("canned_edit", "GET"),
            ("canned_edit", "POST"),
            ("canned_delete", "POST"),
            ("categories", "GET"),
            ("category_edit", "GET"),
            ("category_edit", "POST"),
            ("category_set_active", "POST"),
            ("institutions", "GET"),
            ("institution_edit", "GET"),
            ("institution_edit", "POST"),
            ("policies", "GET"),
            ("policy_edit", "POST"),
            ("routing", "GET"),
            ("routing_edit", "GET"),
            ("routing_edit", "POST"),
            ("routing_delete", "POST"),
            ("users", "GET"),
            ("user_edit", "GET"),
            ("user_edit", "POST"),
            ("user_reset_totp", "POST"),
            ("user_set_active", "POST"),
            ("user_unlock", "POST"),
            ("calendars", "GET"),
            ("calendar_edit", "GET"),
            ("calendar_edit", "POST"),
            ("holidays", "GET"),
            ("calendar_date_edit", "GET"),
            ("calendar_date_edit", "POST"),
            ("calendar_date_delete", "POST"),
            ("targets", "GET"),
            ("target_edit", "GET"),
            ("target_edit", "POST"),
            ("target_delete", "POST"),
            ("outbox", "GET"),
            ("outbox_resend", "POST"),
            ("retention", "GET"),
            ("retention_edit", "GET"),
            ("retention_edit", "POST"),
            ("retention_delete", "POST"),
        )
    },
}


@dataclass(frozen=True)
class Route:
    endpoint: str
    method: str
    rule: str
    arguments: frozenset[str]


def protected_routes(app: Flask) -> list[Route]:
    """Every (endpoint, method) of the application outside the public allow-list."""
    routes = []
    for url_rule in app.url_map.iter_rules():
        blueprint = url_rule.endpoint.rpartition(".")[0]
        if url_rule.endpoint in PUBLIC_ENDPOINTS or blueprint in PUBLIC_BLUEPRINTS:
            continue
        for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append(Route(url_rule.endpoint, method, url_rule.rule, frozenset(url_rule.arguments)))
    return routes


def test_every_protected_route_has_a_rule(app):
    missing = sorted({(r.endpoint, r.method) for r in protected_routes(app)} - set(RULES))
    assert not missing, f"add these routes to RULES in {__file__}: {missing}"


@pytest.fixture
def matrix_setting(app, db):
    """The world, one user per role, a ticket (with a photo) at A and at B, and logged-in clients."""
    world = build_world()
    staff = build_staff(world)
    db.session.commit()
    tickets = {}
    # A ticket at A, then one at B (with its own text: the same text again from one contact is a repeat).
    for overrides in ({}, {"category": "usafi-taka", "district": "dodoma-jiji", "subject": "Taka hazikusanywi"}):
        citizen = app.test_client()
        page = citizen.get("/wasilisha")
        data = {
            **hidden_fields(page.data),
            **valid_submission(**overrides),
            "attachments": [(io.BytesIO(png_bytes()), "picha.png")],
        }
        assert citizen.post("/wasilisha", data=data, content_type="multipart/form-data").status_code == 303
    for ticket in db.session.scalars(select(Ticket)):
        tickets["A" if ticket.institution_id == world.agency.id else "B"] = ticket
    clients = {"anonymous": app.test_client()}
    for role in ROLES[1:]:
        client = app.test_client()
        assert log_in(client, getattr(staff, role).email, PASSWORD).status_code == 303
        clients[role] = client
    # Administration routes act on objects of their own, so that (for example) deactivating a user
    # does not log out one of the roles above.
    target_user = create_user(
        email="lengo@dawasa.go.tz", name="Lengo", role=Role.OFFICER, password=PASSWORD, institution=world.agency
    )
    canned = CannedResponse(institution=world.agency, title="Salamu", body_sw="Habari", body_en="Hello")
    rule = RoutingRule(category=world.local_service, district=world.other_district, institution=world.council)
    calendar = Calendar(name="Saa 24", always_open=True, hours={})
    closure = CalendarDate(calendar=calendar, day=dt.date(2026, 3, 2), note="Ukarabati")
    target = ResponseTarget(institution=world.council, first_response_days=3, resolution_days=9)
    failed = OutboxMessage(
        event="receipt",
        channel=Channel.EMAIL,
        recipient="asha@example.co.tz",
        language="sw",
        subject="Hoja",
        body_text="Hoja",
        status=OutboxStatus.FAILED,
        attempts=8,
    )
    period = RetentionPeriod(institution=world.agency, days=365)
    request = DataRequest(ticket_id=tickets["A"].id, kind=RequestKind.ERASURE)
    answer = PublishedAnswer(
        institution=world.agency, author=staff.officer_a, question_sw="Ada?", answer_sw="Shilingi 50,000."
    )
    saved = SavedQueueFilter(user_id=staff.officer_a.id, name="Zilizochelewa", query={"tab": "overdue"})
    db.session.add_all([canned, rule, calendar, closure, target, failed, period, request, answer, saved])
    db.session.commit()
    ids = {
        "canned_id": canned.id,
        "category_id": world.national_service.id,
        "institution_id": world.agency.id,
        "rule_id": rule.id,
        "user_id": target_user.id,
        "role": "officer",
        "calendar_id": calendar.id,
        "date_id": closure.id,
        "target_id": target.id,
        "outbox_id": failed.id,
        "period_id": period.id,
        "request_id": request.id,
        "token_id": 999_999,
        "key_id": 999_999,
        "answer_id": answer.id,
        "filter_id": saved.id,
    }
    return tickets, clients, ids


def _url(route: Route, ticket: Ticket, ids: dict) -> str:
    url = route.rule
    for argument in route.arguments:
        if argument == "reference":
            value = ticket.reference
        elif argument == "attachment_id":
            value = ticket.attachments[0].id
        else:
            assert argument in ids, f"give the matrix a value for <{argument}> of {route.endpoint}"
            value = ids[argument]
        url = url.replace(f"<int:{argument}>", str(value)).replace(f"<{argument}>", str(value))
    return url


def _outcome(response) -> str:  # type: ignore[no-untyped-def]
    if response.status_code == 302 and response.headers["Location"].startswith("/ingia"):
        return LOGIN
    if response.status_code == 404:
        return HIDDEN
    if response.status_code == 403:
        return FORBIDDEN
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    return OK


def test_the_matrix(app, matrix_setting):
    tickets, clients, ids = matrix_setting
    failures, checked = [], 0
    tokens: dict[str, str] = {}

    def token(role: str) -> str:
        """The security token of the role's session, read once: a token stays valid for its session, and a route
        that ended a session would show here as a refused token (400) where a refusal (403, 404) is expected."""
        if role not in tokens:
            page = clients[role].get("/ingia" if role == "anonymous" else "/akaunti")
            tokens[role] = hidden_fields(page.data).get("csrf_token", "")
        return tokens[role]

    # Deleting routes run last, so the pages that show what they delete are checked first.
    for route in sorted(protected_routes(app), key=lambda r: (r.endpoint.endswith("_delete"), r.endpoint, r.method)):
        rule = RULES[route.endpoint, route.method]
        for ticket_name in ("A", "B") if "reference" in route.arguments else ("A",):
            ticket = tickets[ticket_name]
            url = _url(route, ticket, ids)
            for role in ROLES:
                client = clients[role]
                if route.method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data={"csrf_token": token(role), "version": str(ticket.version)})
                expected, actual = rule(role, ticket_name), _outcome(response)
                checked += 1
                if expected != actual:
                    failures.append(
                        f"{route.method} {route.endpoint} ticket {ticket_name} as {role}: "
                        f"expected {expected}, got {actual} ({response.status_code})"
                    )
    assert not failures, "\n".join(failures)
    assert checked >= 7 * (len(RULES) + 14)  # every role on every route, both tickets for ticket routes


# --- the JSON API: the same rules, with a personal token per role (and an institution's integration key) --------

API_ROLES = [*ROLES, "integration_a"]
API_ROLE_EMAILS = {
    "officer_a": "asha.afisa@dawasa.go.tz",
    "officer_b": "juma.afisa@dodomacc.go.tz",
    "supervisor_a": "neema.msimamizi@dawasa.go.tz",
    "oversight_above_a": "kiongozi@maji.go.tz",
    "oversight_elsewhere": "kiongozi@tamisemi.go.tz",
    "admin": "admin@wananchi.go.tz",
    "auditor": "mkaguzi@wananchi.go.tz",
}  # tests/world.py


def api_ticket_rule(grant: dict[str, str], *, write: bool) -> Rule:
    """The web rule; an integration key reads as an officer of A and never writes (403 before any lookup)."""
    web = ticket_rule(grant)

    def rule(role: str, ticket: str) -> str:
        if role == "integration_a":
            return FORBIDDEN if write else OK if ticket == "A" else HIDDEN
        return web(role, ticket)

    return rule


def api_anyone(_role: str, _ticket: str) -> str:
    return OK


def api_staff_area(role: str, ticket: str) -> str:
    return OK if role == "integration_a" else staff_area(role, ticket)


API_RULES: dict[tuple[str, str], Rule] = {
    **{
        (f"api_public.{name}", method): api_anyone
        for name, method in (
            ("institutions", "GET"),
            ("categories", "GET"),
            ("districts", "GET"),
            ("submit", "POST"),
            ("track", "POST"),
            ("add_information", "POST"),
        )
    },
    ("api.openapi_document", "GET"): api_anyone,
    ("api.documentation", "GET"): api_anyone,
    **{("api.not_found", method): lambda _r, _t: HIDDEN for method in ("GET", "POST", "PUT", "PATCH", "DELETE")},
    ("api_staff.queue", "GET"): api_staff_area,
    ("api_staff.ticket", "GET"): api_ticket_rule(VIEW, write=False),
    ("api_staff.assign", "POST"): api_ticket_rule(ASSIGN, write=True),
    ("api_staff.note", "POST"): api_ticket_rule(DIRECT, write=True),
    **{
        (f"api_staff.{name}", "POST"): api_ticket_rule(WORK, write=True)
        for name in ("reply", "request_info", "change_status", "transfer")
    },
}
# A body each action accepts, with a stale version: a permitted caller gets 409 and nothing changes.
API_BODIES = {
    "reply": {"body": "Jibu"},
    "note": {"body": "Kumbuka"},
    "request_info": {"body": "Taarifa?"},
    "change_status": {"status": "in_progress"},
    "assign": {"assignee_id": 1},
    "transfer": {"institution": "taifa", "reason": "Sababu"},
}


def api_routes(app: Flask) -> list[Route]:
    """Every (endpoint, method) under /api/."""
    return [
        Route(r.endpoint, method, r.rule, frozenset(r.arguments))
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/")
        for method in sorted((r.methods or set()) - {"HEAD", "OPTIONS"})
    ]


def _api_outcome(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    return {401: LOGIN, 404: HIDDEN, 403: FORBIDDEN}.get(response.status_code, OK)


def test_every_api_route_has_a_rule(app):
    missing = sorted({(r.endpoint, r.method) for r in api_routes(app)} - set(API_RULES))
    assert not missing, f"add these routes to API_RULES in {__file__}: {missing}"


def test_the_api_matrix(app, db, matrix_setting):
    from wananchi.accounts.models import User
    from wananchi.api.tokens import create_api_token, create_integration_key
    from wananchi.institutions.models import Institution

    tickets, _clients, _ids = matrix_setting
    headers = {"anonymous": {}}
    for role in ROLES[1:]:
        user = db.session.scalar(select(User).where(User.email == API_ROLE_EMAILS[role]))
        headers[role] = {"Authorization": "Bearer " + create_api_token(user, role, ["read", "write"])[1]}
    agency = tickets["A"].institution
    headers["integration_a"] = {
        "Authorization": "Bearer "
        + create_integration_key(db.session.get(Institution, agency.id), "mfumo", ["read", "write"], actor=None)[1]
    }
    db.session.commit()
    client = app.test_client()
    failures, checked = [], 0
    for route in api_routes(app):
        rule = API_RULES[route.endpoint, route.method]
        name = route.endpoint.partition(".")[2]
        for ticket_name in ("A", "B") if "reference" in route.arguments else ("A",):
            ticket = tickets[ticket_name]
            url = route.rule.replace("<reference>", ticket.reference).replace("<path:path>", "hakuna")
            for role in API_ROLES:
                body = {**API_BODIES.get(name, {}), "version": 0}
                response = client.open(
                    url, method=route.method, headers=headers[role], json=body if route.method != "GET" else None
                )
                expected, actual = rule(role, ticket_name), _api_outcome(response)
                checked += 1
                if expected != actual:
                    failures.append(
                        f"{route.method} {route.endpoint} ticket {ticket_name} as {role}: "
                        f"expected {expected}, got {actual} ({response.status_code})"
                    )
    assert not failures, "\n".join(failures)
    assert checked >= len(API_ROLES) * len(API_RULES)


# --- garbage in every field of every form: a clear refusal, never a 500 ---------------------------------------

GARBAGE = (
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "9999-12-31",  # far future: a day after it is past the calendar
    "0001-01-01",  # far past: a day before it too
    "25:99",
    "𝕏" * 3000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202e\u200b",
    "a\x00b",
    "2147483648",  # 2**31: one more than an id column holds
    "9223372036854775808",  # 2**63: one more than a BIGINT holds
    "1\r\nSet-Cookie: x=1",
)


class _FieldNames(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = dict(attrs).get("name")
        if tag in ("input", "select", "textarea", "button") and name:
            self.names.add(name)


def _field_names(*pages: bytes) -> set[str]:
    parser = _FieldNames()
    for page in pages:
        parser.feed(page.decode())
    return parser.names - {"csrf_token"}


def _first_permitted(route: Route, rule: Rule) -> str | None:
    return next((role for role in ROLES if rule(role, "A") == OK), None)


JSON_GARBAGE = (12345, 1.5, True, None, ["a", "b"], {"a": 1})

# The garbage tests are cut into shards that pytest-xdist runs side by side; each shard has its own database.
SHARDS = 4

# Every form field name the service's pages show, gathered once per database backend and test process.
_FORM_FIELD_NAMES: dict[str, set[str]] = {}


def _form_field_names(app: Flask, citizen, own: Ticket, ticket: Ticket, clients: dict, ids: dict) -> set[str]:  # type: ignore[no-untyped-def]
    """The names of every field of every page a citizen or a permitted user opens (not the CSRF token)."""
    backend = app.config["SQLALCHEMY_DATABASE_URI"]
    if backend not in _FORM_FIELD_NAMES:
        pages = [citizen.get(f"/hoja/{own.reference}").data]
        pages += [citizen.get(url).data for url in ("/wasilisha", "/fuatilia", "/ingia", "/nenosiri/sahau")]
        for route in protected_routes(app):
            role = _first_permitted(route, RULES[route.endpoint, route.method])
            if route.method == "GET" and role is not None:
                page = clients[role].get(_url(route, ticket, ids))
                if page.mimetype == "text/html":
                    pages.append(page.data)
        _FORM_FIELD_NAMES[backend] = _field_names(*pages)
    return _FORM_FIELD_NAMES[backend]


def _post_targets(app: Flask, clients: dict, citizen) -> list[tuple[Route, object]]:  # type: ignore[no-untyped-def]
    """Every POST route with the client allowed to use it: staff routes as their first permitted role, the
    citizen's and the login pages' routes as a citizen; the routes that take away objects or the session that
    others need come last."""
    targets = [
        (route, clients[role])
        for route in protected_routes(app)
        if route.method == "POST" and (role := _first_permitted(route, RULES[route.endpoint, route.method]))
    ]
    targets += [
        (Route(r.endpoint, "POST", r.rule, frozenset(r.arguments)), citizen)
        for r in app.url_map.iter_rules()
        if "POST" in (r.methods or ()) and r.endpoint.partition(".")[0] in ("tickets", "auth")
    ]
    last = ("_delete", ".logout")
    return sorted(targets, key=lambda t: (t[0].endpoint.endswith(last), t[0].endpoint))


def _shard(items: list, shard: int) -> list:
    """This shard's part of `items`, keeping their order."""
    return items[shard::SHARDS]


def test_the_garbage_tests_reach_every_form(app):
    """The shards below cover at least 50 POST routes between them."""
    assert len(_post_targets(app, dict.fromkeys(ROLES), None)) >= 50


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_garbage_in_every_field_of_every_form_never_gives_a_server_error(app, db, matrix_setting, shard):
    """Each POST route, as a user allowed to use it, with every form field of the service set to each kind of
    garbage in turn (for the ticket pages' forms, the version as well, then the version kept), then with every
    field sent as a file, then as JSON of every type."""
    tickets, clients, ids = matrix_setting
    ticket = tickets["A"]
    citizen = app.test_client()  # with a ticket of their own, open in this browser
    submitted = post_submission(citizen, subject="Hoja ya mwananchi huyu")  # not a repeat of the setting's tickets
    assert submitted.status_code == 303
    own = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    names = _form_field_names(app, citizen, own, ticket, clients, ids)
    assert {"subject", "body", "institution", "email", "password", "first_response_days", "attachments"} <= names

    def token(client) -> str:  # type: ignore[no-untyped-def]
        """A security token of the client's session. No garbage below logs anybody in or out (the routes that
        end a session run last), so one token serves a route's every request."""
        page = client.get("/akaunti") if client is not citizen else client.get("/ingia")
        return hidden_fields(page.data)["csrf_token"]

    def version() -> str:
        db.session.expire_all()
        return str(db.session.get(Ticket, ticket.id).version)

    def check(response, url: str, sent: object) -> None:  # type: ignore[no-untyped-def]
        assert response.status_code < 500, (url, sent, response.get_data(as_text=True)[:1500])

    targets = _shard(_post_targets(app, clients, citizen), shard)
    assert targets
    for route, client in targets:
        url = route.rule.replace("<token>", "x" * 40) if route.arguments == {"token"} else _url(route, ticket, ids)
        if client is citizen:
            url = url.replace(ticket.reference, own.reference)
        csrf = token(client)
        # Only a ticket's forms read the version; elsewhere the second request would repeat the first.
        versions = (False, True) if "reference" in route.arguments else (False,)
        for value in GARBAGE:
            for keep_version in versions:
                data = {**dict.fromkeys(names, value), "csrf_token": csrf}
                if keep_version:
                    data["version"] = version()
                check(client.post(url, data=data, content_type="multipart/form-data"), url, value)
        files = {name: (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "a\x00\u202e.png") for name in names}
        data = {**files, "csrf_token": csrf, "version": version()}
        check(client.post(url, data=data, content_type="multipart/form-data"), url, "files")
        for value in JSON_GARBAGE:
            body = {**dict.fromkeys(names, value), "version": version()}
            check(client.post(url, json=body, headers={"X-CSRFToken": csrf}), url, value)
    for role in ROLES[1:]:
        assert clients[role].get("/akaunti").status_code == 200, f"{role} was logged out by garbage"


# Query parameters the pages read besides their filter forms' fields (paging, sorting, the calendar's year...).
QUERY_NAMES = {"page", "year", "day", "is_working", "q", "sort", "dir", "table", "after", "ref", "next", "zote", "rudi"}
QUERY_GARBAGE = tuple(value[:50] for value in GARBAGE)  # an address stays short: servers refuse lines over 4 KB


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_garbage_in_every_query_parameter_never_gives_a_server_error(app, db, matrix_setting, shard):
    """Each GET page, as a user allowed to open it, with every query parameter the service reads set to
    each kind of garbage in turn."""
    tickets, clients, ids = matrix_setting
    ticket = tickets["A"]
    citizen = app.test_client()
    own_text = {"subject": "Hoja ya mwananchi huyu"}  # not a repeat of the setting's tickets
    assert post_submission(citizen, attachments=[(io.BytesIO(png_bytes()), "picha.png")], **own_text).status_code == 303
    own = db.session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    targets = [
        (route, clients[role])
        for route in protected_routes(app)
        if route.method == "GET" and (role := _first_permitted(route, RULES[route.endpoint, route.method]))
    ]
    names = QUERY_NAMES | _form_field_names(app, citizen, own, ticket, clients, ids)
    assert {"from", "to", "status", "institution"} <= names
    public = [r for r in app.url_map.iter_rules() if "GET" in (r.methods or ()) and r.endpoint != "static"]
    targets += [
        (Route(r.endpoint, "GET", r.rule, frozenset(r.arguments)), citizen)
        for r in public
        if r.endpoint.partition(".")[0] in ("tickets", "auth", "pages", "statistics")
    ]
    assert len(targets) >= 55
    for route, client in _shard(targets, shard):
        extra = {"token": "x" * 40, "language": "en", "slug": ticket.institution.slug}
        url = _url(route, own if client is citizen else ticket, {**ids, **extra})
        for value in QUERY_GARBAGE:
            response = client.get(url, query_string=dict.fromkeys(names, value))
            assert response.status_code < 500, (url, value, response.get_data(as_text=True)[:1500])


PATH_GARBAGE = (
    "0",
    "99999999999999999999999999",
    "2147483648",  # 2**31: one more than an id column holds
    "9223372036854775808",  # 2**63: one more than a BIGINT holds
    "WN-2026-999999",
    "𝕏" * 40,
    "%E2%80%AE",
    "..%2F..%2Fetc",
    "1%0D%0ASet-Cookie:%20x=1",
    "a" * 300,
)


@pytest.mark.slow
def test_garbage_in_every_part_of_every_address_never_gives_a_server_error(app, matrix_setting):
    """Each route, as a user allowed to use it, with each of its address's variable parts set to garbage: an id
    no database holds, an unknown reference, text where a slug or token goes."""
    _tickets, clients, _ids = matrix_setting
    roles = {
        **{(r.endpoint, r.method): _first_permitted(r, RULES[r.endpoint, r.method]) for r in protected_routes(app)}
    }
    checked = 0
    for url_rule in app.url_map.iter_rules():
        if not url_rule.arguments or url_rule.endpoint == "static":
            continue
        for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}):
            client = clients[roles.get((url_rule.endpoint, method)) or "anonymous"]
            token = (hidden_fields(client.get("/ingia").data).get("csrf_token") or "") if method != "GET" else ""
            for value in PATH_GARBAGE:
                url = url_rule.rule
                for argument in url_rule.arguments:
                    url = re.sub(rf"<(?:[a-z]+(?:\([^)]*\))?:)?{argument}>", value, url)
                response = client.open(url, method=method, data={"csrf_token": token} if method != "GET" else None)
                assert response.status_code < 500, (method, url, response.get_data(as_text=True)[:1500])
                checked += 1
    assert checked >= 40 * len(PATH_GARBAGE)
