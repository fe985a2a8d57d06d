"""The staff dashboard and the queue of the institutions in the user's reach."""

from __future__ import annotations

from typing import Any

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_login import current_user
from sqlalchemy import select

from wananchi.accounts.models import Role, User
from wananchi.core.db import commit_now
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Region
from wananchi.tickets import actions
from wananchi.tickets.access import contact_kind, record_contact_search
from wananchi.tickets.forms import officer_choices, transfer_choices
from wananchi.tickets.labels import STAFF_STATUS_LABELS, TYPE_LABELS
from wananchi.tickets.models import Ticket
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.queue import (
    COLUMN_SORTS,
    QueueFilter,
    count_cap,
    is_text_search,
    parse_filter,
    queue_page,
    search_kind,
    tab_counts,
    visible_ids,
)
from wananchi.tickets.queue_forms import BulkForm, SaveFilterForm
from wananchi.tickets.saved_filters import saved_filters
from wananchi.tickets.staff import bp

TAB_LABELS = {
    "new": _l("New"),
    "mine": _l("Assigned to me"),
    "due_today": _l("Due today"),
    "overdue": _lp("count", "Overdue"),  # a tab over a count: plural in Swahili (one ticket's badge is singular)
    "awaiting": _lp("count", "Awaiting citizen"),
    "open": _l("All open"),
    "closed": _l("Resolved and closed"),
    "appeals": _l("Appeals"),
}
TAB_HINTS = {
    "new": _l("Received or reopened, nobody assigned yet"),
    "mine": _l("Open tickets assigned to you"),
    "due_today": _l("A target falls due before the end of today"),
    "overdue": _l("A response-time target has been missed"),
    "awaiting": _l("Waiting for the citizen's information"),
    "open": _l("Every ticket still waiting for an outcome"),
    "appeals": _l("Reopened after the citizen appealed"),
}
SORT_LABELS = {
    "due": _l("Due soonest"),
    "-due": _l("Most time left first"),
    "newest": _l("Newest first"),
    "oldest": _l("Oldest first"),
    "reference": _l("Reference number, lowest first"),
    "-reference": _l("Reference number, highest first"),
    "subject": _l("Subject, A to Z"),
    "-subject": _l("Subject, Z to A"),
    "type": _l("Type of ticket, A to Z"),
    "-type": _l("Type of ticket, Z to A"),
    "service": _l("Service, A to Z"),
    "-service": _l("Service, Z to A"),
    "status": _l("Status, in the order of the work"),
    "-status": _l("Status, in reverse order of the work"),
    "assignee": _l("Assigned to, A to Z"),
    "-assignee": _l("Assigned to, Z to A"),
}
SCOPE_LABELS = {"tab": _l("In this tab"), "all": _l("In every ticket of the institution")}
DASHBOARD_TABS = ("new", "mine", "due_today", "overdue", "awaiting", "appeals", "open")


def _queue_user() -> User:
    """The current user, if they have a queue to read; 404 otherwise (administrators read no tickets)."""
    user: User = current_user  # type: ignore[assignment]
    if not can(user, Permission.VIEW_QUEUE, user.institution):
        abort(404)
    return user


def _tabs_for(user: User) -> list[str]:
    """The tabs a user sees: "mine" only for those who are assigned tickets."""
    return [tab for tab in TAB_LABELS if tab != "mine" or user.works_tickets]


def _shown_count(count: int, cap: int) -> dict[str, Any]:
    """A tab count as the page shows it: a count past the cap reads "10,000+"."""
    return {"value": min(count, cap), "more": count > cap}


def _filter_choices() -> dict[str, Any]:
    """The options of the filter form's lists, in the page's language."""
    categories = db.session.execute(select(Category.code, Category.name_sw, Category.name_en))
    places = db.session.execute(
        select(Region.code, Region.name, District.code.label("district_code"), District.name.label("district_name"))
        .outerjoin(Region.districts)
        .order_by(Region.name, Region.code, District.name)
    )
    regions: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for place in places:
        districts = regions.setdefault((place.code, place.name), [])
        if place.district_code is not None:
            districts.append((place.district_code, place.district_name))
    return {
        "types": list(TYPE_LABELS.items()),
        "statuses": list(STAFF_STATUS_LABELS.items()),
        "categories": sorted(((c.code, localized_name(c)) for c in categories), key=lambda pair: pair[1]),
        "regions": [(code, name, districts) for (code, name), districts in regions.items()],
        "sorts": list(SORT_LABELS.items()),
    }


@bp.get("/")
def dashboard():  # type: ignore[no-untyped-def]
    """The staff landing page: how many tickets wait in each tab, each a link into the queue."""
    user = _queue_user()
    flt = QueueFilter()
    shown = tuple(tab for tab in DASHBOARD_TABS if tab in _tabs_for(user))
    counts = tab_counts(user, flt, tabs=shown)
    tiles = [
        {"tab": tab, "label": TAB_LABELS[tab], "hint": TAB_HINTS[tab], **_shown_count(counts[tab], count_cap(flt))}
        for tab in shown
    ]
    return render_template("staff/dashboard.html", tiles=tiles)


def _shown_counts(user: User, flt: QueueFilter, scope: list[int]) -> dict[str, dict[str, Any]]:
    """Each tab's count as shown, current at every load; none for a word or contact search."""
    # Word searches are not counted: the matches of a common word grow with the archive, the first page does not.
    if is_text_search(flt):
        return {}
    counts = tab_counts(user, flt, scope=scope, tabs=tuple(_tabs_for(user)))
    return {tab: _shown_count(count, count_cap(flt)) for tab, count in counts.items()}


def _column_sorts(flt: QueueFilter) -> dict[str, dict[str, Any]]:
    """Each sortable column's header link (the tab and filters kept) and its aria-sort state: a column not sorted
    by links to its first order (received: newest first; the others ascending), the sorted one to the other way."""
    sorts = {}
    for name, (ascending, descending) in COLUMN_SORTS.items():
        first = descending if name == "received" else ascending
        state = {ascending: "ascending", descending: "descending"}.get(flt.order, "none")
        following = {"ascending": descending, "descending": ascending}.get(state, first)
        sorts[name] = {"args": flt.query_args(sort=following), "aria": state}
    return sorts


def render_queue(
    user: User,
    flt: QueueFilter,
    messages: list[str],
    after: str | None,
    *,
    save_form: SaveFilterForm | None = None,
    bulk_form: BulkForm | None = None,
    status: int = 200,
    page: tuple[list[Ticket], str | None] | None = None,
) -> Any:
    """The queue page: one tab, filtered and searched, 50 tickets a page, with the count of every tab, the user's
    saved filters, and the form acting on chosen tickets (its errors and choices kept when it came back)."""
    scope = visible_ids(user)
    tickets, next_cursor = page or queue_page(user, flt, after=after, scope=scope)
    kind = search_kind(flt.search) if flt.search else None
    if kind == "contact":
        # Finding a citizen's tickets by their e-mail or phone is a view of their contact details: recorded on each.
        tickets = [ticket for ticket in tickets if can(user, Permission.VIEW_CONTACT, ticket)]
        record_contact_search(user, contact_kind(flt.search), tickets)
        for ticket in tickets:
            actions.record_contact_view(ticket, actor=user, via="search")
        commit_now()
    counts = _shown_counts(user, flt, scope)
    tabs = [{"tab": tab, "label": TAB_LABELS[tab], **counts.get(tab, {})} for tab in _tabs_for(user)]
    can_bulk = bool(tickets) and can(user, Permission.ACT_IN_BULK, user.institution)
    bulk_form = bulk_form or BulkForm(formdata=None)
    if can_bulk:
        bulk_form.assignee.choices = officer_choices(user.institution_id)  # type: ignore[arg-type]
        bulk_form.institution.choices = transfer_choices(user.institution_id)  # type: ignore[arg-type]
        if not can(user, Permission.ASSIGN_TICKET, tickets[0]):
            bulk_form.action.choices = [c for c in bulk_form.action.choices if c.value != "assign"]
    kept: dict[str, Any] = flt.query_args()
    return render_template(
        "staff/queue.html",
        flt=flt,
        messages=messages,
        tickets=tickets,
        next_cursor=next_cursor,
        after=after,
        kept=kept,
        paged=after is not None,
        tabs=tabs,
        current_tab_label=TAB_LABELS[flt.tab],
        show_institution=user.role == Role.OVERSIGHT,
        type_labels=TYPE_LABELS,
        choices=_filter_choices(),
        filtered=bool(set(kept) - {"tab", "scope"}),
        scopes=SCOPE_LABELS,
        searched_everywhere=flt.everywhere,
        column_sorts=_column_sorts(flt),
        counts_url=url_for("staff.queue_counts", **kept) if not is_text_search(flt) else "",
        saved=saved_filters(user),
        save_form=save_form or SaveFilterForm(formdata=None),
        can_bulk=can_bulk,
        bulk_form=bulk_form,
        checked=set(bulk_form.ticket.data or []),
        can_save=not (flt.search and search_kind(flt.search) == "contact"),
    ), status


@bp.get("/foleni")
def queue():  # type: ignore[no-untyped-def]
    """One tab of the queue; a reference (or its digits) that names one ticket opens it."""
    user = _queue_user()
    flt, messages = parse_filter(request.args)
    after = request.args.get("after") or None
    page = queue_page(user, flt, after=after)
    if after is None and flt.search and search_kind(flt.search) in ("reference", "digits") and len(page[0]) == 1:
        return redirect(url_for("staff.ticket", reference=page[0][0].reference), code=303)
    return render_queue(user, flt, messages, after, page=page)


@bp.get("/foleni/idadi")
def queue_counts():  # type: ignore[no-untyped-def]
    """Each tab's count under the page's filters, for the queue page to refresh without reloading its list."""
    user = _queue_user()
    flt, _messages = parse_filter(request.args)
    counts = _shown_counts(user, flt, visible_ids(user))
    shown = {tab: format_decimal(count["value"]) + ("+" if count["more"] else "") for tab, count in counts.items()}
    response = jsonify({"counts": shown})
    response.headers["Cache-Control"] = "no-store"
    return response
