"""The administration blueprint and what its pages share: the access rule, loading rows, showing refusals."""

from __future__ import annotations

from typing import TypeVar

from flask import Blueprint, abort, request
from flask_login import current_user
from flask_wtf import FlaskForm

from wananchi.accounts.models import User
from wananchi.core.numbers import whole_number
from wananchi.extensions import db
from wananchi.tickets.permissions import Permission, can

bp = Blueprint("admin", __name__, url_prefix="/utawala")

ModelT = TypeVar("ModelT")


# The audit log's pages and the record of processing, which auditors read too (administrators read every page here).
AUDIT_ENDPOINTS = frozenset({"admin.audit", "admin.audit_csv", "admin.processing"})


@bp.before_request
def _administrators_only() -> None:
    """Everyone but administrators (and, for the audit log, auditors) gets 404: the pages do not admit they exist."""
    permission = Permission.READ_AUDIT if request.endpoint in AUDIT_ENDPOINTS else Permission.ADMINISTER
    if not can(current_user, permission):
        abort(404)


def actor() -> User:
    """The administrator making this request."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def get_or_404(model: type[ModelT], row_id: int) -> ModelT:
    """The row with this id, or a 404 page."""
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return row


def chosen(model: type[ModelT], row_id: int | None) -> ModelT | None:
    """The row chosen in a select field, if any."""
    return db.session.get(model, row_id) if row_id is not None else None


def form_status(form: FlaskForm) -> int:
    """200 for a first view of a form, 422 when it comes back with errors."""
    return 422 if form.is_submitted() else 200


MAX_PAGE = 100_000  # far past any list's end, and an offset every database can take


def page_number() -> int:
    """The page asked for in the address (1 if none or nonsense; a page past the end is empty)."""
    return min(max(whole_number(request.args.get("page")) or 1, 1), MAX_PAGE)
