"""Whole numbers from forms and addresses, and percentages as pages write them (wananchi/core/numbers.py)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from werkzeug.exceptions import NotFound

from wananchi.core.numbers import percent_text, whole_number


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("12", 12),
        ("0", 0),
        ("2147483647", 2**31 - 1),
        ("2147483648", None),  # the id and version columns hold 32-bit numbers
        ("9223372036854775808", None),
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


@pytest.mark.parametrize("too_large", ["2147483648", "9999999999", "9223372036854775808", "9" * 19])
def test_an_id_in_an_address_is_one_an_id_column_holds(app, too_large):
    adapter = app.url_map.bind("wananchi.go.tz")
    assert adapter.match("/utawala/kalenda/2147483647") == ("admin.calendar_edit", {"calendar_id": 2**31 - 1})
    with pytest.raises(NotFound):
        adapter.match("/utawala/kalenda/" + too_large)


@pytest.mark.parametrize("language", ["sw", "en"])
def test_a_percentage_is_written_one_way_in_both_languages(app, language):
    with app.test_request_context(), force_locale(language):
        assert [percent_text(v) for v in (47.8, 80, 80.0, 0, 100, 33.333, None)] == [
            "47.8%",
            "80%",
            "80%",
            "0%",
            "100%",
            "33.3%",
            "—",
        ]
