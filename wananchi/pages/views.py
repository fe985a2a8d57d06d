"""Home page, help and contact, the privacy notice and accessibility statement, the language switch, and a health
check for load balancers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlalchemy import select, text

from wananchi.core.i18n import remember_language
from wananchi.extensions import db
from wananchi.privacy.models import RetentionPeriod
from wananchi.tickets.labels import TYPE_HINTS, TYPE_LABELS
from wananchi.tickets.models import CITIZEN_TYPES

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    """What the service is, and the two things a citizen comes to do."""
    type_labels = {ticket_type: TYPE_LABELS[ticket_type] for ticket_type in CITIZEN_TYPES}
    return render_template("pages/home.html", type_labels=type_labels, type_hints=TYPE_HINTS)


@bp.get("/msaada", endpoint="help")
def help_and_contact():
    """How to do what citizens come to do (Nifanyeje), and whom to contact."""
    return render_template("pages/help.html")


@bp.get("/faragha")
def privacy():
    """The privacy notice: what is kept, for how long, who sees it, and the citizen's rights under the Personal Data
    Protection Act 2022."""
    hours = int(current_app.config["KEPT_UPLOAD_MAX_AGE"].total_seconds() // 3600)
    return render_template(
        "pages/privacy.html",
        retention_days=current_app.config["PERSONAL_DATA_RETENTION_DAYS"],
        periods=db.session.scalars(
            select(RetentionPeriod).order_by(RetentionPeriod.institution_id, RetentionPeriod.id)
        ),
        type_labels=TYPE_LABELS,
        kept_upload_hours=hours,
        inbound_sms_days=current_app.config["INBOUND_SMS_RETENTION_DAYS"],
        opt_out_days=current_app.config["SMS_OPT_OUT_RETENTION_DAYS"],
        grant_hours=current_app.config["TRACKING_GRANT_SECONDS"] // 3600,
    )


@bp.get("/upatikanaji")
def accessibility():
    """The accessibility statement: what the service does for every user, what it does not yet, whom to tell."""
    return render_template("pages/accessibility.html")


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
    return remember_language(redirect(_safe_next(request.args.get("next"))), language)


@bp.get("/healthz")
def health():
    """Answers 200 when the database answers; Redis is never asked, even by the rate limiter
    (wananchi.extensions.PROBES)."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
