"""The USSD menu: submit a ticket and follow it from a basic phone, Swahili first.

The gateway calls back with every answer of the session so far in `text`, joined by "*"; the service keeps the
session's state (wananchi/phone/state.py) and reads only what is new, so a typed text may hold a "*" and the state
is never rebuilt by replaying the answers. The same `text` sent again (a retrying gateway) gets the same screen,
and nothing is done twice.

A citizen whose session the operator dropped on the last screen dials again and confirms the same entry: that is
the ticket already made, not a second one (the same phone, the same type, service, place, text and identity,
within USSD_REPEAT_SECONDS), and the last screen shows its reference again. An entry that differs in anything is a
new ticket.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from wananchi.core.db import retry_on_conflict, roll_back_at_end, utcnow
from wananchi.core.errors import DomainError
from wananchi.core.i18n import by_name, localized_name
from wananchi.extensions import db
from wananchi.institutions.labels import TOPIC_MENU_LABELS
from wananchi.institutions.models import Category, District, Region, Topic
from wananchi.institutions.routing import active_category, district_with_code
from wananchi.phone import screens
from wananchi.phone.screens import BACK, MORE, Screen
from wananchi.phone.state import StateStore
from wananchi.tickets.labels import CITIZEN_STATUS_LABELS, TYPE_LABELS
from wananchi.tickets.models import (
    CITIZEN_TYPES,
    OPEN_STATUSES,
    Channel,
    Identity,
    MessageKind,
    Ticket,
    TicketStatus,
    TicketType,
)
from wananchi.tickets.references import format_tracking_code, new_submission_key, normalise_reference
from wananchi.tickets.services import (
    AlreadySubmitted,
    Submission,
    add_citizen_message,
    appeal_ticket,
    can_appeal,
    find_tracked_ticket,
    rate_ticket,
    stored_receipt,
    submit_ticket,
)

SESSION_PREFIX = "ussd:"
ENTRY_PREFIX = "ussd-entry:"
MIN_TEXT, MAX_TEXT = 10, 500
SUBJECT_LENGTH = 60
OWN_TICKETS_SHOWN = 4
TYPES = list(CITIZEN_TYPES)
IDENTITIES = [Identity.NAMED, Identity.CONTACT_HIDDEN, Identity.ANONYMOUS]


# --- what the session knows ------------------------------------------------------------------------------------


def new_state(phone: str) -> dict[str, Any]:
    """A new session of `phone`: Swahili, on the first screen."""
    return {"phone": phone, "lang": "sw", "text": "", "reply": "", "stack": [["home", 0]], "entry": {}}


def _step(state: dict[str, Any]) -> str:
    return str(state["stack"][-1][0])


def _page(state: dict[str, Any]) -> int:
    return int(state["stack"][-1][1])


def _push(state: dict[str, Any], step: str) -> None:
    state["stack"].append([step, 0])


def _turn_page(state: dict[str, Any], count: int) -> bool:
    """Show the next page, if there is one."""
    if _page(state) + 1 >= count:
        return False
    state["stack"][-1][1] += 1
    return True


# --- the lists the menus choose from ----------------------------------------------------------------------------


def _topics() -> list[Topic]:
    """The topics with at least one active service, in menu order."""
    used = set(db.session.scalars(select(Category.topic).where(Category.is_active)))
    return [topic for topic in Topic if topic in used]


def _topic_labels() -> list[str]:
    return [str(TOPIC_MENU_LABELS[topic]) for topic in _topics()] + [_("I don't know")]


def _services(topic: str) -> list[Category]:
    """The active services of a topic, by name in the session's language."""
    services = list(db.session.scalars(select(Category).where(Category.is_active, Category.topic == topic)))
    return by_name(services)


def _regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def _districts(region_code: str) -> list[District]:
    return list(
        db.session.scalars(
            select(District).join(District.region).where(Region.code == region_code).order_by(District.name)
        )
    )


def _own_tickets(phone: str) -> list[Ticket]:
    """The phone's open and resolved tickets (a resolved one may still be rated), newest first: those it gave as its
    contact."""
    return list(
        db.session.scalars(
            select(Ticket)
            .where(Ticket.citizen_phone == phone, Ticket.status.in_(sorted({*OPEN_STATUSES, TicketStatus.RESOLVED})))
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
            .limit(OWN_TICKETS_SHOWN)
        )
    )


def phone_reference(raw: str) -> str | None:
    """A reference number as a keypad types it: WN-2026-000123, 2026-123, or digits alone (2026000123)."""
    cleaned = raw.strip()
    if cleaned.isdigit() and len(cleaned) > 4:
        cleaned = f"{cleaned[:4]}-{cleaned[4:]}"
    return normalise_reference(cleaned)


def _ticket(state: dict[str, Any]) -> Ticket | None:
    reference = state.get("ref")
    return db.session.scalar(select(Ticket).where(Ticket.reference == reference)) if reference else None


# --- the screens ------------------------------------------------------------------------------------------------


def _home(state: dict[str, Any]) -> Screen:
    other_language = "English" if state["lang"] == "sw" else "Kiswahili"
    return screens.menu(
        _("Wananchi: questions and complaints to the Government"),
        [("1", other_language), ("2", _("Submit a ticket")), ("3", _("Track a ticket"))],
        back=False,
    )


def _type_screen(state: dict[str, Any]) -> Screen:
    return screens.menu(_("Type of ticket:"), [(str(n + 1), str(TYPE_LABELS[t])) for n, t in enumerate(TYPES)])


def _topic_title() -> str:
    return _("Which service?")


def _service_title() -> str:
    return _("Choose the service:")


def _region_title() -> str:
    return _("Region where you receive it:")


def _district_title() -> str:
    return _("District:")


def _text_screen(state: dict[str, Any]) -> Screen:
    return screens.fit(
        _("Write your ticket (at least %(count)d characters):", count=MIN_TEXT) + "\n" + screens.back_line()
    )


def _identity_screen(state: dict[str, Any]) -> Screen:
    labels = [_("With this phone number"), _("Hide my number from officers"), _("Anonymously (no SMS)")]
    return screens.menu(_("How do you want to be identified?"), [(str(n + 1), label) for n, label in enumerate(labels)])


def _summary(entry: dict[str, Any]) -> str:
    """The entry in a few words: type, service, district."""
    parts = [str(TYPE_LABELS[TicketType(entry["type"])])]
    category = active_category(entry["category"]) if entry.get("category") else None
    parts.append(localized_name(category) if category else _("I don't know"))
    district = district_with_code(entry["district"]) if entry.get("district") else None
    if district is not None:
        parts.append(district.name)
    return screens.shorten(", ".join(parts), 70)


def _confirm_screen(state: dict[str, Any]) -> Screen:
    entry = state["entry"]
    lines = [_("Send this ticket?"), _summary(entry), '"' + screens.shorten(entry["text"], 40) + '"']
    lines += [screens.option("1", _("Send")), screens.option("2", _("Cancel")), screens.back_line()]
    return screens.fit("\n".join(lines))


def _track_screen(state: dict[str, Any]) -> Screen:
    own = _own_tickets(state["phone"])
    lines = [_("Your tickets:") if own else _("Track a ticket")]
    lines += [screens.option(str(n + 1), ticket.reference) for n, ticket in enumerate(own)]
    lines += [_("Or write the reference number, e.g. 2026000123"), screens.back_line()]
    return screens.fit("\n".join(lines))


def _code_screen(state: dict[str, Any]) -> Screen:
    return screens.fit(
        _("Write the tracking code of %(reference)s:", reference=state["pending"]) + "\n" + screens.back_line()
    )


def _due(ticket: Ticket) -> str | None:
    if ticket.status not in OPEN_STATUSES:
        return None
    if not ticket.holder_responded_at and ticket.first_response_due_at:
        return _("Answer due by %(date)s", date=format_date(ticket.first_response_due_at, "d/M/y"))
    if ticket.resolution_due_at:
        return _("To be resolved by %(date)s", date=format_date(ticket.resolution_due_at, "d/M/y"))
    return None


def _ticket_options(ticket: Ticket) -> list[tuple[str, str]]:
    options = []
    if ticket.status != TicketStatus.CLOSED:
        options.append(("1", _("Add information")))
    if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED) and ticket.satisfaction_rating is None:
        options.append(("2", _("Rate the service")))
    if can_appeal(ticket, utcnow()):
        options.append(("3", _("Appeal")))
    return options


def _ticket_screen(state: dict[str, Any]) -> Screen:
    ticket = _ticket(state)
    if ticket is None:
        return screens.fit(_("We found no such ticket."), end=True)
    head = [f"{ticket.reference}: {CITIZEN_STATUS_LABELS[ticket.status]}"]
    due = _due(ticket)
    if due:
        head.append(due)
    tail = [screens.option(number, label) for number, label in _ticket_options(ticket)] + [screens.back_line()]
    replies = [m for m in ticket.messages if m.kind in (MessageKind.REPLY, MessageKind.INFO_REQUEST)]
    if replies:
        room = screens.limit() - 4 - screens.NOTICE_ROOM - len("\n".join(head + tail)) - 2
        label = _("Reply") if replies[-1].kind == MessageKind.REPLY else _("Asked")
        if room > len(label) + 12:
            head.append(screens.shorten(f"{label}: {replies[-1].body}", room))
    return screens.fit("\n".join(head + tail))


def _add_screen(state: dict[str, Any]) -> Screen:
    return screens.fit(_("Write the information to add:") + "\n" + screens.back_line())


def _rate_screen(state: dict[str, Any]) -> Screen:
    labels = [_("Very satisfied"), _("Satisfied"), _("Neither"), _("Not satisfied"), _("Not at all satisfied")]
    return screens.menu(_("Are you satisfied?"), [(str(5 - n), label) for n, label in enumerate(labels)])


def _appeal_screen(state: dict[str, Any]) -> Screen:
    return screens.fit(_("Why are you not satisfied?") + "\n" + screens.back_line())


def render(state: dict[str, Any]) -> Screen:
    """The screen of the session's current step."""
    step, page = _step(state), _page(state)
    if step == "topic":
        return screens.paged_menu(_topic_title(), _topic_labels(), page)
    if step == "service":
        services = [localized_name(c) for c in _services(state["entry"]["topic"])]
        return screens.paged_menu(_service_title(), services, page)
    if step == "region":
        return screens.paged_menu(_region_title(), [r.name for r in _regions()], page)
    if step == "district":
        return screens.paged_menu(_district_title(), [d.name for d in _districts(state["entry"]["region"])], page)
    return RENDERERS[step](state)


RENDERERS = {
    "home": _home,
    "type": _type_screen,
    "text": _text_screen,
    "identity": _identity_screen,
    "confirm": _confirm_screen,
    "track": _track_screen,
    "code": _code_screen,
    "ticket": _ticket_screen,
    "add": _add_screen,
    "rate": _rate_screen,
    "appeal": _appeal_screen,
}


# --- the answers ------------------------------------------------------------------------------------------------


class Ended(Exception):
    """The session ends with this screen."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.screen = screens.fit(text, end=True)


def _wrong() -> str:
    return _("Wrong choice.")


def _paged_choice(state: dict[str, Any], title: str, labels: list[str], answer: str) -> int | str:
    """The index chosen on a paged list, or the notice to show (a next page shows none)."""
    if answer == MORE:
        return "" if _turn_page(state, screens.page_count(title, labels)) else _wrong()
    index = screens.on_page(title, labels, _page(state), answer)
    return _wrong() if index is None else index


def _answer_home(state: dict[str, Any], answer: str) -> str | None:
    if answer == "1":
        state["lang"] = "en" if state["lang"] == "sw" else "sw"
    elif answer == "2":
        state["entry"] = {}
        _push(state, "type")
    elif answer == "3":
        _push(state, "track")
    else:
        return _wrong()
    return None


def _answer_type(state: dict[str, Any], answer: str) -> str | None:
    if not answer.isdigit() or not 1 <= int(answer) <= len(TYPES):
        return _wrong()
    state["entry"]["type"] = str(TYPES[int(answer) - 1])
    _push(state, "topic")
    return None


def _answer_topic(state: dict[str, Any], answer: str) -> str | None:
    topics = _topics()
    chosen = _paged_choice(state, _topic_title(), _topic_labels(), answer)
    if isinstance(chosen, str):
        return chosen or None
    entry = state["entry"]
    entry.pop("district", None)
    entry.pop("region", None)
    if chosen == len(topics):  # "I don't know": the triage institution sends it where it belongs
        entry["category"], entry["topic"] = None, None
        _push(state, "text")
    else:
        entry["topic"] = str(topics[chosen])
        _push(state, "service")
    return None


def _answer_service(state: dict[str, Any], answer: str) -> str | None:
    services = _services(state["entry"]["topic"])
    chosen = _paged_choice(state, _service_title(), [localized_name(c) for c in services], answer)
    if isinstance(chosen, str):
        return chosen or None
    category = services[chosen]
    state["entry"]["category"] = category.code
    _push(state, "region" if category.is_local else "text")
    return None


def _answer_region(state: dict[str, Any], answer: str) -> str | None:
    regions = _regions()
    chosen = _paged_choice(state, _region_title(), [r.name for r in regions], answer)
    if isinstance(chosen, str):
        return chosen or None
    state["entry"]["region"] = regions[chosen].code
    _push(state, "district")
    return None


def _answer_district(state: dict[str, Any], answer: str) -> str | None:
    districts = _districts(state["entry"]["region"])
    chosen = _paged_choice(state, _district_title(), [d.name for d in districts], answer)
    if isinstance(chosen, str):
        return chosen or None
    state["entry"]["district"] = districts[chosen].code
    _push(state, "text")
    return None


def _written(answer: str, least: int) -> str | None:
    text = " ".join(answer.split())
    return text[:MAX_TEXT] if len(text) >= least else None


def _answer_text(state: dict[str, Any], answer: str) -> str | None:
    text = _written(answer, MIN_TEXT)
    if text is None:
        return _("Write at least %(count)d characters.", count=MIN_TEXT)
    state["entry"]["text"] = text
    _push(state, "identity")
    return None


def _answer_identity(state: dict[str, Any], answer: str) -> str | None:
    if answer not in ("1", "2", "3"):
        return _wrong()
    state["entry"]["identity"] = str(IDENTITIES[int(answer) - 1])
    state["key"] = "ussd:" + new_submission_key()
    _push(state, "confirm")
    return None


def _entry_key(state: dict[str, Any]) -> str:
    """Where a confirmed entry is remembered: a keyed hash of the phone and what it confirmed (no number stored)."""
    said = json.dumps([state["phone"], state["entry"]], sort_keys=True).encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return ENTRY_PREFIX + hmac.new(secret, b"ussd-entry:" + said, hashlib.sha256).hexdigest()


def _submission(state: dict[str, Any]) -> Submission:
    entry, phone = state["entry"], state["phone"]
    identity = Identity(entry["identity"])
    category = active_category(entry["category"]) if entry.get("category") else None
    if entry.get("category") and category is None:
        raise Ended(_("This service is no longer offered. Dial again and choose another."))
    text = entry["text"]
    return Submission(
        type=TicketType(entry["type"]),
        category=category,
        district=district_with_code(entry["district"]) if entry.get("district") else None,
        subject=screens.shorten(text, SUBJECT_LENGTH),
        description=text,
        identity=identity,
        name=phone if identity == Identity.NAMED else None,
        phone=None if identity == Identity.ANONYMOUS else phone,
        language=state["lang"],
        channel=Channel.USSD,
        submission_key=state["key"],
    )


def _confirm(state: dict[str, Any], store: StateStore) -> None:
    """Submit the entry, or find the ticket already made of it; the session ends with its reference."""
    entry_key = _entry_key(state)
    earlier = store.get(entry_key)
    receipt = None
    try:
        if earlier is not None:
            state["key"] = earlier["key"]
            receipt = stored_receipt(state["key"])
        if receipt is None:
            receipt = submit_ticket(_submission(state), refuse_repeats=True)
    except AlreadySubmitted as resent:  # the confirmation sent again by a retrying aggregator
        receipt = resent.receipt
    except DomainError as error:
        roll_back_at_end()
        raise Ended(error.message) from None
    store.put(entry_key, {"key": state["key"]}, current_app.config["USSD_REPEAT_SECONDS"])
    ticket = receipt.ticket
    institution = ticket.institution.short_name or localized_name(ticket.institution)
    if ticket.identity == Identity.ANONYMOUS:
        raise Ended(
            _(
                "Ticket %(reference)s sent to %(institution)s. Tracking code: %(code)s. Write both down: "
                "you will get no SMS.",
                reference=ticket.reference,
                institution=institution,
                code=format_tracking_code(receipt.tracking_code),
            )
        )
    raise Ended(
        _(
            "Ticket %(reference)s sent to %(institution)s. Its tracking code comes by SMS.",
            reference=ticket.reference,
            institution=institution,
        )
    )


def _answer_confirm(state: dict[str, Any], answer: str, store: StateStore) -> str | None:
    if answer == "1":
        _confirm(state, store)
    if answer == "2":
        raise Ended(_("Nothing was sent."))
    return _wrong()


def _open(state: dict[str, Any], ticket: Ticket) -> None:
    state["ref"] = ticket.reference
    state["stack"][-1] = ["ticket", 0]


def _answer_track(state: dict[str, Any], answer: str) -> str | None:
    own = _own_tickets(state["phone"])
    if answer.isdigit() and 1 <= int(answer) <= len(own):
        state["ref"] = own[int(answer) - 1].reference
        _push(state, "ticket")
        return None
    reference = phone_reference(answer)
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference)) if reference else None
    if ticket is not None and ticket.citizen_phone == state["phone"]:
        state["ref"] = ticket.reference
        _push(state, "ticket")
        return None
    if reference is None:
        return _("Write the reference number.")
    state["pending"] = reference  # not this phone's: its tracking code opens it (anonymous tickets have no phone)
    _push(state, "code")
    return None


def _answer_code(state: dict[str, Any], answer: str) -> str | None:
    ticket = find_tracked_ticket(state["pending"], answer)
    if ticket is None:
        return _("The number or the code is wrong.")
    _open(state, ticket)
    return None


def _answer_ticket(state: dict[str, Any], answer: str) -> str | None:
    ticket = _ticket(state)
    allowed = dict(_ticket_options(ticket)) if ticket is not None else {}
    if answer not in allowed:
        return _wrong()
    _push(state, {"1": "add", "2": "rate", "3": "appeal"}[answer])
    return None


def _change(ticket: Ticket | None, change: Any) -> None:
    """Run a citizen's change on the ticket, again if the ticket changed meanwhile; the session ends if refused."""
    if ticket is None:
        raise Ended(_("We found no such ticket."))
    try:
        retry_on_conflict(change)
    except StaleDataError:
        raise Ended(_("The ticket changed at the same moment. Please try again.")) from None
    except DomainError as error:
        raise Ended(error.message) from None


def _answer_add(state: dict[str, Any], answer: str) -> str | None:
    text = _written(answer, 2)
    if text is None:
        return _("Write the information.")
    ticket = _ticket(state)
    _change(ticket, lambda: add_citizen_message(ticket, text, []))  # type: ignore[arg-type]
    raise Ended(_("Your information was added to ticket %(reference)s.", reference=state["ref"]))


def _answer_rate(state: dict[str, Any], answer: str) -> str | None:
    if answer not in ("1", "2", "3", "4", "5"):
        return _wrong()
    ticket = _ticket(state)
    _change(ticket, lambda: rate_ticket(ticket, int(answer)))  # type: ignore[arg-type]
    raise Ended(_("Thank you. You rated ticket %(reference)s %(rating)s of 5.", reference=state["ref"], rating=answer))


def _answer_appeal(state: dict[str, Any], answer: str) -> str | None:
    text = _written(answer, MIN_TEXT)
    if text is None:
        return _("Write at least %(count)d characters.", count=MIN_TEXT)
    ticket = _ticket(state)
    _change(ticket, lambda: appeal_ticket(ticket, text))  # type: ignore[arg-type]
    raise Ended(_("Your appeal on ticket %(reference)s goes to the supervisor.", reference=state["ref"]))


ANSWERS = {
    "home": _answer_home,
    "type": _answer_type,
    "topic": _answer_topic,
    "service": _answer_service,
    "region": _answer_region,
    "district": _answer_district,
    "text": _answer_text,
    "identity": _answer_identity,
    "track": _answer_track,
    "code": _answer_code,
    "ticket": _answer_ticket,
    "add": _answer_add,
    "rate": _answer_rate,
    "appeal": _answer_appeal,
}


def answer(state: dict[str, Any], given: str, store: StateStore) -> tuple[Screen | None, str | None]:
    """Take one answer of the session: the screen that ends it, or None and the notice to show above the next."""
    step = _step(state)
    try:
        if given.strip() == BACK and step != "home":
            state["stack"].pop()
            return None, None
        if step == "confirm":
            return None, _answer_confirm(state, given.strip(), store)
        if step in ("text", "add", "appeal", "code", "track"):
            return None, ANSWERS[step](state, given)
        return None, ANSWERS[step](state, given.strip())
    except Ended as ended:
        return ended.screen, None


def new_answers(state: dict[str, Any], text: str, fresh: bool) -> list[str]:
    """The answers in `text` that the session has not taken yet.

    The first callback of a session may carry several (a code dialled with its answers, *152*00*3#); later
    ones add one answer after the text seen before, which may itself hold "*" (typed text). A gateway that
    sends only the latest answer is understood too.
    """
    if fresh:
        return text.split("*") if text else []
    seen = state["text"]
    if seen and text.startswith(seen + "*"):
        return [text[len(seen) + 1 :]]
    return [text]


def take(session_id: str, phone: str, text: str, store: StateStore) -> Screen:
    """Answer one callback of a USSD session: the screen that follows its new answers, the same one again for
    a callback sent twice. The session's state is stored for USSD_SESSION_SECONDS."""
    key = SESSION_PREFIX + session_id
    state = store.get(key)
    fresh = state is None or state.get("phone") != phone  # a session id is one phone's only
    if state is not None and not fresh and text == state["text"]:
        return Screen(state["reply"], state.get("end", False))
    if fresh:
        state = new_state(phone)
    assert state is not None
    screen, notice = None, None
    for given in new_answers(state, text, fresh):
        with force_locale(state["lang"]):
            screen, notice = answer(state, given, store)
        if screen is not None:
            break
    if screen is None:
        with force_locale(state["lang"]):  # the language the citizen may just have chosen
            screen = screens.with_notice(render(state), notice)
    state.update(text=text, reply=screen.text, end=screen.end)
    store.put(key, state, current_app.config["USSD_SESSION_SECONDS"])
    return screen
