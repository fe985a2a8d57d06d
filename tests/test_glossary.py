"""The Swahili catalogue follows the glossary kept in wananchi/translations/glossary.toml: one term per concept,
no forbidden words, labels over counts in the plural, and the labels that matter pinned."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Message

from tests.test_translations import PLACEHOLDER, catalogue

GLOSSARY = Path(__file__).resolve().parent.parent / "wananchi" / "translations" / "glossary.toml"


@cache
def glossary() -> dict[str, Any]:
    """The glossary's rules."""
    with GLOSSARY.open("rb") as file:
        return tomllib.load(file)


def swahili_messages() -> Iterator[tuple[Message, str, str]]:
    """Each translated message of the Swahili catalogue: the entry, its English (singular and plural, placeholders
    removed) and its Swahili (every form)."""
    for message in catalogue("sw"):
        if not message.id or not message.string:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        forms = (message.string,) if isinstance(message.string, str) else tuple(message.string)
        english = " / ".join(PLACEHOLDER.sub("", text) for text in ids)
        swahili = " / ".join(PLACEHOLDER.sub("", text) for text in forms)
        yield message, english, swahili


def _singular(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _search(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


def _exceptions(rule: dict[str, Any]) -> set[str]:
    return {entry["english"] for entry in rule.get("unless", [])}


def _describe(message: Message, swahili: str) -> str:
    context = f"[{message.context}] " if message.context else ""
    return f"  {context}{_singular(message)!r}\n      => {swahili!r}"


@pytest.mark.parametrize("rule", glossary()["term"], ids=lambda rule: rule["concept"])
def test_each_concept_has_its_one_swahili_term(rule: dict[str, Any]) -> None:
    """Every message whose English names the concept uses the glossary's Swahili term for it."""
    wrong = [
        _describe(message, swahili)
        for message, english, swahili in swahili_messages()
        if _search(rule["english"], english)
        and not _search(rule["swahili"], swahili)
        and _singular(message) not in _exceptions(rule)
    ]
    assert not wrong, f"these should say {rule['swahili']!r} for {rule['concept']!r}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("rule", glossary()["word"], ids=lambda rule: rule["concept"])
def test_a_word_kept_for_one_concept_is_used_for_nothing_else(rule: dict[str, Any]) -> None:
    """A word the glossary keeps for one concept appears only in messages about that concept."""
    wrong = [
        _describe(message, swahili)
        for message, english, swahili in swahili_messages()
        if _search(rule["swahili"], swahili)
        and not _search(rule["english"], english)
        and _singular(message) not in _exceptions(rule)
    ]
    assert not wrong, f"{rule['swahili']!r} is kept for {rule['concept']!r}; {rule['note']}\n" + "\n".join(wrong)


@pytest.mark.parametrize("rule", glossary()["forbidden"], ids=lambda rule: rule["swahili"])
def test_no_translation_uses_a_forbidden_word(rule: dict[str, Any]) -> None:
    wrong = [
        _describe(message, swahili)
        for message, _english, swahili in swahili_messages()
        if _search(rule["swahili"], swahili)
    ]
    assert not wrong, f"{rule['why']}\n" + "\n".join(wrong)


def test_labels_over_counts_are_plural_and_relative() -> None:
    """Every message in a context of the glossary (a count) follows its pattern."""
    contexts = glossary()["context"]
    found = [(message, swahili) for message, _english, swahili in swahili_messages() if message.context in contexts]
    assert {message.context for message, _swahili in found} == set(contexts)
    wrong = [
        _describe(message, swahili)
        for message, swahili in found
        if not re.search(contexts[message.context]["swahili"], swahili)
    ]
    assert not wrong, "labels over counts are plural and relative (Zilizopokelewa, Zinazosubiri):\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    "label", glossary()["label"], ids=lambda label: f"{label.get('context', '')}:{label['english']}".lstrip(":")
)
def test_pinned_labels_keep_their_translation(label: dict[str, Any]) -> None:
    entry = catalogue("sw").get(label["english"], context=label.get("context"))
    assert entry is not None, f"{label['english']!r} is no longer a message: update glossary.toml"
    assert entry.string == label["swahili"]


def test_the_rules_catch_what_the_issue_named() -> None:
    """The rules reject the slips found in the catalogue before (each still matches its rule)."""
    forbidden = [rule["swahili"] for rule in glossary()["forbidden"]]
    for slip in (
        "Zinadaiwa leo",
        "Asilimia 90, jibu la kwanza",
        "Muda wa taasisi kujibu umesimama hadi utakapotuma maelezo iliyoomba.",
        "kabla ya muda aliyoahidiwa mwananchi",
        "tangu ziliwasilishwa",
        "viongozi wa usimamizi",
    ):
        assert any(_search(pattern, slip) for pattern in forbidden), slip
    description = next(rule for rule in glossary()["word"] if rule["concept"] == "description")
    assert _search(description["swahili"], "Ongeza maelezo") and not _search(description["english"], "Add information")
