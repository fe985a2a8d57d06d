"""Home page, the language switch, and a health check for load balancers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlalchemy import text

from wananchi.extensions import db
from wananchi.tickets.labels import TYPE_HINTS, TYPE_LABELS

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    """What the service is, and the two things a citizen comes to do."""
    return render_template("pages/home.html", type_labels=TYPE_LABELS, type_hints=TYPE_HINTS)


def _safe_next(target: str | None) -> str:
    """A local path to return to; anything pointing elsewhere becomes the home page."""
    if not target:
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.home")
    return target


@bp.get("/lugha/<language>")
def set_language(language: str):
    """Switch the interface language and remember the choice for a year."""
    response = redirect(_safe_next(request.args.get("next")))
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


@bp.get("/healthz")
def health():
    """Answers 200 when the database answers."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
