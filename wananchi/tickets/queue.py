"""Read-only queries behind the staff queue: tabs, filters, search, keyset pages and tab counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    tuple_,
    union_all,
)
from sqlalchemy.orm import joinedload

from wananchi.accounts.models import User
from wananchi.core.contact import InvalidContact, normalise_email, normalise_phone
from wananchi.core.db import is_postgresql, utcnow
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Region
from wananchi.tickets.labels import TYPE_LABELS
from wananchi.tickets.models import OPEN_STATUSES, Identity, Ticket, TicketStatus, TicketType
from wananchi.tickets.permissions import visible_institution_ids
from wananchi.tickets.references import normalise_reference

PAGE_SIZE = 50
COUNT_CAP = 1_000  # tab counts stop here ("1,000+"): a count must not grow with the archive
SEARCH_COUNT_CAP = 500  # lower while searching: each candidate row's text is matched, which costs more
LOCAL_ZONE = ZoneInfo("Africa/Dar_es_Salaam")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
TABS = ("new", "mine", "due_today", "overdue", "awaiting", "open", "closed", "appeals")
DEFAULT_TAB = "open"
# Each sortable column's two orders (ascending, descending); "-" reads a column's order backwards.
COLUMN_SORTS = {
    "reference": ("reference", "-reference"),
    "subject": ("subject", "-subject"),
    "type": ("type", "-type"),
    "service": ("service", "-service"),
    "status": ("status", "-status"),
    "due": ("due", "-due"),
    "received": ("oldest", "newest"),
    "assignee": ("assignee", "-assignee"),
}
SORTS = tuple(name for pair in COLUMN_SORTS.values() for name in pair)
# Sorted a group at a time (one group per type, status, service or officer, in the order the page names them):
# each group is an index range by id, and a statement reads at most this many groups side by side.
GROUPED_SORTS = ("type", "status", "service", "assignee")
GROUPS_PER_STATEMENT = 40
# Open work is read most urgent first; the archive of closed tickets newest first.
TAB_DEFAULT_SORT = {"closed": "newest"}
DEFAULT_SORT = "due"
MAX_SEARCH_LENGTH = 200
_WORD = re.compile(r"\w+", re.UNICODE)
_REFERENCE_DIGITS = re.compile(r"\d{1,8}")  # just the number of a reference ("201"), of any recent year
_PHONE = re.compile(r"\+?[\d ()-]{9,20}")
REFERENCE_YEARS = 10  # the digits of a reference are looked up in this many years, the current one first
SCOPES = ("tab", "all")
_CODE = re.compile(r"[\w-]{1,60}", re.ASCII)
# The expression of the GIN index ix_ticket_search (migration 0002), written out so PostgreSQL matches it.
_SEARCH_VECTOR: ColumnElement[Any] = literal_column(
    "to_tsvector('simple', coalesce(ticket.subject, '') || ' ' || coalesce(ticket.description, ''))"
)
# SQLite's FTS5 table over subject and description (migration 0002); its own name is the column MATCH searches.
_FTS = table("ticket_fts", column("rowid"), column("ticket_fts"))
_OPEN = sorted(OPEN_STATUSES)
_NEW = sorted({TicketStatus.RECEIVED, TicketStatus.REOPENED})
_CLOSED = sorted({TicketStatus.RESOLVED, TicketStatus.CLOSED})

FILTER_LABELS: dict[str, LazyString] = {
    "tab": _l("Tab"),
    "type": _l("Type of ticket"),
    "category": _l("Service"),
    "status": _l("Status"),
    "region": _l("Region"),
    "district": _l("District"),
    "from": _l("Received from"),
    "to": _l("Received until"),
    "sort": _l("Order"),
    "scope": _l("Where to search"),
}


@dataclasses.dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: one tab, optional filters and search text, and the order."""

    tab: str = DEFAULT_TAB
    type: TicketType | None = None
    category: str | None = None
    status: TicketStatus | None = None
    region: str | None = None
    district: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""
    sort: str = ""  # empty: the tab's own default order
    scope: str = "tab"  # "all": search every ticket in reach, whatever the tab

    @property
    def everywhere(self) -> bool:
        """Whether the tab is set aside: the scope says so, or the search names one ticket or one citizen."""
        return bool(self.search) and (self.scope == "all" or search_kind(self.search) != "words")

    @property
    def order(self) -> str:
        """The order the tab is read in: the chosen one, else due-soonest (newest first for closed tickets)."""
        return self.sort or TAB_DEFAULT_SORT.get(self.tab, DEFAULT_SORT)

    def query_args(self, **changes: Any) -> dict[str, str]:
        """The filter as URL query arguments (empty values left out), with `changes` applied."""
        flt = dataclasses.replace(self, **changes)
        args = {
            "tab": flt.tab,
            "type": flt.type.value if flt.type else "",
            "category": flt.category or "",
            "status": flt.status.value if flt.status else "",
            "region": flt.region or "",
            "district": flt.district or "",
            "from": flt.date_from.isoformat() if flt.date_from else "",
            "to": flt.date_to.isoformat() if flt.date_to else "",
            "q": flt.search,
            "sort": flt.sort,
            "scope": "" if flt.scope == "tab" else flt.scope,
        }
        return {key: value for key, value in args.items() if value}


def _parse_date(value: str) -> dt.date | None:
    """A YYYY-MM-DD date of a plausible year, or None."""
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if 1900 <= parsed.year <= 2999 else None


def _code_exists(model: type[Category] | type[Region] | type[District], code: str) -> bool:
    return db.session.scalar(select(model.id).where(model.code == code)) is not None


def parse_filter(args: Mapping[str, str]) -> tuple[QueueFilter, list[str]]:
    """A filter from URL query arguments; a value that is not understood is dropped with a message, never raised."""
    values: dict[str, Any] = {}
    rejected: list[str] = []

    def take(name: str) -> str:
        return (args.get(name) or "").strip()[:MAX_SEARCH_LENGTH]

    def choose(name: str, field: str, allowed: Mapping[str, Any]) -> None:
        raw = take(name)
        if raw and raw in allowed:
            values[field] = allowed[raw]
        elif raw:
            rejected.append(name)

    choose("tab", "tab", {tab: tab for tab in TABS})
    choose("type", "type", {member.value: member for member in TicketType})
    choose("status", "status", {member.value: member for member in TicketStatus})
    choose("sort", "sort", {sort: sort for sort in SORTS})
    choose("scope", "scope", {scope: scope for scope in SCOPES})
    for name, model in (("category", Category), ("region", Region), ("district", District)):
        raw = take(name)
        if raw and _CODE.fullmatch(raw) and _code_exists(model, raw):
            values[name] = raw
        elif raw:
            rejected.append(name)
    for name, field in (("from", "date_from"), ("to", "date_to")):
        raw = take(name)
        parsed = _parse_date(raw) if raw else None
        if parsed:
            values[field] = parsed
        elif raw:
            rejected.append(name)
    if values.get("date_from") and values.get("date_to") and values["date_to"] < values["date_from"]:
        del values["date_to"]
        rejected.append("to")
    tab_default = TAB_DEFAULT_SORT.get(values.get("tab", DEFAULT_TAB), DEFAULT_SORT)
    if values.get("sort") == tab_default:
        del values["sort"]  # the tab's own order stays implicit, so other tabs keep theirs
    values["search"] = " ".join("".join(c if c.isprintable() else " " for c in take("q")).split())
    messages = [
        _("%(field)s: the value was not understood and has been ignored.", field=FILTER_LABELS[name])
        for name in rejected
    ]
    return QueueFilter(**values), messages


def _local_midnight(day: dt.date) -> dt.datetime:
    """The first instant of a day in Dar es Salaam, as a UTC datetime."""
    return dt.datetime.combine(day, dt.time(), LOCAL_ZONE).astimezone(dt.UTC)


def search_contact(text: str) -> tuple[str, str] | None:
    """("email" or "phone", the canonical value) when the search text is a citizen's e-mail or phone number."""
    try:
        if "@" in text:
            return "email", normalise_email(text)
        if _PHONE.fullmatch(text):
            return "phone", normalise_phone(text)
    except InvalidContact:
        return None
    return None


def search_kind(text: str) -> str:
    """What the search text is: "reference", "digits" (of a reference), "contact", or "words"."""
    if normalise_reference(text):
        return "reference"
    if _REFERENCE_DIGITS.fullmatch(text):
        return "digits"
    if search_contact(text):
        return "contact"
    return "words"


def reference_candidates(text: str) -> list[str]:
    """The references a search may name: the one typed whole, or its digits in each recent year."""
    reference = normalise_reference(text)
    if reference:
        return [reference]
    if not _REFERENCE_DIGITS.fullmatch(text) or int(text) == 0:
        return []
    this_year = utcnow().astimezone(LOCAL_ZONE).year
    return [f"WN-{year}-{int(text):06d}" for year in range(this_year, this_year - REFERENCE_YEARS, -1)]


def _contact_condition(text: str) -> ColumnElement[bool] | None:
    """A named citizen's e-mail or phone (the contact-hidden and anonymous are never found by theirs)."""
    contact = search_contact(text)
    if contact is None:
        return None
    column_ = Ticket.citizen_email if contact[0] == "email" else Ticket.citizen_phone
    return and_(column_ == contact[1], Ticket.identity == Identity.NAMED)


def _search_condition(text: str) -> ColumnElement[bool] | None:
    """An exact reference match (whole or its digits), a named citizen's e-mail or phone, or full-text search over
    subject and description; None for no words.

    PostgreSQL plans each search for its own words (the engine prepares no statements: see create_app), so it
    reads a common word's tab in order and filters, and finds a rare word through the full-text index.
    """
    references = reference_candidates(text)
    if references:
        return Ticket.reference.in_(references)
    contact = _contact_condition(text)
    if contact is not None:
        return contact
    words = _WORD.findall(text)
    if not words:
        return None
    if is_postgresql():
        query = func.plainto_tsquery(literal_column("'simple'"), " ".join(words))
        return _SEARCH_VECTOR.bool_op("@@")(query)
    match = " ".join('"' + word.replace('"', '""') + '"' for word in words)
    matching: Select[Any] = select(_FTS.c.rowid).where(_FTS.c.ticket_fts.op("MATCH")(match))
    return Ticket.id.in_(matching)


def _end_of_local_day(now: dt.datetime) -> dt.datetime:
    return _local_midnight(now.astimezone(LOCAL_ZONE).date() + dt.timedelta(days=1))


# The statuses each tab holds (_tab_condition narrows some tabs further); sorted by status, a tab reads a group only
# for these.
TAB_STATUSES: dict[str, list[TicketStatus]] = {
    "new": _NEW,
    "mine": _OPEN,
    "due_today": _OPEN,
    "overdue": _OPEN,
    "awaiting": [TicketStatus.AWAITING_CITIZEN],
    "open": _OPEN,
    "closed": _CLOSED,
    "appeals": [TicketStatus.REOPENED],
}


def _tab_condition(tab: str, user: User) -> ColumnElement[bool]:
    """Which tickets a tab holds: its statuses, and for some tabs more; "overdue" and "due today" follow the
    response-time clock (not while paused)."""
    statuses = TAB_STATUSES[tab]
    held = Ticket.status == statuses[0] if len(statuses) == 1 else Ticket.status.in_(statuses)
    if tab in ("overdue", "due_today"):
        now = utcnow()
        running = and_(held, Ticket.sla_paused_at.is_(None))
        if tab == "overdue":
            return and_(running, Ticket.next_due_at <= now)
        return and_(running, Ticket.next_due_at > now, Ticket.next_due_at < _end_of_local_day(now))
    if tab == "new":
        return and_(held, Ticket.assignee_id.is_(None))
    if tab == "mine":
        return and_(Ticket.assignee_id == user.id, held)
    if tab == "appeals":
        return and_(held, Ticket.appealed_at.is_not(None))
    return held


def _listed_statuses(flt: QueueFilter) -> set[TicketStatus]:
    """The statuses the queue can list under the filter (a search everywhere sets the tab aside)."""
    statuses = set(TicketStatus) if flt.everywhere else set(TAB_STATUSES[flt.tab])
    return statuses & {flt.status} if flt.status else statuses


def _code_id(model: type[Category] | type[Region] | type[District], code: str) -> Any:
    return select(model.id).where(model.code == code).scalar_subquery()


def visible_ids(user: User) -> list[int]:
    """The ids of the institutions whose tickets the user may list (a literal list plans better than a subquery)."""
    return list(db.session.scalars(visible_institution_ids(user)))


def _filter_conditions(flt: QueueFilter, scope: list[int]) -> list[ColumnElement[bool]]:
    """The conditions every tab shares: the user's reach and the filters."""
    conditions: list[ColumnElement[bool]] = [Ticket.institution_id.in_(scope)]
    if flt.type:
        conditions.append(Ticket.type == flt.type)
    if flt.status:
        conditions.append(Ticket.status == flt.status)
    if flt.category:
        conditions.append(Ticket.category_id == _code_id(Category, flt.category))
    if flt.region:
        conditions.append(Ticket.region_id == _code_id(Region, flt.region))
    if flt.district:
        conditions.append(Ticket.district_id == _code_id(District, flt.district))
    if flt.date_from:
        conditions.append(Ticket.created_at >= _local_midnight(flt.date_from))
    if flt.date_to and flt.date_to < dt.date(2999, 12, 31):
        conditions.append(Ticket.created_at < _local_midnight(flt.date_to + dt.timedelta(days=1)))
    if flt.search:
        searched = _search_condition(flt.search)
        if searched is not None:
            conditions.append(searched)
    return conditions


def _cursor_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="wananchi.queue-cursor")


def _sort_key(sort: str) -> tuple[str, bool]:
    """The column a sort reads ("due", "created", "reference", ...) and whether it reads it backwards."""
    if sort in ("newest", "oldest"):
        return "created", sort == "newest"
    return sort.removeprefix("-"), sort.startswith("-")


def _sort_value(ticket: Ticket, sort: str) -> Any:
    """The ticket's value in the sort's column, as a cursor keeps it (an instant in microseconds, a text, an enum's
    value or a row's id; None for no due instant, no service or nobody assigned)."""
    key, _descending = _sort_key(sort)
    if key in ("due", "created"):
        instant = ticket.next_due_at if key == "due" else ticket.created_at
        return None if instant is None else (instant - EPOCH) // dt.timedelta(microseconds=1)
    values = {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "type": ticket.type.value,
        "status": ticket.status.value,
        "service": ticket.category_id,
        "assignee": ticket.assignee_id,
    }
    return values[key]


def encode_cursor(ticket: Ticket, sort: str) -> str:
    """An opaque, signed, URL-safe position after `ticket` in a queue sorted by `sort` (a ticket without a due
    instant, in the due order, is placed by its id alone)."""
    return str(_cursor_serializer().dumps([sort, _sort_value(ticket, sort), ticket.id]))


Position = tuple[Any, int]


def _cursor_value(sort: str, value: Any) -> tuple[bool, Any]:
    """(whether a cursor's value fits the sort's column, the value as the query compares it)."""
    key, _descending = _sort_key(sort)
    if key in ("due", "created"):
        if value is None:
            return key == "due", None
        if isinstance(value, int) and not isinstance(value, bool):
            return True, EPOCH + dt.timedelta(microseconds=value)
        return False, None
    if key in ("reference", "subject"):
        return isinstance(value, str), value
    if key == "type":
        return value in {member.value for member in TicketType}, value
    if key == "status":
        return value in {member.value for member in TicketStatus}, value
    return value is None or (isinstance(value, int) and not isinstance(value, bool)), value


def decode_cursor(cursor: str | None, sort: str) -> Position | None:
    """The (sort value, id) a cursor points after (the value None: among the tickets without a due instant, a
    service or an assignee); None for a missing, tampered or other-order cursor."""
    if not cursor:
        return None
    try:
        cursor_sort, value, ticket_id = _cursor_serializer().loads(cursor)
        fits, compared = _cursor_value(sort, value)
    except (BadData, ValueError, TypeError, OverflowError):
        return None
    if cursor_sort != sort or not fits or not isinstance(ticket_id, int) or isinstance(ticket_id, bool):
        return None
    return compared, ticket_id


def _keyset(statement: Select, key: Any, after: Position | None, descending: bool) -> Select:
    """`statement` read by (key, id) in one direction, from the position on."""
    if after is not None:
        position = tuple_(literal(after[0], key.type), literal(after[1]))
        pair = tuple_(key, Ticket.id)
        statement = statement.where(pair < position if descending else pair > position)
    if descending:
        return statement.order_by(key.desc(), Ticket.id.desc())
    return statement.order_by(key.asc(), Ticket.id.asc())


def _due_queries(statement: Select, after: Position | None, descending: bool) -> list[Select]:
    """Due-soonest is `next_due_at ASC NULLS LAST, id`, read as two index ranges of (institution_id, next_due_at,
    id): the tickets with a due instant from the cursor on, then those without one by id (backwards: the undated
    ones first, by id from the newest, then the dated ones latest first). A single NULLS LAST keyset condition would
    be an OR the index cannot seek on; two ranges read only the rows of the page, at any size."""
    undated = statement.where(Ticket.next_due_at.is_(None))
    undated = undated.order_by(Ticket.id.desc() if descending else Ticket.id.asc())
    if after is not None and after[0] is None:
        undated = undated.where(Ticket.id < after[1] if descending else Ticket.id > after[1])
    dated = statement.where(Ticket.next_due_at.is_not(None))
    if not descending:
        if after is not None and after[0] is None:
            return [undated]
        return [_keyset(dated, Ticket.next_due_at, after, descending=False), undated]
    if after is not None and after[0] is not None:
        return [_keyset(dated, Ticket.next_due_at, after, descending=True)]
    return [undated, _keyset(dated, Ticket.next_due_at, None, descending=True)]


def _names(rows: Any) -> list[tuple[str, Any]]:
    return sorted(((str(name).casefold(), value) for value, name in rows), key=lambda pair: (pair[0], str(pair[1])))


def _outside(key: Any, known: list[int]) -> ColumnElement[bool]:
    """`key` is none of the known ids, as index ranges between them (a NOT IN would read every row)."""
    ranges: list[ColumnElement[bool]] = []
    low: int | None = None
    for value in sorted(known):
        if low is None:
            ranges.append(key < value)
        elif value > low + 1:
            ranges.append(and_(key > low, key < value))
        low = value
    ranges.append(key > low if low is not None else key.is_not(None))
    return or_(*ranges)


def _groups(
    key: str, scope: list[int], flt: QueueFilter, conditions: list[ColumnElement[bool]], after: Position | None
) -> tuple[Any, list[Any]]:
    """A grouped sort's column and its values in the order the page reads them, the empty value last.

    Types read by their name in the page's language and statuses in the order of the work (only those the tab
    holds: a group of another status would be an index range read for nothing); services and officers by
    the name shown (the officers of the institutions in reach and anyone else assigned a ticket of theirs), nobody
    assigned or no service last. The services are those with a ticket under `conditions` (and the cursor's): a
    ticket may carry any institution's service, but a queue holds a few of the dozens there are, and each group
    costs PostgreSQL's planner about 0.4 ms.
    """
    if key == "type":
        return Ticket.type, [value for _name, value in _names((t.value, label) for t, label in TYPE_LABELS.items())]
    if key == "status":
        listed = _listed_statuses(flt)
        return Ticket.status, [member.value for member in TicketStatus if member in listed]
    if key == "service":
        present: ColumnElement[bool] = select(Ticket.id).where(*conditions, Ticket.category_id == Category.id).exists()
        if after is not None and after[0] is not None:
            present = or_(present, Category.id == after[0])  # the cursor's group, though it may have emptied since
        services = db.session.execute(select(Category.id, Category.name_sw, Category.name_en).where(present))
        return Ticket.category_id, [value for _name, value in _names((s.id, localized_name(s)) for s in services)] + [
            None
        ]
    users = list(db.session.execute(select(User.id, User.name).where(User.institution_id.in_(scope))))
    others = (
        select(Ticket.assignee_id)
        .where(Ticket.institution_id.in_(scope), _outside(Ticket.assignee_id, [user_id for user_id, _name in users]))
        .distinct()
    )
    users += list(db.session.execute(select(User.id, User.name).where(User.id.in_(others))))
    return Ticket.assignee_id, [value for _name, value in _names(users)] + [None]


def _grouped_queries(
    conditions: list[ColumnElement[bool]], key: Any, values: list[Any], after: Position | None, descending: bool
) -> list[Select]:
    """A page's ids read group by group: each group (one value of `key`) an index range by id, at most
    GROUPS_PER_STATEMENT groups side by side in one statement, each stopping at a page's worth of rows."""
    order = list(reversed(values)) if descending else values
    first = 0
    if after is not None:
        if after[0] not in order:
            return []  # the group is gone (its value no longer named): the cursor reads as past the end
        first = order.index(after[0])
    by_id = Ticket.id.desc() if descending else Ticket.id.asc()
    statements: list[Select] = []
    for chunk in range(first, len(order), GROUPS_PER_STATEMENT):
        branches = []
        for rank in range(chunk, min(chunk + GROUPS_PER_STATEMENT, len(order))):
            value = order[rank]
            ranked = literal_column(str(rank), Integer).label("rank")
            branch = select(Ticket.id.label("id"), ranked).where(
                *conditions, key.is_(None) if value is None else key == value
            )
            if after is not None and rank == first:
                branch = branch.where(Ticket.id < after[1] if descending else Ticket.id > after[1])
            # Ordered by the column too, which is the same within a group: PostgreSQL reads a range of (institution_id,
            # column, id) as ordered by id only when told, for the `IS NULL` group (it walked the table by id instead).
            in_group = key.desc() if descending else key.asc()
            inner = branch.order_by(in_group, by_id).limit(PAGE_SIZE + 1).subquery()
            branches.append(select(inner.c.id, inner.c.rank))
        rows = union_all(*branches).subquery()
        statements.append(select(rows.c.id).order_by(rows.c.rank, rows.c.id.desc() if descending else rows.c.id.asc()))
    return statements


def _page_queries(user: User, flt: QueueFilter, scope: list[int], after: Position | None) -> list[Select]:
    """The statements that read a queue's ticket ids from `after` on, in order: the rows of the first, then of the
    next.

    Each order is read by (its column, id) from an index of (institution_id, column, id), so a page reads only its
    own rows at any size; the grouped orders read a range per value of the column (see _grouped_queries).
    """
    in_tab = [] if flt.everywhere else [_tab_condition(flt.tab, user)]
    conditions = [*in_tab, *_filter_conditions(flt, scope)]
    statement = select(Ticket.id).where(*conditions)
    key, descending = _sort_key(flt.order)
    if key == "due":
        return _due_queries(statement, after, descending)
    if key in GROUPED_SORTS:
        column_, values = _groups(key, scope, flt, conditions, after)
        return _grouped_queries(conditions, column_, values, after, descending)
    columns = {"created": Ticket.created_at, "reference": Ticket.reference, "subject": Ticket.subject}
    return [_keyset(statement, columns[key], after, descending)]


def _first_ids(statements: list[Select], limit: int) -> list[int]:
    """The first `limit` ticket ids the statements read one after the other (a later one runs only when needed)."""
    ids: list[int] = []
    for statement in statements:
        ids.extend(db.session.scalars(statement.limit(limit - len(ids))))
        if len(ids) >= limit:
            break
    return ids


def _tickets(ids: list[int], *options: Any) -> list[Ticket]:
    """The tickets of `ids`, in their order, loaded with `options` in one statement. A page's order is read as ids
    first: PostgreSQL plans the joins that load a ticket's institution, service, place and officer for a few rows in
    a millisecond, where planning them around a grouped order's union took several (about 5 ms for the six types)."""
    if not ids:
        return []
    loaded = db.session.scalars(select(Ticket).where(Ticket.id.in_(ids)).options(*options)).unique()
    by_id = {ticket.id: ticket for ticket in loaded}
    return [by_id[ticket_id] for ticket_id in ids if ticket_id in by_id]


def queue_page(
    user: User, flt: QueueFilter, after: str | None = None, scope: list[int] | None = None
) -> tuple[list[Ticket], str | None]:
    """One page of a tab, and the cursor of the next page (None on the last page)."""
    scope = visible_ids(user) if scope is None else scope
    ids = _first_ids(_page_queries(user, flt, scope, decode_cursor(after, flt.order)), PAGE_SIZE + 1)
    tickets = _tickets(
        ids[:PAGE_SIZE],
        joinedload(Ticket.assignee),
        joinedload(Ticket.institution),
        joinedload(Ticket.category),
        joinedload(Ticket.district),
        joinedload(Ticket.region),
    )
    if len(ids) <= PAGE_SIZE or not tickets:
        return tickets, None
    return tickets, encode_cursor(tickets[-1], flt.order)


def next_in_queue(user: User, flt: QueueFilter, ticket: Ticket, position: str | None) -> tuple[Ticket | None, str]:
    """The ticket after `ticket` in the queue the officer came from, and the position to look from next time.

    The position is taken when the officer first opens the ticket, so an action that moves the ticket (a resolved
    ticket has no due time left) does not move where "next" looks from.
    """
    start = position if position and decode_cursor(position, flt.order) else encode_cursor(ticket, flt.order)
    after = decode_cursor(start, flt.order)
    ids = [found for found in _first_ids(_page_queries(user, flt, visible_ids(user), after), 2) if found != ticket.id]
    return (db.session.get(Ticket, ids[0]) if ids else None), start


def count_cap(flt: QueueFilter) -> int:
    """The most a tab count says exactly under this filter; beyond it the page shows "N+"."""
    return SEARCH_COUNT_CAP if flt.search else COUNT_CAP


def is_text_search(flt: QueueFilter) -> bool:
    """Whether the filter searches words (counting their matches costs as much as the archive) or a citizen's contact
    (the tabs would count tickets the user may not connect to that contact); such searches show no counts."""
    return bool(flt.search) and search_kind(flt.search) in ("words", "contact")


def tab_counts(
    user: User, flt: QueueFilter, scope: list[int] | None = None, tabs: tuple[str, ...] = TABS
) -> dict[str, int]:
    """How many tickets each tab holds under the filter, past count_cap(flt) only by one; one round trip."""
    scope = visible_ids(user) if scope is None else scope
    shared = _filter_conditions(flt, scope)
    limit = count_cap(flt) + 1
    counts = []
    for tab in tabs:
        capped = select(Ticket.id).where(_tab_condition(tab, user), *shared).limit(limit).subquery()
        counts.append(select(func.count()).select_from(capped).scalar_subquery().label(tab))
    row = db.session.execute(select(*counts)).one()
    return {tab: int(row._mapping[tab]) for tab in tabs}
