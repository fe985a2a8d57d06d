"""The record of processing (Personal Data Protection Act 2022): each kind of personal data the service holds, why,
on what legal basis, where, who can see it and how long it is kept.

Who can see it is worked out from the permission rules (`can()`), asked about a ticket of an institution and the
staff around it; how long it is kept comes from the retention configuration. So the page and the document
(`docs/record-of-processing.md`, written by `flask --app wsgi wananchi record-of-processing`) cannot drift from
what the service does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from wananchi.accounts.labels import ROLE_LABELS
from wananchi.accounts.models import ACCOUNT_ROLES, Role, User
from wananchi.core.i18n import localized_name
from wananchi.extensions import db
from wananchi.institutions.models import Institution
from wananchi.privacy.models import RetentionPeriod
from wananchi.privacy.retention import Periods
from wananchi.sla.targets import DEFAULT_TARGETS, targets_of
from wananchi.tickets.labels import TYPE_LABELS
from wananchi.tickets.models import Identity, Ticket, TicketType
from wananchi.tickets.permissions import Permission, can


@dataclass(frozen=True)
class Kind:
    """A kind of personal data, as the record lists it (its reach and retention are worked out when listed)."""

    name: LazyString
    items: LazyString
    purpose: LazyString
    basis: LazyString
    stored: str  # where: tables and columns, the file store (not translated: names in the code)
    seen_with: tuple[Permission, ...]  # the permissions that show it (anyone holding one sees it)
    retention: str  # "ticket": the ticket's retention period; "account": while the account exists; "kept"
    note: LazyString | None = None


CONSENT_AND_FUNCTION = _l(
    "Consent of the citizen, who chooses what to give on the form; and the performance of the public functions of "
    "the institution the ticket is sent to."
)

KINDS = (
    Kind(
        name=_l("Citizen's contact details"),
        items=_l("Name, e-mail address, phone number of a named or contact-hidden citizen (none for the anonymous)"),
        purpose=_l("To answer the ticket and tell the citizen of its progress; to find the tickets a citizen sent."),
        basis=CONSENT_AND_FUNCTION,
        stored="ticket.citizen_name, ticket.citizen_email, ticket.citizen_phone; outbox_message.recipient",
        seen_with=(Permission.VIEW_CONTACT,),
        retention="ticket",
        note=_l("Officers never see the contact of a contact-hidden citizen: the service writes to them."),
    ),
    Kind(
        name=_l("The ticket's text and place"),
        items=_l(
            "Subject, description, the thread of messages, the resolution, the rating comment; region, district, "
            "place and map coordinates"
        ),
        purpose=_l("To deal with the question or complaint, and to count the service's figures."),
        basis=CONSENT_AND_FUNCTION,
        stored="ticket, ticket_message, ticket_event, outbox_message (texts sent)",
        seen_with=(Permission.VIEW_TICKET,),
        retention="ticket_text",
    ),
    Kind(
        name=_l("Attachments"),
        items=_l("Photos and documents the citizen sent (their metadata removed on arrival)"),
        purpose=_l("To show the officer what the ticket is about."),
        basis=CONSENT_AND_FUNCTION,
        stored="attachment (names); the file store (UPLOAD_FOLDER or the S3 bucket)",
        seen_with=(Permission.VIEW_TICKET,),
        retention="ticket",
    ),
    Kind(
        name=_l("Requests about personal data"),
        items=_l("A correction's new contact details, the reasons given, the decision"),
        purpose=_l("To decide and record the citizen's requests to correct or erase their data."),
        basis=_l(
            "A legal obligation: the rights of citizens over their personal data under the Personal Data Protection "
            "Act 2022."
        ),
        stored="data_request; ticket (each request's own ticket, of type data_request, without contact details)",
        seen_with=(Permission.DECIDE_DATA_REQUEST,),
        retention="ticket",
    ),
    Kind(
        name=_l("Phone channels"),
        items=_l("The phone number and text of each SMS received; USSD session state"),
        purpose=_l("To turn an SMS or a USSD session into a ticket, and to act on each SMS once."),
        basis=CONSENT_AND_FUNCTION,
        stored="inbound_sms, phone_session, sms_opt_out",
        seen_with=(),
        retention="phone",
    ),
    Kind(
        name=_l("Staff accounts"),
        items=_l("Name, work e-mail address, role, institution, password hash, two-step secret"),
        purpose=_l("To let staff log in and to give each the access their role allows."),
        basis=_l("The performance of the institutions' public functions, and their duty to keep data secure."),
        stored="user_account, api_token",
        seen_with=(Permission.ADMINISTER,),
        retention="account",
    ),
    Kind(
        name=_l("The audit log"),
        items=_l(
            "Who changed what, security events, and who viewed, exported or searched citizens' personal data; "
            "client addresses (an e-mail address without an account only as a keyed hash)"
        ),
        purpose=_l("To show at any moment who saw what, and to investigate a breach."),
        basis=_l("A legal obligation: the controller's duty to keep personal data secure and to report breaches."),
        stored="audit_entry; the application log (logger wananchi.security)",
        seen_with=(Permission.READ_AUDIT,),
        retention="kept",
    ),
)


def _world() -> tuple[dict[Role, User], Ticket]:
    """Transient users of each role around an institution (B, below node A) and a named citizen's ticket of B,
    to ask the permission rules about; nothing is stored."""
    node = Institution(id=1, slug="a", name_sw="A", name_en="A")
    institution = Institution(id=2, slug="b", name_sw="B", name_en="B", parent=node, parent_id=1)
    ticket = Ticket(id=1, institution=institution, institution_id=2, identity=Identity.NAMED, transfers=[])
    users = {}
    for role in ACCOUNT_ROLES:
        home = 1 if role == Role.OVERSIGHT else None if role in (Role.ADMIN, Role.AUDITOR) else 2
        user = User(id=10, role=role, institution_id=home, active=True, is_admin=role == Role.ADMIN)
        user.institution = node if home == 1 else institution if home == 2 else None
        users[role] = user
    users[Role.INTEGRATION] = User(id=11, role=Role.INTEGRATION, institution_id=2, active=True)
    return users, ticket


INTEGRATION_LABEL = _l("The system of the institution responsible (an integration key, through the API)")


def _scope(role: Role) -> str:
    if role in (Role.OFFICER, Role.SUPERVISOR):
        return _("of the institution responsible")
    if role == Role.OVERSIGHT:
        return _("above the institution responsible")
    return ""


def who_can_see(permissions: tuple[Permission, ...]) -> str:
    """The roles the permission rules give any of `permissions` on a named citizen's ticket (or, for permissions
    about no ticket, at all), in the current language."""
    if not permissions:
        return _("Nobody through the service's pages; the gateways' callbacks and the worker use it.")
    users, ticket = _world()
    seen = []
    for role, user in users.items():
        if any(can(user, permission, ticket) or can(user, permission) for permission in permissions):
            label = INTEGRATION_LABEL if role == Role.INTEGRATION else ROLE_LABELS[role]
            seen.append(f"{label} {_scope(role)}".strip())
    return "; ".join(seen) if seen else _("Nobody")


def _days(days: int) -> str:
    return _("%(days)d days after the ticket is closed", days=days)


def retention_text(kind: Kind, periods: Periods, describe: Callable[[RetentionPeriod], str]) -> str:
    """How long the kind is kept, from the retention configuration, in the current language."""
    if kind.retention in ("ticket", "ticket_text"):
        text = _days(periods.default_days)
        if periods.configured:
            text += " " + _("(unless set otherwise: %(periods)s)", periods="; ".join(describe_all(describe)))
        text += "; " + _("not while the ticket is under a legal hold")
        if kind.retention == "ticket_text":
            text += "; " + _(
                "then the contact details in the texts are masked and the coordinates erased, and the rest is kept "
                "for the service's figures"
            )
        return text
    if kind.retention == "account":
        return _("While the account exists; a deactivated account keeps its name for the history it signs.")
    if kind.retention == "phone":
        config = current_app.config
        return _(
            "USSD sessions: %(seconds)d seconds; SMS received: %(sms_days)d days after they arrive; an SMS stop: while "
            "a ticket or an account still holds its number, and at least %(stop_days)d days after it was sent.",
            seconds=config["USSD_SESSION_SECONDS"],
            sms_days=config["INBOUND_SMS_RETENTION_DAYS"],
            stop_days=config["SMS_OPT_OUT_RETENTION_DAYS"],
        )
    return _("No end is set: the audit log is append-only.")


def describe_all(describe: Callable[[RetentionPeriod], str]) -> list[str]:
    """Each configured retention period, described."""
    return [describe(row) for row in db.session.scalars(select(RetentionPeriod).order_by(RetentionPeriod.id))]


def describe_period(period: RetentionPeriod) -> str:
    """A configured period in words: whose tickets, how many days."""
    whose = []
    if period.institution is not None:
        whose.append(localized_name(period.institution))
    if period.ticket_type is not None:
        whose.append(str(TYPE_LABELS[TicketType(period.ticket_type)]))
    return _("%(whose)s: %(days)d days", whose=", ".join(whose), days=period.days)


@dataclass(frozen=True)
class Entry:
    """One line of the record, in the current language."""

    name: str
    items: str
    purpose: str
    basis: str
    stored: str
    who: str
    kept: str
    note: str | None


def request_days(*, defaults: bool = False) -> int:
    """The working days the controller has to answer a request about personal data: the resolution target of such
    requests for every institution (the default one, or the one an administrator set for all institutions)."""
    if defaults:
        return DEFAULT_TARGETS[TicketType.DATA_REQUEST].resolution_days
    return targets_of(TicketType.DATA_REQUEST, None, None).resolution_days


def record_of_processing(periods: Periods) -> list[Entry]:
    """The record, in the current language, for the retention periods in force."""
    return [
        Entry(
            name=str(kind.name),
            items=str(kind.items),
            purpose=str(kind.purpose),
            basis=str(kind.basis),
            stored=kind.stored,
            who=who_can_see(kind.seen_with),
            kept=retention_text(kind, periods, describe_period),
            note=str(kind.note) if kind.note else None,
        )
        for kind in KINDS
    ]


def as_markdown(entries: list[Entry], *, request_days: int, defaults: bool = True) -> str:
    """The record as Markdown: the repository's document (`defaults`: the default configuration), or a deployment's
    own record, with the retention periods its administrators set."""
    written = (
        _(
            "Written by `flask --app wsgi wananchi record-of-processing --defaults --output "
            "docs/record-of-processing.md` from the permission rules and the default retention configuration; do not "
            "edit it by hand (a test checks that it matches)."
        )
        if defaults
        else _(
            "Written by `flask --app wsgi wananchi record-of-processing` from the permission rules and the retention "
            "periods in force in this deployment."
        )
    )
    lines = [
        "# " + _("Record of processing"),
        "",
        written,
        "",
        _(
            "The controller answers a citizen's request about their personal data within %(days)d working days (the "
            "response-time target of such requests, which administrators may set per institution).",
            days=request_days,
        ),
        "",
    ]
    for entry in entries:
        lines += [
            f"## {entry.name}",
            "",
            f"- **{_('What')}:** {entry.items}",
            f"- **{_('Purpose')}:** {entry.purpose}",
            f"- **{_('Legal basis')}:** {entry.basis}",
            f"- **{_('Where it is stored')}:** `{entry.stored}`",
            f"- **{_('Who can see it')}:** {entry.who}",
            f"- **{_('How long it is kept')}:** {entry.kept}",
        ]
        if entry.note:
            lines.append(f"- **{_('Remark')}:** {entry.note}")
        lines.append("")
    return "\n".join(lines)
