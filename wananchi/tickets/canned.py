"""Canned responses: an institution's prepared replies, in Swahili and English, administered and audited, and
written out for one ticket with its placeholders filled in, in the ticket's language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from wananchi.accounts.models import User
from wananchi.core.audit import record
from wananchi.core.errors import DomainError
from wananchi.core.i18n import localized_name
from wananchi.core.templating import local_date
from wananchi.extensions import db
from wananchi.institutions.changes import apply_values, plain, save_change, values_of
from wananchi.institutions.models import Institution
from wananchi.tickets.models import CannedResponse, Identity, Ticket

# The placeholders a canned response may hold, each under its Swahili and its English name.
NAME, REFERENCE, INSTITUTION, DUE_DATE = "name", "reference", "institution", "due_date"
PLACEHOLDERS = {
    "jina": NAME,
    "name": NAME,
    "kumbukumbu": REFERENCE,
    "reference": REFERENCE,
    "taasisi": INSTITUTION,
    "institution": INSTITUTION,
    "tarehe": DUE_DATE,
    "due_date": DUE_DATE,
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass
class CannedResponseValues:
    """A prepared reply of an institution, in Swahili and English."""

    institution: Institution
    title: str
    body_sw: str
    body_en: str


def _check_canned_response(canned: CannedResponse | None, values: CannedResponseValues) -> None:
    """The rules for a canned response: its title is unique within the institution."""
    query = select(CannedResponse.id).where(
        CannedResponse.institution_id == values.institution.id,
        func.lower(CannedResponse.title) == values.title.strip().lower(),
    )
    if canned is not None:
        query = query.where(CannedResponse.id != canned.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise DomainError(_("This institution already has a canned response with this title."), field="title")


def create_canned_response(values: CannedResponseValues, *, actor: User) -> CannedResponse:
    """A new prepared reply for an institution's officers."""
    _check_canned_response(None, values)
    canned = CannedResponse()
    changes = apply_values(canned, values_of(values))
    db.session.add(canned)
    save_change(actor, "create_canned_response", canned, changes)
    return canned


def update_canned_response(canned: CannedResponse, values: CannedResponseValues, *, actor: User) -> CannedResponse:
    """Change a prepared reply."""
    _check_canned_response(canned, values)
    changes = apply_values(canned, values_of(values))
    save_change(actor, "update_canned_response", canned, changes)
    return canned


def delete_canned_response(canned: CannedResponse, *, actor: User) -> None:
    """Remove a prepared reply; replies already sent are not affected."""
    changes = {
        "institution": [plain(canned.institution), None],
        "title": [canned.title, None],
    }
    record(actor.id, "delete_canned_response", canned, changes)
    db.session.delete(canned)
    db.session.flush()


@dataclass(frozen=True)
class FilledResponse:
    """A canned response written out for one ticket; `named` when it holds the citizen's name (a view of their
    personal data, to be recorded)."""

    text: str
    named: bool


def uses_name(canned: CannedResponse, ticket: Ticket) -> bool:
    """Whether filling the response in for `ticket` would write the citizen's own name."""
    body = canned.body_sw if ticket.language == "sw" else canned.body_en
    return (
        ticket.identity == Identity.NAMED
        and bool(ticket.citizen_name)
        and any(PLACEHOLDERS.get(key.lower()) == NAME for key in PLACEHOLDER.findall(body))
    )


def fill_canned_response(canned: CannedResponse, ticket: Ticket) -> FilledResponse:
    """The response in the ticket's language with {jina}/{name} (the citizen's name, or a neutral greeting for an
    anonymous or contact-hidden citizen), {kumbukumbu}/{reference}, {taasisi}/{institution} and {tarehe}/{due_date}
    (the resolution's due date) filled in; any other text in braces is left as written."""
    language = "sw" if ticket.language == "sw" else "en"
    body = canned.body_sw if language == "sw" else canned.body_en
    named = uses_name(canned, ticket)
    with force_locale(language):
        values = {
            NAME: ticket.citizen_name if named else pgettext("a canned reply's addressee", "citizen"),
            REFERENCE: ticket.reference,
            INSTITUTION: localized_name(ticket.institution, language),
            DUE_DATE: local_date(ticket.resolution_due_at) if ticket.resolution_due_at else _("as soon as possible"),
        }

    def value(match: re.Match[str]) -> str:
        key = PLACEHOLDERS.get(match.group(1).lower())
        return str(values[key]) if key else match.group(0)

    return FilledResponse(text=PLACEHOLDER.sub(value, body), named=named)
