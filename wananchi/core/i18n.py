"""Languages: Swahili unless the visitor explicitly chose English; names stored in both."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from werkzeug.wrappers import Response


def select_locale() -> str:
    """Swahili by default; English only when the visitor chose it (the browser's wishes are ignored)."""
    if has_request_context():
        chosen = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
        if chosen is not None and chosen in current_app.config["LANGUAGES"]:
            return chosen
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def remember_language(response: Response, language: str) -> Response:
    """Set the cookie that keeps `language` for this browser (a year); an unknown language changes nothing."""
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            current_app.config["LANGUAGE_COOKIE"],
            language,
            max_age=current_app.config["LANGUAGE_COOKIE_MAX_AGE"],
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
        )
    return response


def current_language() -> str:
    """The two-letter code of the language the current page is rendered in."""
    locale = get_locale()
    return locale.language if locale is not None else "sw"


class Bilingual(Protocol):
    name_sw: str
    name_en: str


def localized_name(obj: Bilingual | Any, language: str | None = None) -> str:
    """An object's name in the given (or current) language, falling back to Swahili."""
    language = language or current_language()
    if language == "en" and getattr(obj, "name_en", None):
        return str(obj.name_en)
    return str(obj.name_sw)


T = TypeVar("T")


def by_name(items: Iterable[T], name: Callable[[T], Any] = localized_name) -> list[T]:
    """`items` in the alphabetical order of their names as the page shows them (in its language, whatever the case:
    "e-Government Authority" among the E's)."""
    return sorted(items, key=lambda item: str(name(item)).casefold())


def compile_catalogues(directory: Path) -> list[Path]:
    """Compile every messages.po under `directory` into messages.mo; return the files written."""
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written
