"""Finding personal details in a text to publish."""

from __future__ import annotations

from types import SimpleNamespace

from wananchi.maswali.personal import DetailKind, find_personal_details, highlight, ticket_details_in


def kinds(text: str, ticket=None) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(f.kind.value, text[f.start : f.end]) for f in find_personal_details(text, ticket)]


def test_patterns_find_names_phones_emails_and_references():
    text = (
        "Naitwa Rehema Mussa, simu +255 754 123 456, barua pepe rehema@mail.co.tz, hoja WN-2026-000042. "
        "Bw. Juma alisema."
    )
    assert kinds(text) == [
        ("name", "Rehema Mussa"),
        ("phone", "+255 754 123 456"),
        ("email", "rehema@mail.co.tz"),
        ("reference", "WN-2026-000042"),
        ("name", "Juma"),
    ]


def test_plain_text_has_nothing_to_mark():
    assert kinds("Ada ni shilingi 50,000 na ofisi hufunguliwa saa 1:30 asubuhi, tarehe 2026-12-07.") == []


def test_the_tickets_own_details_are_found_however_written():
    ticket = SimpleNamespace(
        reference="WN-2026-000123",
        citizen_name="Asha Juma",
        citizen_email="asha@example.co.tz",
        citizen_phone="+255712345678",
    )
    text = "ASHA aliuliza (wn-2026-000123); mpigie 0712-345-678 au Asha@Example.co.tz."
    found = ticket_details_in(text, ticket)  # type: ignore[arg-type]
    assert {f.kind for f in found} == {DetailKind.NAME, DetailKind.REFERENCE, DetailKind.PHONE, DetailKind.EMAIL}
    assert all(f.from_ticket for f in found)
    assert ticket_details_in("Ada ni shilingi 50,000.", ticket) == []  # type: ignore[arg-type]
    assert ticket_details_in("Asha", None) == []


def test_highlight_escapes_the_text():
    text = "<b>Naitwa Neema</b>"
    assert str(highlight(text, find_personal_details(text))) == (
        '&lt;b&gt;Naitwa <mark class="personal" data-kind="name">Neema</mark>&lt;/b&gt;'
    )
