"""Personal details in a text an officer prepares for publication: names, phone numbers, e-mail addresses and
reference numbers, found by pattern (highlighted in the editor) and, for an answer written from a ticket, the
ticket's own citizen details (publication refused while any remains)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from markupsafe import Markup, escape

from wananchi.tickets.models import Ticket


class DetailKind(StrEnum):
    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    REFERENCE = "reference"


@dataclass(frozen=True)
class Finding:
    """A stretch of text that looks like a personal detail; `from_ticket` when it is the ticket's citizen's."""

    kind: DetailKind
    start: int
    end: int
    from_ticket: bool = False


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Nine digits or more, with spaces, dots or dashes between groups: phone numbers, and account or control numbers.
_NUMBER = re.compile(r"(?<![\w-])\+?\d(?:[ .-]?\d){8,}(?![\w-])")
_REFERENCE = re.compile(r"\bWN-\d{4}-\d{1,}\b", re.IGNORECASE)
_CAPITALISED = r"[A-Z][\w'-]+(?:[ \t]+[A-Z][\w'-]+){0,2}"
# A name introduced as one ("naitwa Asha", "my name is John Mushi") or after a title ("Bw. Juma", "Bi. Neema").
_NAME = re.compile(
    r"(?:\b(?:[Nn]aitwa|[Jj]ina langu ni|[Mm]imi ni|[Mm]y name is|I am)\s+|"
    r"\b(?:Bw\.?|Bi\.?|Ndugu|Mr\.?|Mrs\.?|Ms\.?|Mheshimiwa)\s+)(" + _CAPITALISED + ")"
)
_PHONE_DIGITS = 9  # a Tanzanian number without its country code or leading 0: 7XX XXX XXX
MIN_NAME_PART = 3  # shorter parts of a citizen's name ("Bi", "wa") are not looked for on their own


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _ticket_findings(text: str, ticket: Ticket) -> list[Finding]:
    """The ticket's citizen details in `text`: name (whole, or any part), e-mail, phone number, reference."""
    found: list[Finding] = []
    patterns: list[tuple[DetailKind, str]] = [(DetailKind.REFERENCE, re.escape(ticket.reference))]
    if ticket.citizen_email:
        patterns.append((DetailKind.EMAIL, re.escape(ticket.citizen_email)))
    if ticket.citizen_name:
        parts = [p for p in re.split(r"\s+", ticket.citizen_name.strip()) if len(p) >= MIN_NAME_PART]
        patterns.extend((DetailKind.NAME, r"\b" + re.escape(part) + r"\b") for part in parts)
    for kind, pattern in patterns:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            found.append(Finding(kind, match.start(), match.end(), from_ticket=True))
    phone = _digits(ticket.citizen_phone or "")[-_PHONE_DIGITS:]
    if len(phone) == _PHONE_DIGITS:
        for match in _NUMBER.finditer(text):
            if _digits(match.group())[-_PHONE_DIGITS:] == phone:
                found.append(Finding(DetailKind.PHONE, match.start(), match.end(), from_ticket=True))
    return found


def find_personal_details(text: str, ticket: Ticket | None = None) -> list[Finding]:
    """Every stretch of `text` that looks like a personal detail, in order, without overlaps (the ticket's own
    details win over a pattern's finding of the same stretch)."""
    found = _ticket_findings(text, ticket) if ticket is not None else []
    for kind, pattern in (
        (DetailKind.EMAIL, _EMAIL),
        (DetailKind.REFERENCE, _REFERENCE),
        (DetailKind.PHONE, _NUMBER),
    ):
        found.extend(Finding(kind, m.start(), m.end()) for m in pattern.finditer(text))
    found.extend(Finding(DetailKind.NAME, m.start(1), m.end(1)) for m in _NAME.finditer(text))
    kept: list[Finding] = []
    for finding in sorted(found, key=lambda f: (f.start, not f.from_ticket, -f.end)):
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept


def ticket_details_in(text: str, ticket: Ticket | None) -> list[Finding]:
    """The findings of `text` that are the ticket's citizen's own details (none without a ticket)."""
    return [f for f in find_personal_details(text, ticket) if f.from_ticket] if ticket is not None else []


def highlight(text: str, findings: list[Finding]) -> Markup:
    """`text` escaped for HTML, each finding wrapped in <mark> with its kind, lines kept."""
    pieces: list[str] = []
    position = 0
    for finding in findings:
        pieces.append(escape(text[position : finding.start]))
        css = "personal from-ticket" if finding.from_ticket else "personal"
        pieces.append(
            Markup('<mark class="{}" data-kind="{}">{}</mark>').format(
                css, finding.kind.value, text[finding.start : finding.end]
            )
        )
        position = finding.end
    pieces.append(escape(text[position:]))
    return Markup("").join(pieces)
