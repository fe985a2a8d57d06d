"""Rendering a notification in the recipient's language from templates/notifications/<event>/."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound

from wananchi.notifications.models import Channel
from wananchi.notifications.segments import fit_sms

if TYPE_CHECKING:
    from wananchi.tickets.models import Ticket

SMS_LIMIT = 160


@dataclass(frozen=True)
class Rendered:
    """A message in one language: e-mail subject, plain text and HTML bodies, and the SMS text."""

    subject: str
    text: str
    html: str | None
    sms: str

    def for_channel(self, channel: Channel) -> dict[str, str | None]:
        """The outbox's `subject`, `body_text` and `body_html` of this message sent on `channel`."""
        if channel == Channel.EMAIL:
            return {"subject": self.subject, "body_text": self.text, "body_html": self.html}
        return {"subject": "", "body_text": self.sms, "body_html": None}


UNRENDERED = Rendered(subject="", text="", html=None, sms="")  # a message rendered when it is sent


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link into the service for a message (the service's public address comes from PUBLIC_URL).

    Built with the URL map alone: no request context is pushed, so no request hooks run.
    """
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def tracking_url(ticket: Ticket) -> str:
    """Where the citizen follows `ticket`: the tracking page, with its reference filled in."""
    return public_url("tickets.track", ref=ticket.reference)


def _optional(name: str, context: dict[str, Any]) -> str | None:
    try:
        return render_template(name, **context).strip()
    except TemplateNotFound:
        return None


def render_notification(
    event: str, language: str, *, for_email: bool = True, for_sms: bool = True, **context: Any
) -> Rendered:
    """Render `event` in `language`; the SMS is kept to one 160-character message where possible (a reply or a
    request for information carries its text, in up to three: `fit_sms`).

    `for_email=False` or `for_sms=False` leaves that channel's parts empty, unrendered.
    """
    folder = f"notifications/{event}"
    with force_locale(language):
        context = {
            **context,
            "language": language,
            "fit_sms": fit_sms,
            "sms_short_code": current_app.config["SMS_SHORT_CODE"],
        }
        subject = " ".join(render_template(f"{folder}/subject.txt", **context).split())
        text = render_template(f"{folder}/body.txt", **context).strip() + "\n" if for_email else ""
        html = _optional(f"{folder}/body.html", context) if for_email else None
        sms_text = " ".join((_optional(f"{folder}/sms.txt", context) or subject).split()) if for_sms else ""
    return Rendered(subject=subject, text=text, html=html, sms=sms_text)
