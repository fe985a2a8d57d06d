"""What every web form shares (wananchi/core/forms.py)."""

from __future__ import annotations

import pytest

from wananchi.core.forms import whole_number


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("12", 12),
        ("0", 0),
        ("9" * 18, 10**18 - 1),
        ("9" * 19, None),
        ("²", None),
        ("-1", None),
        ("1.0", None),
        (" 1", None),
        ("", None),
        (None, None),
        (7, None),
    ],
)
def test_whole_numbers_from_forms_and_addresses(value, number):
    assert whole_number(value) == number
