"""Public API operations: institutions, categories, districts, submitting and tracking tickets."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import abort, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from wananchi.api.auth import (
    current_principal,
    integration_may_submit,
    integration_refusal,
    optional_token,
    rate_limit,
    rate_limit_key,
    submit_rate_limit,
)
from wananchi.api.errors import api_language, error_response, register_api_error_handlers
from wananchi.api.models import ApiToken, IntegrationKey
from wananchi.api.schemas import (
    ApiErrorSchema,
    CategorySchema,
    DistrictSchema,
    IdempotencyHeaderSchema,
    InformationSchema,
    InstitutionSchema,
    PublicMessageSchema,
    ReceiptSchema,
    SubmitSchema,
    TrackedTicketSchema,
    TrackSchema,
)
from wananchi.api.serialise import category_dict, institution_dict, public_message_dict, tracked_ticket_dict
from wananchi.core.contact import normalise_email, normalise_phone
from wananchi.core.db import retry_on_conflict
from wananchi.core.errors import DomainError
from wananchi.extensions import db, limiter
from wananchi.institutions.models import Category, District, Institution
from wananchi.institutions.routing import active_category, district_with_code
from wananchi.tickets.forms import DONT_KNOW
from wananchi.tickets.models import Channel
from wananchi.tickets.references import format_tracking_code, new_submission_key, normalise_reference
from wananchi.tickets.services import (
    AlreadySubmitted,
    Submission,
    add_citizen_message,
    find_tracked_ticket,
    submit_ticket,
)

blp = Blueprint("api_public", __name__, url_prefix="/api/v1", description="Public operations: no token needed.")
register_api_error_handlers(blp)
limiter.limit(rate_limit, key_func=rate_limit_key)(blp)

ERRORS = {
    400: "Bad request",
    401: "Credentials were sent but are not valid",
    403: "An integration key outside its institution's services",
    404: "Not found",
    409: "Changed at the same moment",
    422: "Invalid",
    429: "Too many requests",
}


def _document_errors(*codes: int) -> Any:
    """Document the JSON error answers of an operation."""

    def decorator(view: Any) -> Any:
        for code in codes:
            view = blp.alt_response(code, schema=ApiErrorSchema, description=ERRORS.get(code, "Error"))(view)
        return view

    return decorator


def _track_limit() -> str:
    return str(current_app.config["TRACK_RATE_LIMIT"])


def _per_reference_limit() -> str:
    return str(current_app.config["TRACK_PER_REFERENCE_AND_ADDRESS_LIMIT"])


def _reference_in_body() -> str:
    """The reference a request's JSON body names, however it was typed ("invalid" when it names none)."""
    body = request.get_json(silent=True)
    raw = body.get("reference") if isinstance(body, dict) else None
    return (normalise_reference(raw) if isinstance(raw, str) else None) or "invalid"


def _tracked_reference_key() -> str:
    """The rate-limit key of the ticket a tracking request names, with the caller's address (as the tracking
    page counts): guesses at one ticket's code are counted together whatever credentials they come with, and
    a stranger's guesses never lock its citizen out."""
    return f"api-track:{_reference_in_body()}:{get_remote_address()}"


# Both operations that take a reference and a tracking code answer whether the code is right: one count.
_per_reference = limiter.shared_limit(
    _per_reference_limit, scope="api-track-per-reference", key_func=_tracked_reference_key
)


def _information_limit() -> str:
    return str(current_app.config["ADD_INFORMATION_RATE_LIMIT"])


def _information_per_ticket_limit() -> str:
    return str(current_app.config["ADD_INFORMATION_PER_TICKET_LIMIT"])


def _information_ticket_key() -> str:
    """The rate-limit key of the ticket a request adds information to."""
    return "add-information:" + _reference_in_body()


@blp.route("/institutions")
@optional_token
@blp.response(200, InstitutionSchema(many=True))
@_document_errors(401, 429)
def institutions() -> list[dict[str, Any]]:
    """The active institutions, with their names in Swahili and English."""
    language = api_language()
    rows = db.session.scalars(
        select(Institution)
        .where(Institution.is_active.is_(True))
        .options(selectinload(Institution.parent))
        .order_by(Institution.slug)
    )
    return [institution_dict(row, language) for row in rows]


@blp.route("/categories")
@optional_token
@blp.response(200, CategorySchema(many=True))
@_document_errors(401, 429)
def categories() -> list[dict[str, Any]]:
    """The active categories (services) a ticket can be about, in both languages."""
    language = api_language()
    rows = db.session.scalars(
        select(Category)
        .where(Category.is_active.is_(True))
        .options(selectinload(Category.institution))
        .order_by(Category.code)
    )
    return [category_dict(row, language) for row in rows]


@blp.route("/districts")
@optional_token
@blp.response(200, DistrictSchema(many=True))
@_document_errors(401, 429)
def districts() -> list[dict[str, Any]]:
    """The districts, for services that councils provide."""
    rows = db.session.scalars(select(District).options(selectinload(District.region)).order_by(District.code))
    return [{"code": d.code, "name": d.name, "region": d.region.code, "region_name": d.region.name} for d in rows]


def _submission_key(idempotency_key: str | None) -> str:
    """The ticket's submission key: from the Idempotency-Key, namespaced per caller; random without one."""
    if not idempotency_key:
        return "api:" + new_submission_key()
    principal = current_principal()
    caller = f"{type(principal.credential).__name__}:{principal.credential.id}" if principal else rate_limit_key()
    digest = hashlib.sha256(f"{caller}\n{idempotency_key}".encode()).hexdigest()
    return f"api:{digest[:56]}"


def _category(code: str | None) -> Category | None:
    if not code or code == DONT_KNOW:
        return None
    category = active_category(code)
    if category is None:
        abort(error_response(422, fields={"category": ["Choose a service from the list."]}))
    return category


def _district(code: str | None) -> District | None:
    if not code:
        return None
    district = district_with_code(code)
    if district is None:
        abort(error_response(422, fields={"district": ["Choose a district from the list."]}))
    return district


@blp.route("/tickets", methods=["POST"])
@limiter.limit(submit_rate_limit, key_func=rate_limit_key)
@optional_token
@blp.arguments(IdempotencyHeaderSchema, location="headers", as_kwargs=True)
@blp.arguments(SubmitSchema)
@blp.response(201, ReceiptSchema)
@_document_errors(400, 401, 403, 422, 429)
def submit(data: dict[str, Any], idempotency_key: str | None = None) -> dict[str, Any]:
    """Submit a ticket: the same rules, routing, targets and notifications as the web form."""
    language = api_language()
    principal = current_principal()
    credential = principal.credential if principal else None
    category, district = _category(data["category"]), _district(data["district"])
    system = principal.user if principal is not None and isinstance(credential, IntegrationKey) else None
    if system is not None and not integration_may_submit(system, category, district):
        with force_locale(language):
            abort(error_response(403, message=integration_refusal()))
    submission = Submission(
        type=data["type"],
        category=category,
        district=district,
        subject=data["subject"],
        description=data["description"],
        identity=data["identity"],
        name=data["name"] or None,
        email=normalise_email(data["email"]) if data["email"] else None,
        phone=normalise_phone(data["phone"]) if data["phone"] else None,
        language=data["language"],
        channel=Channel.API,
        submission_key=_submission_key(idempotency_key),
        integration_key_id=credential.id if isinstance(credential, IntegrationKey) else None,
        api_token_id=credential.id if isinstance(credential, ApiToken) else None,
        publication_consent=data["publication_consent"],
        place=data["place"] or None,
        latitude=data["latitude"],
        longitude=data["longitude"],
    )
    try:
        with force_locale(language):
            receipt = submit_ticket(submission, refuse_repeats=True)
    except AlreadySubmitted as resent:  # a retry with the same Idempotency-Key: the first answer again
        receipt = resent.receipt
    except DomainError as error:
        abort(error_response(422, message=error.message, fields={error.field: [error.message]} if error.field else {}))
    ticket = receipt.ticket
    return {
        "reference": ticket.reference,
        "tracking_code": format_tracking_code(receipt.tracking_code),
        "status": str(ticket.status),
        "institution": institution_dict(ticket.institution, language),
        "created_at": ticket.created_at,
        "publication_consent": ticket.publication_consent,
    }


def _tracked(reference: str, code: str) -> Any:
    ticket = find_tracked_ticket(reference, code)
    if ticket is None:
        with force_locale(api_language()):
            abort(error_response(404, message=None))
    return ticket


@blp.route("/tickets/track", methods=["POST"])
@limiter.limit(_track_limit, key_func=rate_limit_key)
@_per_reference
@optional_token
@blp.arguments(TrackSchema)
@blp.response(200, TrackedTicketSchema)
@_document_errors(400, 401, 404, 422, 429)
def track(data: dict[str, Any]) -> dict[str, Any]:
    """A ticket as its citizen sees it, opened with its reference number and tracking code."""
    return tracked_ticket_dict(_tracked(data["reference"], data["code"]), api_language())


@blp.route("/tickets/information", methods=["POST"])
@limiter.limit(_track_limit, key_func=rate_limit_key)
@limiter.limit(_information_limit, key_func=rate_limit_key)
# Shared with the tracking page's form: one count per ticket, whichever way information comes.
@limiter.shared_limit(_information_per_ticket_limit, scope="add-information", key_func=_information_ticket_key)
@_per_reference
@optional_token
@blp.arguments(InformationSchema)
@blp.response(201, PublicMessageSchema)
@_document_errors(400, 401, 404, 409, 422, 429)
def add_information(data: dict[str, Any]) -> dict[str, Any]:
    """Add the citizen's information to a ticket (reference number and tracking code required); 409 if the ticket
    kept changing at the same moment, so it was not added: send it again."""
    ticket = _tracked(data["reference"], data["code"])
    try:
        with force_locale(api_language()):
            message = retry_on_conflict(lambda: add_citizen_message(ticket, data["body"], []))
    except StaleDataError:
        with force_locale(api_language()):
            abort(
                error_response(
                    409,
                    message=_(
                        "The ticket changed at the same moment, so the information was not added. Send it again."
                    ),
                )
            )
    except DomainError as error:
        abort(error_response(422, message=error.message, fields={error.field: [error.message]} if error.field else {}))
    return public_message_dict(message, api_language())
