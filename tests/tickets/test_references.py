"""Reference numbers and tracking codes: format, normalisation, hashing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wananchi.tickets.references import (
    CODE_ALPHABET,
    CODE_LENGTH,
    format_tracking_code,
    hash_tracking_code,
    normalise_reference,
    normalise_tracking_code,
    tracking_code_for,
    tracking_code_matches,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("WN-2026-000123", "WN-2026-000123"),
        ("wn-2026-000123", "WN-2026-000123"),
        (" WN 2026 000123 ", "WN-2026-000123"),
        ("WN-2026-123", "WN-2026-000123"),
        ("2026-000123", "WN-2026-000123"),
        ("WN20260001234", "WN-2026-001234"),
        ("WN-2026-1000000", "WN-2026-1000000"),
        ("", None),
        ("<script>", None),
        ("WN-26-000123", None),
    ],
)
def test_reference_normalisation(typed, expected):
    assert normalise_reference(typed) == expected


def test_tracking_code_is_stable_for_a_submission_and_differs_between_submissions():
    first = tracking_code_for("secret", "key-one")
    assert first == tracking_code_for("secret", "key-one")
    assert first != tracking_code_for("secret", "key-two")
    assert first != tracking_code_for("another-secret", "key-one")
    assert len(first) == CODE_LENGTH
    assert set(first) <= set(CODE_ALPHABET)


def test_tracking_code_carries_at_least_40_bits():
    assert len(CODE_ALPHABET) ** CODE_LENGTH >= 2**40


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=40))
def test_typed_code_variants_match(key):
    code = tracking_code_for("secret", key)
    stored = hash_tracking_code("WN-2026-000001", code)
    for typed in (code, code.lower(), format_tracking_code(code), f" {format_tracking_code(code).lower()} "):
        assert tracking_code_matches("WN-2026-000001", typed, stored)
    assert not tracking_code_matches("WN-2026-000002", code, stored)


def test_look_alike_letters_are_forgiven():
    assert normalise_tracking_code("o1l-i") == "0111"


def test_only_a_hash_is_stored():
    code = tracking_code_for("secret", "k")
    stored = hash_tracking_code("WN-2026-000001", code)
    assert code not in stored and len(stored) == 64
