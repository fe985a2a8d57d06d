"""What an officer does from the queue page: save the view under a name, delete a saved one, act on chosen tickets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from wananchi.accounts.models import User
from wananchi.core.errors import DomainError
from wananchi.core.forms import show_refusal
from wananchi.core.i18n import localized_name
from wananchi.core.numbers import whole_number
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.tickets import actions
from wananchi.tickets.bulk import BulkOutcome, apply_to_each
from wananchi.tickets.models import Ticket
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.queue import QueueFilter, parse_filter
from wananchi.tickets.queue_forms import BulkForm, DeleteFilterForm, SaveFilterForm
from wananchi.tickets.queue_views import _queue_user, render_queue
from wananchi.tickets.references import normalise_reference
from wananchi.tickets.saved_filters import delete_filter, save_filter
from wananchi.tickets.staff import bp


def _back_to_queue(flt: QueueFilter, **extra: str) -> Any:
    kept: dict[str, Any] = {**flt.query_args(), **extra}
    return redirect(url_for("staff.queue", **kept), code=303)


def _kept_cursor() -> dict[str, str]:
    after = (request.args.get("after") or "")[:200]
    return {"after": after} if after else {}


@bp.post("/foleni/vichujio")
def save_queue_filter():  # type: ignore[no-untyped-def]
    """Save the queue view of the page's address (tab, filters, search, order) under the name typed."""
    user = _queue_user()
    flt, messages = parse_filter(request.args)
    form = SaveFilterForm()
    if form.validate():
        try:
            saved = save_filter(user, form.name.data, flt)
        except DomainError as error:
            show_refusal(form, error, otherwise="name")
        else:
            flash(_("The filter “%(name)s” has been saved.", name=saved.name), "success")
            return _back_to_queue(flt)
    return render_queue(user, flt, messages, request.args.get("after") or None, save_form=form, status=422)


@bp.post("/foleni/vichujio/<int:filter_id>/futa")
def delete_queue_filter(filter_id: int):  # type: ignore[no-untyped-def]
    """Delete one of the user's saved filters; another user's answers 404."""
    user = _queue_user()
    form = DeleteFilterForm()
    if not form.validate():
        abort(400)
    deleted = delete_filter(user, filter_id)
    if deleted is None:
        abort(404)
    flash(_("The filter “%(name)s” has been deleted.", name=deleted.name), "success")
    return _back_to_queue(parse_filter(request.args)[0], **_kept_cursor())


def _chosen(user: User, values: list[str], outcome: BulkOutcome) -> list[tuple[Ticket, int | None]]:
    """The chosen tickets ("reference:version") in the user's reach, each with the version the page showed; the
    others are refused in `outcome` (never saying whether a ticket out of reach exists)."""
    chosen: list[tuple[Ticket, int | None]] = []
    seen: set[str] = set()
    for value in values:
        raw_reference, _sep, raw_version = value.partition(":")
        reference = normalise_reference(raw_reference)
        if reference in seen:
            continue
        ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference)) if reference else None
        if ticket is None or not can(user, Permission.VIEW_TICKET, ticket):
            outcome.refused.append(
                (raw_reference[:40], _("There is no ticket with this reference number in your reach."))
            )
            continue
        seen.add(ticket.reference)
        chosen.append((ticket, whole_number(raw_version)))
    return chosen


Change = Callable[[Ticket, int | None], object]


def _change(form: BulkForm, user: User) -> tuple[Change, str] | None:
    """The single-ticket action the form asks for (called with a ticket and the version the page showed of it),
    and whom it names; None, with the form's error set, when what it needs is missing."""
    action = form.action.data
    if action == "assign":
        officer = db.session.get(User, whole_number(form.assignee.data) or 0)
        if officer is None or officer.institution_id != user.institution_id:
            form.assignee.errors = [_("Choose an officer of this institution.")]
            return None
        return (
            lambda ticket, version: actions.assign_ticket(ticket, officer, actor=user, version=version),
            officer.name,
        )
    if action == "transfer":
        target = db.session.get(Institution, whole_number(form.institution.data) or 0)
        if target is None:
            form.institution.errors = [_("Choose the institution.")]
        if not form.reason.data:
            form.reason.errors = [_("Write why the tickets belong to the other institution.")]
        if target is None or not form.reason.data:
            return None
        reason = form.reason.data
        return (
            lambda ticket, version: actions.transfer_ticket(ticket, target, reason, actor=user, version=version),
            localized_name(target),
        )
    if action == "merge":
        canonical = normalise_reference(form.into.data or "")
        into = db.session.scalar(select(Ticket).where(Ticket.reference == canonical)) if canonical else None
        if into is None or not can(user, Permission.VIEW_TICKET, into):
            form.into.errors = [_("There is no ticket with this reference number in your reach.")]
            return None
        return (
            lambda ticket, version: actions.merge_ticket(ticket, into, actor=user, version=version),
            into.reference,
        )
    return lambda ticket, version: actions.close_ticket(ticket, actor=user, version=version), ""


def _summary(action: str, count: int, target: str) -> str:
    """What was done, e.g. "3 tickets assigned to Asha Juma." (in Swahili: "Hoja 3 zimepewa Asha Juma.")."""
    if action == "assign":
        return ngettext(
            "%(num)d ticket assigned to %(target)s.", "%(num)d tickets assigned to %(target)s.", count, target=target
        )
    if action == "transfer":
        return ngettext(
            "%(num)d ticket transferred to %(target)s.",
            "%(num)d tickets transferred to %(target)s.",
            count,
            target=target,
        )
    if action == "merge":
        return ngettext(
            "%(num)d ticket merged into %(target)s.", "%(num)d tickets merged into %(target)s.", count, target=target
        )
    return ngettext("%(num)d ticket closed.", "%(num)d tickets closed.", count)


@bp.post("/foleni/kwa-pamoja")
def bulk_action():  # type: ignore[no-untyped-def]
    """Assign, transfer, close or merge the chosen tickets, each through its own action as if done one by one."""
    user = _queue_user()
    if not can(user, Permission.ACT_IN_BULK, user.institution):
        abort(403)
    flt, messages = parse_filter(request.args)
    after = request.args.get("after") or None
    form = BulkForm()
    change = _change(form, user) if form.validate() else None
    if change is None:
        return render_queue(user, flt, messages, after, bulk_form=form, status=422)
    handler, target = change
    outcome = BulkOutcome()
    chosen = _chosen(user, form.ticket.data or [], outcome)
    if form.action.data == "merge" and any(ticket.reference == target for ticket, _version in chosen):
        chosen = [(ticket, version) for ticket, version in chosen if ticket.reference != target]
        outcome.refused.append((target, _("It is the ticket the others are merged into.")))
    versions = {ticket.id: version for ticket, version in chosen}
    done = apply_to_each([ticket for ticket, _version in chosen], lambda ticket: handler(ticket, versions[ticket.id]))
    outcome.done.extend(done.done)
    outcome.refused.extend(done.refused)
    if outcome.done:
        flash(_summary(form.action.data, len(outcome.done), target), "success")
    if outcome.refused:
        # Each reason is a sentence of its own ("WN-…: Kitendo … hakiwezekani …."), so they follow one another.
        reasons = " ".join(f"{reference}: {reason}" for reference, reason in outcome.refused)
        flash(
            ngettext(
                "%(num)d ticket could not be changed: %(reasons)s",
                "%(num)d tickets could not be changed: %(reasons)s",
                len(outcome.refused),
                reasons=reasons,
            ),
            "warning",
        )
    return _back_to_queue(flt, **_kept_cursor())
