"""The Swahili and English catalogues translate every message in the source, faithfully and completely."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from wananchi.core.forms import WTFORMS_MESSAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "wananchi" / "translations"
LANGUAGES = ("sw", "en")
# The same keywords as `flask --app wsgi translate extract` (Babel's defaults plus `_l` for lazy_gettext and `_lp`
# for lazy_pgettext).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "_lp": ((1, "c"), 2)}
JINJA_EXTENSIONS = ("jinja2.ext.do",)
# Named placeholders such as %(name)s or %(count)d, with their conversion.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
# Messages that are rightly the same in Swahili and English: names, languages, units, file formats.
SAME_IN_SWAHILI = frozenset({"Wananchi", "English", "Kiswahili", "5 MB", "MB", "KB", "PDF", "JPEG", "PNG", "SMS"})
MAX_COPIED_SHARE = 0.10


@dataclass(frozen=True)
class SourceMessage:
    """One message as written in the source: its id (a tuple for plurals), context and first location."""

    id: str | tuple[str, ...]
    context: str | None
    location: str

    @property
    def key(self) -> str:
        """The catalogue key: the singular id."""
        return self.id if isinstance(self.id, str) else self.id[0]


def _method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """The extraction map and options of babel.cfg, with jinja2.ext.do always loaded for templates."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename="babel.cfg")
    for pattern, method in method_map:
        if method == "jinja2":
            options = options_map.setdefault(pattern, {})
            extensions = [e.strip() for e in options.get("extensions", "").split(",") if e.strip()]
            options["extensions"] = ",".join(dict.fromkeys([*extensions, *JINJA_EXTENSIONS]))
    return method_map, options_map


@cache
def source_messages() -> tuple[SourceMessage, ...]:
    """Every translatable message of the code and templates, extracted now with Babel's API."""
    method_map, options_map = _method_map()
    found: dict[tuple[str | tuple[str, ...], str | None], SourceMessage] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        message_id = message if isinstance(message, str) else tuple(message)
        found.setdefault((message_id, context), SourceMessage(message_id, context, f"{filename}:{lineno}"))
    return tuple(found.values())


@cache
def catalogue(language: str) -> Catalog:
    """The .po catalogue of one language."""
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `flask --app wsgi translate update`.")
    with path.open("rb") as po:
        return read_po(po, locale=language)


def translations(message: Message) -> tuple[str, ...]:
    """Every form of a translation (one for a singular message, one per plural form otherwise)."""
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def placeholders(text: str) -> set[str]:
    """The named placeholders of a text, such as {"%(count)d"}."""
    return set(PLACEHOLDER.findall(text))


def translated_pairs(language: str) -> Iterator[tuple[SourceMessage, Message]]:
    """Each source message together with its catalogue entry, when there is one."""
    cat = catalogue(language)
    for source in source_messages():
        entry = cat.get(source.key, context=source.context)
        if entry is not None:
            yield source, entry


def describe(source: SourceMessage) -> str:
    """A readable line naming a message and where it comes from."""
    return f"  {source.id!r} ({source.location})"


def test_the_source_has_messages_to_translate() -> None:
    """Extraction finds the messages of both Python code and templates."""
    locations = [source.location for source in source_messages()]
    assert any(".py:" in location for location in locations)
    assert any(".html:" in location for location in locations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    """Every extracted message has a non-empty, non-fuzzy translation in every plural form."""
    cat = catalogue(language)
    missing: list[str] = []
    for source in source_messages():
        entry = cat.get(source.key, context=source.context)
        if entry is None:
            missing.append(f"{describe(source)}: not in the catalogue")
        elif entry.fuzzy:
            missing.append(f"{describe(source)}: marked fuzzy")
        elif not all(form.strip() for form in translations(entry)):
            missing.append(f"{describe(source)}: empty translation")
        elif not isinstance(source.id, str) and len(translations(entry)) != cat.num_plurals:
            missing.append(f"{describe(source)}: needs {cat.num_plurals} plural forms")
    assert not missing, (
        f"{len(missing)} message(s) not translated in {language} "
        "(run `flask --app wsgi translate update`, then translate them):\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    """Each translation has exactly the %(...) placeholders of its message."""
    wrong: list[str] = []
    for source, entry in translated_pairs(language):
        ids = (source.id,) if isinstance(source.id, str) else source.id
        allowed = [placeholders(text) for text in ids]
        for form in translations(entry):
            if form and placeholders(form) not in allowed:
                wrong.append(
                    f"{describe(source)}: {form!r} has {sorted(placeholders(form))}, expected {sorted(allowed[-1])}"
                )
    assert not wrong, "Placeholders differ:\n" + "\n".join(wrong)


def test_english_translations_are_the_english_text() -> None:
    """The English catalogue repeats each message, with at most its punctuation polished (WTForms' own
    messages excepted: their source is not ours to change, so the catalogue words them for citizens)."""

    def letters(text: str) -> str:
        return re.sub(r"[\W_]+", "", text.casefold())

    changed = [
        f"{describe(source)}: {entry.string!r}"
        for source, entry in translated_pairs("en")
        if isinstance(source.id, str)
        and source.id not in WTFORMS_MESSAGES
        and entry.string
        and letters(entry.string) != letters(source.id)
    ]
    assert not changed, "English translations differ from the message (change the source instead):\n" + "\n".join(
        changed
    )


def test_swahili_is_not_a_copy_of_english() -> None:
    """Fewer than 10 % of Swahili translations are identical to their English message."""
    pairs = [
        (source, entry)
        for source, entry in translated_pairs("sw")
        if isinstance(source.id, str)
        and entry.string
        and source.id not in SAME_IN_SWAHILI
        and re.search(r"[^\W\d_]{3,}", PLACEHOLDER.sub("", source.id))
    ]
    copied = [describe(source) for source, entry in pairs if entry.string.strip() == source.id.strip()]
    assert pairs
    assert len(copied) < MAX_COPIED_SHARE * len(pairs), (
        f"{len(copied)} of {len(pairs)} Swahili translations are the English text:\n" + "\n".join(copied)
    )
