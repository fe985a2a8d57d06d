"""Template helpers: names in the page's language, dates in Dar es Salaam time, the language switch."""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, request, url_for
from flask_babel import format_date, format_datetime, format_decimal

from wananchi.core.i18n import current_language, localized_name
from wananchi.core.numbers import percent_text


def language_switch_url(language: str) -> str:
    """A link that switches to `language` and comes back to this page."""
    here = request.full_path if request.query_string else request.path
    if request.method != "GET":
        here = request.path
    return url_for("pages.set_language", language=language, next=here)


def local_datetime(value: dt.datetime | None) -> str:
    """An instant as a reader in Tanzania writes it, in the page's language."""
    return format_datetime(value, "d MMMM y, HH:mm") if value else ""


def local_date(value: dt.datetime | dt.date | None) -> str:
    """A date in the page's language."""
    return format_date(value, "d MMMM y") if value else ""


def map_link(latitude: float | None, longitude: float | None) -> str | None:
    """The address of a place on the configured map site (MAP_LINK), or None without coordinates."""
    if latitude is None or longitude is None:
        return None
    return str(current_app.config["MAP_LINK"]).format(lat=f"{latitude:.6f}", lon=f"{longitude:.6f}")


def feedback_url() -> str:
    """The submit form, set for an opinion about this service (FEEDBACK_CATEGORY) or, without one, for the triage
    desk: feedback on Wananchi itself goes through Wananchi."""
    return url_for("tickets.submit", aina="opinion", huduma=current_app.config["FEEDBACK_CATEGORY"] or "sijui")


def init_templating(app: Flask) -> None:
    """Register the helpers every template may use; each domain adds its own (its `init_app`)."""
    app.jinja_env.globals.update(
        localized_name=localized_name,
        current_language=current_language,
        language_switch_url=language_switch_url,
        map_link=map_link,
        feedback_url=feedback_url,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        local_datetime=local_datetime, local_date=local_date, number=format_decimal, percent=percent_text
    )
    app.jinja_env.tests["date"] = lambda value: isinstance(value, dt.date)
