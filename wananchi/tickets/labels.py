"""The words the interface uses for ticket types, statuses and identities (GLOSSARY.md)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from wananchi.tickets.models import (
    Channel,
    EventKind,
    Identity,
    MessageKind,
    SuggestionOutcome,
    TicketStatus,
    TicketType,
)
from wananchi.tickets.services import CITIZEN, SYSTEM

TYPE_LABELS = {
    TicketType.QUESTION: _l("Question"),
    TicketType.COMPLAINT: _l("Complaint"),
    TicketType.SUGGESTION: _l("Suggestion"),
    TicketType.OPINION: _l("Opinion"),
    TicketType.COMMENDATION: _l("Commendation"),
    TicketType.DATA_REQUEST: _l("Request about personal data"),
}

# Only the types a citizen chooses (CITIZEN_TYPES): a request about personal data is asked from the tracking page.
TYPE_HINTS = {
    TicketType.QUESTION: _l("You want information about a service."),
    TicketType.COMPLAINT: _l("A service failed you or was not delivered as it should be."),
    TicketType.SUGGESTION: _l("You propose how a service could be improved."),
    TicketType.OPINION: _l("Your view on a service or a policy."),
    TicketType.COMMENDATION: _l("Praise for a service or an officer who served you well."),
}

# The same hints on the form an officer fills in for a citizen (/afisa/hoja-mpya), said of the citizen.
RECORDED_TYPE_HINTS = {
    TicketType.QUESTION: _l("The citizen wants information about a service."),
    TicketType.COMPLAINT: _l("A service failed the citizen or was not delivered as it should be."),
    TicketType.SUGGESTION: _l("The citizen proposes how a service could be improved."),
    TicketType.OPINION: _l("The citizen's view on a service or a policy."),
    TicketType.COMMENDATION: _l("Praise for a service or an officer who served the citizen well."),
}

# The citizen's view of a status; officers see "Awaiting citizen" where the citizen reads "Awaiting your information".
CITIZEN_STATUS_LABELS = {
    TicketStatus.RECEIVED: _l("Received"),
    TicketStatus.IN_PROGRESS: _l("In progress"),
    TicketStatus.AWAITING_CITIZEN: _l("Awaiting your information"),
    TicketStatus.ANSWERED: _l("Answered"),
    TicketStatus.RESOLVED: _l("Resolved"),
    TicketStatus.CLOSED: _l("Closed"),
    TicketStatus.REOPENED: _l("Reopened"),
}

STAFF_STATUS_LABELS = {**CITIZEN_STATUS_LABELS, TicketStatus.AWAITING_CITIZEN: _l("Awaiting citizen")}

CITIZEN_STATUS_EXPLANATIONS = {
    TicketStatus.RECEIVED: _l("Your ticket has reached the responsible institution and is waiting for an officer."),
    TicketStatus.IN_PROGRESS: _l("An officer is working on your ticket."),
    TicketStatus.AWAITING_CITIZEN: _l("The institution needs more information from you. Add it below."),
    TicketStatus.ANSWERED: _l("The institution has answered. Read the reply below."),
    TicketStatus.RESOLVED: _l("The institution considers your ticket resolved."),
    TicketStatus.CLOSED: _l("This ticket is closed."),
    TicketStatus.REOPENED: _l("Your ticket has been reopened and is being looked at again."),
}

IDENTITY_LABELS = {
    Identity.NAMED: _l("With my name"),
    Identity.CONTACT_HIDDEN: _l("Hide my contact details from officers"),
    Identity.ANONYMOUS: _l("Anonymously"),
}

IDENTITY_HINTS = {
    Identity.NAMED: _l("Officers see your name and contact details and may reach you directly."),
    Identity.CONTACT_HIDDEN: _l(
        "We keep your e-mail or phone only to send you updates; officers write to you "
        "through this service and do not see them."
    ),
    Identity.ANONYMOUS: _l(
        "We keep no name, e-mail or phone number. You will receive no messages: "
        "follow your ticket with its reference number and tracking code."
    ),
}

# The same choices on the form an officer fills in for a citizen (/afisa/hoja-mpya), said of the citizen.
RECORDED_IDENTITY_LABELS = {
    Identity.NAMED: _l("With their name"),
    Identity.CONTACT_HIDDEN: _l("Their contact details hidden from officers"),
    Identity.ANONYMOUS: _l("Anonymously"),
}

RECORDED_IDENTITY_HINTS = {
    Identity.NAMED: _l("Officers see the citizen's name and contact details and may reach them directly."),
    Identity.CONTACT_HIDDEN: _l(
        "The e-mail or phone is kept only to send the citizen updates; officers write to them through this service "
        "and do not see it."
    ),
    Identity.ANONYMOUS: _l(
        "No name, e-mail or phone number is kept, and the citizen receives no messages: give them the reference "
        "number and tracking code."
    ),
}

MESSAGE_AUTHORS = {
    MessageKind.CITIZEN: _l("You"),
    MessageKind.REPLY: _l("Reply from the institution"),
    MessageKind.INFO_REQUEST: _l("The institution asks for more information"),
    MessageKind.NOTE: _l("Internal note"),
}

# The history's actors that are not members of staff, stored as these words: shown in the page's language.
ACTOR_LABELS = {CITIZEN: _l("citizen"), SYSTEM: _l("system")}

EVENT_LABELS = {
    EventKind.SUBMITTED: _l("Submitted"),
    EventKind.ROUTED: _l("Sent to the responsible institution"),
    EventKind.CITIZEN_MESSAGE: _l("The citizen added information"),
    EventKind.STATUS_CHANGED: _l("Status changed"),
    EventKind.REPLIED: _l("Replied to the citizen"),
    EventKind.NOTE_ADDED: _l("Internal note added"),
    EventKind.INFO_REQUESTED: _l("Asked the citizen for information"),
    EventKind.TRANSFERRED: _l("Transferred"),
    EventKind.ASSIGNED: _l("Assigned"),
    EventKind.CLAIMED: _l("Taken by an officer"),
    EventKind.RESOLVED: _l("Resolved"),
    EventKind.CLOSED: _l("Closed"),
    EventKind.REOPENED: _l("Reopened"),
    EventKind.MERGED: _l("Merged into another ticket"),
    EventKind.MERGED_INTO_THIS: _l("A duplicate was merged into this ticket"),
    EventKind.CONTACT_VIEWED: _l("Contact details viewed"),
    EventKind.SLA_WARNING: _l("Target at risk: warning sent"),
    EventKind.SLA_OVERDUE: _l("Target missed: on the supervisor's list"),
    EventKind.ESCALATED: _l("Escalated"),
    EventKind.COMMENDATION_PASSED: _l("Commendation passed on"),
    EventKind.RATED: _l("The citizen rated the answer"),
    EventKind.APPEALED: _l("The citizen appealed"),
    EventKind.TRACKING_CODE_REISSUED: _l("The citizen asked for a new tracking code"),
    EventKind.RECEIPT_WITHHELD: _l("No receipt sent: this e-mail address or phone number had received too many lately"),
    EventKind.RECORDED_BY_STAFF: _l("Recorded by an officer on the citizen's behalf"),
    EventKind.PERSONAL_DATA_ERASED: _l("Retention period over: contact details and files erased"),
    EventKind.DATA_ERASED_ON_REQUEST: _l("Erased at the citizen's request: contact details and files"),
    EventKind.LEGAL_HOLD_SET: _l("Legal hold set: personal data kept past the retention period"),
    EventKind.LEGAL_HOLD_LIFTED: _l("Legal hold lifted"),
    EventKind.CONSENT_WITHDRAWN: _l("The citizen withdrew consent to publication"),
    EventKind.DATA_DOWNLOADED: _l("The citizen opened or downloaded the data held about this ticket"),
    EventKind.DATA_REQUESTED: _l("The citizen asked to correct or erase their personal data"),
    EventKind.DATA_REQUEST_DECIDED: _l("The request about personal data was decided"),
}

# How a ticket came in (GLOSSARY.md, "Channels").
CHANNEL_LABELS = {
    Channel.WEB: _l("Website"),
    Channel.API: _l("Another system (API)"),
    Channel.SMS: _l("SMS (text message)"),
    Channel.USSD: _l("USSD"),
    Channel.TELEPHONE: _l("Telephone (call centre)"),
    Channel.WALK_IN: _l("Front desk (in person)"),
    Channel.LETTER: _l("Letter"),
    Channel.EMAIL: _l("E-mail"),
    Channel.SOCIAL_MEDIA: _l("Social media"),
    Channel.DEMO: _l("Demonstration"),
}

OUTCOME_LABELS = {
    SuggestionOutcome.ACCEPTED: _l("Accepted"),
    SuggestionOutcome.UNDER_CONSIDERATION: _l("Under consideration"),
    SuggestionOutcome.DECLINED: _l("Declined"),
}

# The ticket page's forms that are not steps of the status machine, by name (their error summary names them).
OTHER_FORM_LABELS = {"legal_hold": _l("Legal hold")}
