"""Development only: /dev/barua shows the e-mails and SMS the service sent, caught on this computer, and the SMS
phones sent it (the phone channels build on notifications, so the page lives here). It exists only when the
application runs in debug mode (or DEV_MAIL_PAGE is set), never in production."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, render_template_string
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from wananchi.extensions import db
from wananchi.notifications.devmail import SHOWN, SMS_FILE, caught_mail, caught_sms, mail_folder
from wananchi.phone.models import InboundSms

bp = Blueprint("devmail", __name__, url_prefix="/dev")


PAGE = """{% extends "base.html" %}
{% block title %}{{ _("Caught messages") }}{% endblock %}
{% block content %}
<h1>{{ _("Caught messages") }}</h1>
<p class="notice">{{ _("Development only: the e-mails and SMS the service sent, caught on this computer.") }}
  <code>{{ folder }}</code>, <code>{{ sms_path }}</code></p>
<h2>{{ _("E-mail") }}</h2>
{% for mail in mails %}
<article class="caught">
  <h3>{{ mail.subject }}</h3>
  <p class="meta">{{ mail.recipient }} · {{ mail.delivered_at|local_datetime }}</p>
  <pre>{{ mail.text|urlize }}</pre>
</article>
{% else %}
<p>{{ _("No e-mail yet. Is the catcher running (make run starts it)?") }}</p>
{% endfor %}
<h2>{{ _("SMS received from phones") }}</h2>
{% for sms in inbound %}
<article class="caught">
  <p class="meta">{{ sms.phone }} → {{ sms.to }} · {{ sms.received_at|local_datetime }} · {{ sms.outcome }}</p>
  <pre>{{ sms.text }}</pre>
</article>
{% else %}
<p>{{ _("No SMS received yet. Send one with flask --app wsgi wananchi phone.") }}</p>
{% endfor %}
<h2>{{ _("SMS") }}</h2>
{% for sms in sms_messages %}
<article class="caught">
  <p class="meta">{{ sms.recipient }}</p>
  <pre>{{ sms.text|urlize }}</pre>
</article>
{% else %}
<p>{{ _("No SMS yet.") }}</p>
{% endfor %}
{% endblock %}
"""


@bp.get("/barua")
def messages() -> ResponseReturnValue:
    """The caught e-mails and SMS, newest first, so the person running the demo can read them."""
    folder = mail_folder(current_app)
    sms_path = Path(current_app.instance_path) / SMS_FILE
    inbound = db.session.scalars(select(InboundSms).order_by(InboundSms.id.desc()).limit(SHOWN))
    return render_template_string(
        PAGE,
        mails=caught_mail(folder),
        sms_messages=caught_sms(sms_path),
        inbound=list(inbound),
        folder=folder,
        sms_path=sms_path,
    )


def register_dev_mail_page(app: Flask) -> None:
    """Add /dev/barua in debug mode or when DEV_MAIL_PAGE is set; production never has it."""
    if app.debug or app.config.get("DEV_MAIL_PAGE"):
        app.register_blueprint(bp)
