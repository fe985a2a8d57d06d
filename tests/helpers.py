"""Small helpers for driving HTML forms through the test client."""

from __future__ import annotations

from html.parser import HTMLParser


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"] or ""] = attributes.get("value") or ""


def hidden_fields(html: str | bytes) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, submission key), by name."""
    parser = _HiddenInputs()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.values
