"""The staff dashboard and the queue of the institutions in the user's reach."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from wananchi.accounts.models import Role, User
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Category, Region
from wananchi.tickets import actions
from wananchi.tickets.access import contact_kind, record_contact_search
from wananchi.tickets.labels import STAFF_STATUS_LABELS, TYPE_LABELS
from wananchi.tickets.permissions import Permission, can
from wananchi.tickets.queue import (
    QueueFilter,
    count_cap,
    is_text_search,
    parse_filter,
    queue_page,
    search_kind,
    tab_counts,
    visible_ids,
)
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
SORT_LABELS = {"newest": _l("Newest first"), "oldest": _l("Oldest first"), "due": _l("Due soonest")}
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
    categories = sorted(db.session.scalars(select(Category)), key=localized_name)
    regions = db.session.scalars(select(Region).options(selectinload(Region.districts)).order_by(Region.name))
    return {
        "types": list(TYPE_LABELS.items()),
        "statuses": list(STAFF_STATUS_LABELS.items()),
        "categories": [(c.code, localized_name(c)) for c in categories],
        "regions": [(r.code, r.name, [(d.code, d.name) for d in r.districts]) for r in regions],
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


@bp.get("/foleni")
def queue():  # type: ignore[no-untyped-def]
    """One tab of the queue, filtered and searched, 50 tickets a page, with the count of every tab."""
    user = _queue_user()
    flt, messages = parse_filter(request.args)
    scope = visible_ids(user)
    after = request.args.get("after") or None
    tickets, next_cursor = queue_page(user, flt, after=after, scope=scope)
    kind = search_kind(flt.search) if flt.search else None
    if kind in ("reference", "digits") and len(tickets) == 1 and after is None:
        return redirect(url_for("staff.ticket", reference=tickets[0].reference), code=303)
    if kind == "contact":
        # Finding a citizen's tickets by their e-mail or phone is a view of their contact details: recorded on each.
        tickets = [ticket for ticket in tickets if can(user, Permission.VIEW_CONTACT, ticket)]
        record_contact_search(user, contact_kind(flt.search), tickets)
        for ticket in tickets:
            actions.record_contact_view(ticket, actor=user, via="search")
        db.session.commit()
    # Word searches are not counted: the matches of a common word grow with the archive, the first page does not.
    counts = {} if is_text_search(flt) else tab_counts(user, flt, scope=scope)
    cap = count_cap(flt)
    tabs = [
        {"tab": tab, "label": TAB_LABELS[tab], **(_shown_count(counts[tab], cap) if tab in counts else {})}
        for tab in _tabs_for(user)
    ]
    return render_template(
        "staff/queue.html",
        flt=flt,
        messages=messages,
        tickets=tickets,
        next_cursor=next_cursor,
        paged=after is not None,
        tabs=tabs,
        current_tab_label=TAB_LABELS[flt.tab],
        show_institution=user.role == Role.OVERSIGHT,
        type_labels=TYPE_LABELS,
        choices=_filter_choices(),
        filtered=bool(set(flt.query_args()) - {"tab", "scope"}),
        scopes=SCOPE_LABELS,
        searched_everywhere=flt.everywhere,
    )
