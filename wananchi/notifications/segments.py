"""How many SMS a text takes: GSM 03.38 (7-bit, with its extension table) where every character has a place in
it, UCS-2 otherwise; a long text is sent as concatenated parts, each shorter by its header.

GSM-7: 160 septets alone, 153 per part of a longer message; a character of the extension table ({ } [ ] ~ \\ | ^ €
and form feed) takes two septets (an escape and the character), and a part never ends between the two. UCS-2: 70
UTF-16 code units alone, 67 per part; a character outside the Basic Multilingual Plane takes two units, which a
part never splits either. The alphabet comes from the gsm0338 codec.
"""

from __future__ import annotations

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
# Typographic characters that officers' word processors put in a text, written the way GSM-7 can carry them: one
# curly apostrophe would otherwise send the whole message as UCS-2, at less than half the characters per SMS.
PLAIN = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " ", "\t": " "}
)


def gsm_units(text: str) -> list[int] | None:
    """The septets each character of `text` takes in GSM-7 (1, or 2 for the extension table); None if a character
    has no place in the alphabet."""
    try:
        return [len(character.encode("gsm03.38")) for character in text]
    except UnicodeEncodeError:
        return None


def _parts(units: list[int], single: int, part: int) -> int:
    """Parts needed for characters of the given sizes: one if they fit `single`, else filled `part` at a time
    without splitting a character."""
    if sum(units) <= single:
        return 1
    parts, used = 1, 0
    for size in units:
        if used + size > part:
            parts, used = parts + 1, 0
        used += size
    return parts


def sms_segments(text: str) -> int:
    """The number of SMS (concatenated parts) `text` is sent as; 0 for an empty text."""
    if not text:
        return 0
    units = gsm_units(text)
    if units is not None:
        return _parts(units, GSM_SINGLE, GSM_PART)
    utf16 = [2 if ord(character) > 0xFFFF else 1 for character in text]
    return _parts(utf16, UCS2_SINGLE, UCS2_PART)


def plain_sms_text(text: str) -> str:
    """`text` on one line, with typographic quotes and dashes written plainly (so GSM-7 can carry it)."""
    return " ".join(text.translate(PLAIN).split())


def fit_sms(before: str, text: str, after: str, *, cut: str, segments: int = 3) -> str:
    """`before "text" after` when it fits `segments` SMS; otherwise the text cut at a word, as `before "text..." cut
    after`, as long as fits (`cut` says where to read the rest)."""
    body = plain_sms_text(text)
    whole = f'{before} "{body}" {after}'
    if sms_segments(whole) <= segments:
        return whole
    words = body[: GSM_PART * segments].split(" ")  # no more than fits: three parts hold 459 characters at most
    while words:
        words.pop()
        shortened = f'{before} "{" ".join(words)}..." {cut} {after}'
        if sms_segments(shortened) <= segments:
            return shortened
    return f"{before} {cut} {after}"
