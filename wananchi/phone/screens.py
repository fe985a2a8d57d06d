"""USSD screens: what fits a basic phone's 182 characters, numbered choices, and lists paged with "98 Zaidi"."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

MORE, BACK = "98", "0"
NOTICE_ROOM = 34  # every screen leaves room for a short notice above it ("Wrong choice."), so pages never move
LONGEST_ITEM = 48  # a longer name is cut, with "..."


@dataclass(frozen=True)
class Screen:
    """One USSD answer: its text, and whether the session ends with it."""

    text: str
    end: bool = False

    def body(self) -> str:
        """The answer as the gateway expects it: "CON " to continue, "END " to finish."""
        return ("END " if self.end else "CON ") + self.text


def option(number: str, label: str) -> str:
    """One numbered line of a menu: "2. Wasilisha hoja"."""
    return f"{number}. {label}"


def back_line() -> str:
    """The line that goes back one screen: "0. Rudi"."""
    return option(BACK, _("Back"))


def more_line() -> str:
    """The line that shows the next page of a list: "98. Zaidi"."""
    return option(MORE, _("More"))


def limit() -> int:
    """Characters of one whole answer, "CON "/"END " included."""
    return int(current_app.config["USSD_SCREEN_LIMIT"])


def shorten(text: str, most: int) -> str:
    """`text` on one line and at most `most` characters, cut at a word with "..." when it is longer."""
    text = " ".join(text.split())
    if len(text) <= most:
        return text
    cut = text[: max(0, most - 3)]
    if " " in cut[most // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "..."


def with_notice(screen: Screen, notice: str | None) -> Screen:
    """The screen with a short notice above it (an answer not on the menu, text too short)."""
    if not notice:
        return screen
    return Screen(f"{shorten(notice, NOTICE_ROOM - 1)}\n{screen.text}", screen.end)


def fit(text: str, *, end: bool = False) -> Screen:
    """A screen of free-form lines, cut to what a phone shows (leaving room for a notice unless it ends)."""
    room = limit() - 4 - (0 if end else NOTICE_ROOM)
    return Screen(text if len(text) <= room else shorten(text, room), end)


def menu(title: str, options: list[tuple[str, str]], *, back: bool = True) -> Screen:
    """A screen with a title and numbered options, [(number, label)], and "0 Rudi" unless `back` is False."""
    lines = [title, *(option(number, label) for number, label in options)]
    if back:
        lines.append(back_line())
    return fit("\n".join(lines))


def pages(title: str, labels: list[str], *, back: bool = True) -> list[list[int]]:
    """The items of a long list split into screens, each as full as fits (numbers run on from page to page).

    Every page but the last ends with "98 Zaidi" (more); each has "0 Rudi" (back) when `back`.
    """
    room = limit() - 4 - NOTICE_ROOM
    more = len(more_line()) + 1
    back_room = len(back_line()) + 1 if back else 0
    found: list[list[int]] = []
    page: list[int] = []
    used = len(title) + back_room
    for index, label in enumerate(labels):
        line = len(option(str(index + 1), shorten(label, LONGEST_ITEM))) + 1
        remaining_after = index + 1 < len(labels)
        if page and used + line + (more if remaining_after else 0) > room:
            found.append(page)
            page, used = [], len(title) + back_room
        page.append(index)
        used += line
    found.append(page)
    return found


def paged_menu(title: str, labels: list[str], page_number: int, *, back: bool = True) -> Screen:
    """One page of a long list: its items, "98 Zaidi" when more follow, "0 Rudi"."""
    split = pages(title, labels, back=back)
    page_number = min(max(page_number, 0), len(split) - 1)
    lines = [title, *(option(str(index + 1), shorten(labels[index], LONGEST_ITEM)) for index in split[page_number])]
    if page_number + 1 < len(split):
        lines.append(more_line())
    if back:
        lines.append(back_line())
    return Screen("\n".join(lines))


def page_count(title: str, labels: list[str], *, back: bool = True) -> int:
    """How many screens a list takes."""
    return len(pages(title, labels, back=back))


def on_page(title: str, labels: list[str], page_number: int, answer: str, *, back: bool = True) -> int | None:
    """The index of the item `answer` chooses on a page (its number as shown), or None."""
    split = pages(title, labels, back=back)
    page_number = min(max(page_number, 0), len(split) - 1)
    if not answer.isdigit():
        return None
    index = int(answer) - 1
    return index if index in split[page_number] else None
