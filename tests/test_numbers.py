"""Whole numbers from forms and addresses (wananchi/core/numbers.py)."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from wananchi.core.numbers import whole_number


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


def test_an_id_in_an_address_has_at_most_18_digits(app):
    adapter = app.url_map.bind("wananchi.go.tz")
    assert adapter.match("/utawala/kalenda/" + "9" * 18) == ("admin.calendar_edit", {"calendar_id": 10**18 - 1})
    with pytest.raises(NotFound):
        adapter.match("/utawala/kalenda/" + "9" * 19)
