"""The GeoReport v2 endpoints, each in JSON and XML, answered in Swahili unless English is asked for."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from wananchi.api.auth import integration_may_submit, integration_refusal, integration_user
from wananchi.api.models import SCOPE_WRITE
from wananchi.api.tokens import find_integration_key, mark_used
from wananchi.core.db import roll_back_at_end, utcnow
from wananchi.core.errors import DomainError
from wananchi.core.i18n import localized_name
from wananchi.extensions import csrf, db, limiter
from wananchi.institutions.models import Category, District
from wananchi.notifications.render import public_url
from wananchi.open311 import serializers
from wananchi.open311.intake import Open311Error, active_category, read_submission
from wananchi.open311.queries import find_request, find_requests
from wananchi.tickets.references import format_tracking_code
from wananchi.tickets.services import AlreadySubmitted, submit_ticket

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)

FORMAT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-22T00:00:00+03:00"  # the last change to what this endpoint offers
DEFAULT_READ_LIMIT = "120 per minute;3000 per hour"
DEFAULT_WRITE_LIMIT = "30 per minute;600 per hour"

View = Callable[..., Response]


def _read_limit() -> str:
    return str(current_app.config.get("OPEN311_RATE_LIMIT", DEFAULT_READ_LIMIT))


def _write_limit() -> str:
    return str(current_app.config.get("OPEN311_SUBMIT_RATE_LIMIT", DEFAULT_WRITE_LIMIT))


def _language() -> str:
    """Swahili unless the client's Accept-Language prefers English."""
    return "en" if request.accept_languages.best_match(["sw", "en"], default="sw") == "en" else "sw"


def _format() -> str:
    """The answer's format: the one the URL asks for, JSON when it names none."""
    fmt = (request.view_args or {}).get("fmt")
    if fmt in ("json", "xml"):
        return str(fmt)
    return "xml" if request.path.endswith(".xml") else "json"


def open311_view(view: View) -> View:
    """Run a view in the client's language and turn its refusals into the spec's error list (and nothing the
    refused request wrote is kept)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        with force_locale(_language()):
            try:
                return view(*args, **kwargs)
            except Open311Error as error:
                roll_back_at_end()
                return serializers.render_error(error.code, error.description, _format())

    return wrapper


@bp.before_app_request
def _refuse_nul_bytes() -> Response | None:
    """NUL characters are refused for the whole site; here the refusal is in the spec's format."""
    if request.blueprint != "open311":
        return None
    values = [*request.args.keys(), *request.args.values(), *request.form.keys(), *request.form.values(), request.path]
    if not any("\x00" in value for value in values):
        return None
    with force_locale(_language()):
        return serializers.render_error(400, _("The request contained characters that cannot be used."), _format())


def _http_error(error: HTTPException) -> Response:
    """Not found, too large, too many requests…: the spec's error list with the same status."""
    code = error.code or 500
    with force_locale(_language()):
        descriptions = {
            404: _("Not found."),
            405: _("This method is not allowed here."),
            413: _("The request is too large."),
            429: _("You have sent many requests in a short time. Please wait a few minutes and try again."),
        }
        description = descriptions.get(code, _("The request could not be understood."))
        return serializers.render_error(code, description, _format())


# The site's own handlers for these codes come before a blueprint's handler for a class, so each is named.
for _code in (400, 404, 405, 413, 429):
    bp.register_error_handler(_code, _http_error)
bp.register_error_handler(HTTPException, _http_error)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    """A failure on our side, logged, and answered in the spec's format."""
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    with force_locale(_language()):
        return serializers.render_error(500, _("Something went wrong on our side."), _format())


@bp.get(f"/discovery.{FORMAT}")
@limiter.limit(_read_limit)
@open311_view
def discovery(fmt: str) -> Response:
    """Where this endpoint is, what it speaks, and whom to ask for a key: addresses under PUBLIC_URL, whatever
    Host the request named."""
    base = public_url("open311.services", fmt="json").rsplit("/", 1)[0]
    document = {
        "changeset": CHANGESET,
        "contact": _(
            "Wananchi service desk, through the contact page of this site: %(url)s", url=public_url("pages.home")
        ),
        "key_service": _("API keys for submitting requests are issued to institutions by the Wananchi administrators."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return serializers.render(document, "discovery", fmt)


@bp.get(f"/services.{FORMAT}")
@limiter.limit(_read_limit)
@open311_view
def services(fmt: str) -> Response:
    """Every active category as a service."""
    categories = db.session.scalars(
        select(Category)
        .where(Category.is_active.is_(True))
        .options(selectinload(Category.institution))
        .order_by(Category.code)
    ).all()
    return serializers.render([serializers.service(c) for c in categories], "services", fmt)


@bp.get(f"/services/<service_code>.{FORMAT}")
@limiter.limit(_read_limit)
@open311_view
def service_definition(service_code: str, fmt: str) -> Response:
    """The attributes a request for one service takes."""
    category = active_category(service_code)
    if category is None:
        raise Open311Error(404, _("There is no service with the code %(code)s.", code=service_code[:60]))
    districts = db.session.scalars(
        select(District).options(selectinload(District.region)).order_by(District.name, District.code)
    ).all()
    return serializers.render(serializers.service_definition(category, list(districts)), "service_definition", fmt)


@bp.post(f"/requests.{FORMAT}")
@limiter.limit(_write_limit)
@open311_view
def create_request(fmt: str) -> Response:
    """Submit a ticket for a system holding an integration key with the write scope."""
    raw_key = (request.form.get("api_key") or request.args.get("api_key") or "").strip()
    if not raw_key:
        raise Open311Error(403, _("api_key is required to submit a request."))
    key = find_integration_key(raw_key)
    if key is None or SCOPE_WRITE not in key.scope_set:
        raise Open311Error(403, _("This api_key is not valid for submitting requests."))
    mark_used(key)
    submission = read_submission(request.form, _language())
    if not integration_may_submit(integration_user(key), submission.category, submission.district):
        raise Open311Error(403, integration_refusal())
    submission.integration_key_id = key.id
    try:
        receipt = submit_ticket(submission, refuse_repeats=True)
    except AlreadySubmitted as resent:
        receipt = resent.receipt
    except DomainError as error:
        raise Open311Error(400, error.message) from None
    ticket = receipt.ticket
    notice = _(
        "Your ticket %(reference)s was received by %(institution)s. Your tracking code is %(code)s.",
        reference=ticket.reference,
        institution=localized_name(ticket.institution),
        code=format_tracking_code(receipt.tracking_code),
    )
    document = [{"service_request_id": ticket.reference, "service_notice": notice, "account_id": None}]
    return serializers.render(document, "service_requests", fmt)


@bp.get(f"/requests.{FORMAT}")
@limiter.limit(_read_limit)
@open311_view
def list_requests(fmt: str) -> Response:
    """Requests matching the spec's filters, newest first: the last 90 days and 1,000 at most by default."""
    tickets = find_requests(request.args, utcnow())
    return serializers.render([serializers.service_request(t) for t in tickets], "service_requests", fmt)


@bp.get(f"/requests/<service_request_id>.{FORMAT}")
@limiter.limit(_read_limit)
@open311_view
def show_request(service_request_id: str, fmt: str) -> Response:
    """One request by its id (our reference number), as a list of one."""
    ticket = find_request(service_request_id)
    if ticket is None:
        raise Open311Error(404, _("There is no request with the id %(id)s.", id=service_request_id[:40]))
    return serializers.render([serializers.service_request(ticket)], "service_requests", fmt)


def _other_method_allowed() -> bool:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST"):
        try:
            endpoint, _args = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "open311.unknown":
            return True
    return False


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@limiter.limit(_read_limit)
@open311_view
def unknown(rest: str) -> Response:
    """Any other path or method under /open311/v2/: 404 or 405 in the spec's format."""
    if _other_method_allowed():
        raise Open311Error(405, _("This method is not allowed here."))
    raise Open311Error(404, _("Not found. The endpoints are listed in discovery.json."))
