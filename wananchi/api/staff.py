"""Staff API operations with a token: the queue, a ticket, and the officer's actions.

The rules are the web pages': a ticket out of the caller's reach answers 404 (never confirming it
exists), a visible ticket the caller may not change answers 403, a stale `version` answers 409.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask_babel import force_locale, gettext
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from wananchi.accounts.models import User
from wananchi.api.auth import Principal, current_principal, rate_limit, rate_limit_key, read_scope, write_scope
from wananchi.api.errors import api_language, error_response, register_api_error_handlers
from wananchi.api.schemas import (
    ApiErrorSchema,
    AssignSchema,
    NoteSchema,
    QueueArgsSchema,
    QueuePageSchema,
    ReplySchema,
    StaffTicketSchema,
    StatusSchema,
    TransferSchema,
)
from wananchi.api.serialise import queue_item_dict, staff_ticket_dict
from wananchi.core.errors import DomainError
from wananchi.extensions import db, limiter
from wananchi.institutions.models import Category, Institution
from wananchi.tickets import actions
from wananchi.tickets.access import VIEW_CONTACT, VIEW_TICKET, contact_kind, record_access, record_contact_search
from wananchi.tickets.models import Ticket
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.queue import parse_filter, queue_page, search_kind
from wananchi.tickets.references import normalise_reference

blp = Blueprint(
    "api_staff",
    __name__,
    url_prefix="/api/v1/staff",
    description="Staff operations: a personal token (or an integration key, read only).",
)
register_api_error_handlers(blp)
limiter.limit(rate_limit, key_func=rate_limit_key)(blp)

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
ERRORS = {
    401: "No valid token",
    403: "Not permitted",
    404: "Not found",
    409: "Stale version",
    422: "Invalid",
    429: "Too many requests",
}


def _documented(*codes: int) -> Callable[[Any], Any]:
    """Document the token requirement and the JSON error answers of an operation."""

    def decorator(view: Any) -> Any:
        for code in codes:
            view = blp.alt_response(code, schema=ApiErrorSchema, description=ERRORS[code])(view)
        return blp.doc(security=SECURITY)(view)

    return decorator


def _caller() -> Principal:
    principal = current_principal()
    assert principal is not None  # the scope decorators refused the request otherwise
    return principal


def _load(reference: str, permission: Permission | None = None) -> Ticket:
    """The ticket if the caller may see it (404 otherwise) and hold `permission` on it (403 otherwise)."""
    user = _caller().user
    canonical = normalise_reference(reference)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == canonical)) if canonical else None
    if ticket is None or not can(user, Permission.VIEW_TICKET, ticket):
        abort(404)
    if permission is not None and not can(user, permission, ticket):
        abort(403)
    return ticket


def _caller_audited() -> tuple[User | None, dict[str, Any]]:
    """Who the audit log names for this call: the person whose token it is, or the integration key."""
    principal = _caller()
    if principal.is_person:
        return principal.user, {"via": "api"}
    return None, {"via": "api", "integration_key": principal.credential.id}


def _run(ticket: Ticket, action: Callable[[User], Any]) -> dict[str, Any]:
    """Run a staff action as the caller and answer with the ticket; map the services' refusals to statuses."""
    language = api_language()
    user = _caller().user
    try:
        with force_locale(language):
            action(user)
    except actions.NotPermitted:
        abort(403)
    except (actions.StaleTicket, StaleDataError):
        abort(409)
    except DomainError as error:
        abort(error_response(422, message=error.message, fields={error.field: [error.message]} if error.field else {}))
    return staff_ticket_dict(ticket, language)


@blp.route("/queue")
@read_scope
@blp.arguments(QueueArgsSchema, location="query")
@blp.response(200, QueuePageSchema)
@_documented(401, 403, 404, 422, 429)
def queue(args: dict[str, Any]) -> dict[str, Any]:
    """A page of the queue: the web queue's tabs, filters, search and order; `cursor` gives the next page."""
    user = _caller().user
    institution = db.session.get(Institution, user.institution_id) if user.institution_id else None
    if not can(user, Permission.VIEW_QUEUE, institution):
        abort(404)
    raw = {key: value for key, value in args.items() if key not in ("date_from", "date_to", "cursor")}
    raw.update({"from": args["date_from"], "to": args["date_to"]})
    language = api_language()
    with force_locale(language):
        flt, ignored = parse_filter(raw)
    tickets, next_cursor = queue_page(user, flt, args["cursor"])
    if flt.search and search_kind(flt.search) == "contact":
        # A search by a citizen's phone or e-mail is recorded, with every ticket it found, as on the web queue.
        actor, details = _caller_audited()
        record_contact_search(actor, contact_kind(flt.search), tickets, **details)
        for found in tickets:
            record_access(actor, VIEW_CONTACT, found, **details)
    return {"items": [queue_item_dict(t, language) for t in tickets], "next_cursor": next_cursor, "ignored": ignored}


@blp.route("/tickets/<reference>")
@read_scope
@blp.response(200, StaffTicketSchema)
@_documented(401, 403, 404, 429)
def ticket(reference: str) -> dict[str, Any]:
    """A ticket with its thread (notes included) and its history; each read is in the audit log."""
    found = _load(reference)
    actor, details = _caller_audited()
    record_access(actor, VIEW_TICKET, found, **details)
    return staff_ticket_dict(found, api_language())


@blp.route("/tickets/<reference>/reply", methods=["POST"])
@write_scope
@blp.arguments(ReplySchema)
@blp.response(200, StaffTicketSchema)
@_documented(401, 403, 404, 409, 422, 429)
def reply(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """A public reply to the citizen (a question may be answered and resolved at once)."""
    ticket = _load(reference, Permission.WORK_TICKET)
    return _run(
        ticket,
        lambda user: actions.reply_to_citizen(
            ticket, data["body"], actor=user, resolve=data["resolve"], version=data["version"]
        ),
    )


@blp.route("/tickets/<reference>/note", methods=["POST"])
@write_scope
@blp.arguments(NoteSchema)
@blp.response(200, StaffTicketSchema)
@_documented(401, 403, 404, 409, 422, 429)
def note(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """An internal note (officers of the institution) or a directive (supervisors, oversight)."""
    ticket = _load(reference, Permission.NOTE_TICKET)
    return _run(ticket, lambda actor: actions.add_note(ticket, data["body"], actor=actor, version=data["version"]))


@blp.route("/tickets/<reference>/request-info", methods=["POST"])
@write_scope
@blp.arguments(NoteSchema)
@blp.response(200, StaffTicketSchema)
@_documented(401, 403, 404, 409, 422, 429)
def request_info(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Ask the citizen for more information; the ticket waits for them."""
    ticket = _load(reference, Permission.WORK_TICKET)
    return _run(
        ticket, lambda user: actions.request_information(ticket, data["body"], actor=user, version=data["version"])
    )


def _change_status(ticket: Ticket, data: dict[str, Any]) -> Callable[[User], Any]:
    status, version = data["status"], data["version"]
    if status == "in_progress":
        return lambda user: actions.claim_ticket(ticket, actor=user, version=version)
    if status == "resolved":
        return lambda user: actions.resolve_ticket(
            ticket, data["summary"], actor=user, outcome=data["outcome"], version=version
        )
    if status == "closed":
        return lambda user: actions.close_ticket(ticket, actor=user, version=version)
    return lambda user: actions.reopen_ticket(ticket, data["reason"], actor=user, version=version)


@blp.route("/tickets/<reference>/status", methods=["POST"])
@write_scope
@blp.arguments(StatusSchema)
@blp.response(200, StaffTicketSchema)
@_documented(401, 403, 404, 409, 422, 429)
def change_status(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Move the ticket: claim (in_progress), resolve (with a summary), close, or reopen (with a reason)."""
    ticket = _load(reference, Permission.WORK_TICKET)
    return _run(ticket, _change_status(ticket, data))


@blp.route("/tickets/<reference>/assign", methods=["POST"])
@write_scope
@blp.arguments(AssignSchema)
@blp.response(200, StaffTicketSchema)
@_documented(401, 403, 404, 409, 422, 429)
def assign(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Give the ticket to an officer of its institution (supervisors)."""
    ticket = _load(reference, Permission.ASSIGN_TICKET)
    assignee = db.session.get(User, data["assignee_id"])
    if assignee is None:
        abort(error_response(422, fields={"assignee_id": ["Choose an officer of this institution."]}))
    return _run(ticket, lambda user: actions.assign_ticket(ticket, assignee, actor=user, version=data["version"]))


@blp.route("/tickets/<reference>/transfer", methods=["POST"])
@write_scope
@blp.arguments(TransferSchema)
@blp.response(200, StaffTicketSchema)
@_documented(401, 403, 404, 409, 422, 429)
def transfer(data: dict[str, Any], reference: str) -> dict[str, Any]:
    """Send the ticket to another institution's queue, saying why; the caller keeps a read-only view."""
    ticket = _load(reference, Permission.WORK_TICKET)
    target = db.session.scalar(select(Institution).where(Institution.slug == data["institution"]))
    if target is None:
        abort(error_response(422, fields={"institution": ["Choose another, active institution."]}))
    service = None
    if data["service"]:
        service = db.session.scalar(select(Category).where(Category.code == data["service"]))
        if service is None:
            abort(
                error_response(
                    422, fields={"service": [gettext("Choose a service that the receiving institution answers.")]}
                )
            )
    return _run(
        ticket,
        lambda user: actions.transfer_ticket(
            ticket, target, data["reason"], actor=user, version=data["version"], service=service
        ),
    )
