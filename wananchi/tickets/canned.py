"""Canned responses: an institution's prepared replies, in Swahili and English, administered and audited."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from wananchi.accounts.models import User
from wananchi.core.audit import record
from wananchi.core.errors import DomainError
from wananchi.extensions import db
from wananchi.institutions.changes import apply_values, plain, save_change, values_of
from wananchi.institutions.models import Institution
from wananchi.tickets.models import CannedResponse


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
