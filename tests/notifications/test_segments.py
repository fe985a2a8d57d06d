"""SMS segments: GSM-7 with its extension table and UCS-2, counted as the networks bill them; texts fitted to three."""

from __future__ import annotations

import pytest

from wananchi.notifications.segments import fit_sms, plain_sms_text, sms_segments


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("€" * 80, 1),  # the extension table: two septets each, 160 in all
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 7, 2),  # 161 septets: two parts, the escape kept with its character
        ("a" * 152 + "€" + "a" * 152, 3),  # the euro does not fit the first part's last septet: it moves on
        ("Habari ya asubuhi, ndugu mwananchi.", 1),
        ("é" * 160, 1),  # é is in GSM 03.38's basic table
        ("’" + "a" * 69, 1),  # one curly apostrophe: the whole message is UCS-2, 70 characters alone
        ("’" + "a" * 70, 2),
        ("’" + "a" * 133, 2),  # 134 = 2 x 67
        ("’" + "a" * 134, 3),
        ("😀" * 35, 1),  # outside the BMP: two UTF-16 units each, 70 units
        ("😀" * 36, 2),
        ("a" * 66 + "😀" + "ó" * 3, 2),  # ó is not GSM-7; the surrogate pair is not split across parts
    ],
)
def test_segments_are_counted_as_networks_bill_them(text, segments):
    assert sms_segments(text) == segments


def test_typographic_quotes_and_dashes_are_written_plainly():
    assert plain_sms_text("“Bili” – ya maji’\n\tmpya…") == '"Bili" - ya maji\' mpya...'
    assert sms_segments(plain_sms_text("’" + "a" * 159)) == 1


def test_a_text_that_fits_three_sms_travels_whole():
    text = fit_sms("DAWASA replied to ticket WN-2026-000001:", "neno " * 40, "Answer to 15200.", cut="Read at URL")
    assert text.startswith('DAWASA replied to ticket WN-2026-000001: "neno') and text.endswith('neno" Answer to 15200.')
    assert sms_segments(text) == 2


def test_a_longer_text_is_cut_at_a_word_and_says_where_to_read_the_rest():
    text = fit_sms("DAWASA:", "maji " * 500, "Answer to 15200.", cut="Read it all at http://x/fuatilia")
    assert sms_segments(text) == 3
    assert text.endswith('maji..." Read it all at http://x/fuatilia Answer to 15200.')
    unicode_text = fit_sms("DAWASA:", "maji’ " * 500, "Answer to 15200.", cut="Read it all at http://x")
    assert sms_segments(unicode_text) == 3 and "maji'..." in unicode_text  # written plainly: GSM-7, not UCS-2
    emoji = fit_sms("DAWASA:", "maji 😀 " * 500, "Answer.", cut="Read it all.")
    assert sms_segments(emoji) == 3 and len(emoji) <= 201
