"""The gateways' callbacks: POST /ussd (a USSD session's screens) and POST /sms/inbound (an SMS from a phone).

Machine callbacks, not forms: no CSRF token (no browser sends them), the gateway's shared secret in its place
(wananchi/phone/gateway.py), checked before anything else, limits included. Every refusal is a short plain message
in the phone's language, and nothing a phone sends gives a 500.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from redis.exceptions import RedisError

from wananchi.core.errors import OWN_INPUT_CHECKS
from wananchi.extensions import csrf, limiter
from wananchi.phone import sms, ussd
from wananchi.phone.gateway import calling_phone, configured, gateway_authenticated, per_phone
from wananchi.phone.screens import Screen
from wananchi.phone.state import state_store

bp = Blueprint("phone", __name__)
csrf.exempt(bp)
OWN_INPUT_CHECKS.add("phone")  # a NUL character is dropped here, not refused with an HTML page

MAX_FIELD = 2000  # longer than any USSD session's answers or SMS (concatenated) a phone can send
MAX_ID = 100


def _field(name: str) -> str:
    """A form field without NUL characters (no phone types one; PostgreSQL cannot store one)."""
    return request.form.get(name, "").replace("\x00", "")


def _plain(text: str, status: int = 200) -> Response:
    return Response(text, status=status, mimetype="text/plain")


def _ussd_end(text: str, status: int = 200) -> Response:
    return _plain(Screen(text, end=True).body(), status)


@bp.before_request
def _authenticate() -> Response | None:
    """Refuse a callback without the gateway's secret (or from outside its networks) before it counts anywhere."""
    setting = "USSD_GATEWAY_SECRET" if request.endpoint == "phone.ussd_callback" else "SMS_GATEWAY_SECRET"
    if gateway_authenticated(setting):
        return None
    current_app.logger.getChild("security").warning("gateway callback refused on %s: no valid secret", request.path)
    with force_locale("sw"):
        if request.endpoint == "phone.ussd_callback":
            return _ussd_end(_("This service is not available."), 403)
        return _plain(_("This service is not available."), 403)


def _ussd_limited(limit: RequestLimit) -> Response:
    return _ussd_end(_("You have used the service many times in a short while. Please try again later."))


def _sms_limited(limit: RequestLimit) -> Response:
    with force_locale(sms.language_of(request.form.get("text", "")[:MAX_FIELD])):
        return _plain(_("Too many messages from this phone. Please wait a while."), 429)


@bp.post("/ussd")
@limiter.limit(configured("USSD_GATEWAY_RATE_LIMIT"), key_func=lambda: "ussd-gateway", on_breach=_ussd_limited)
@limiter.limit(
    configured("USSD_PHONE_RATE_LIMIT"), key_func=per_phone("ussd-phone:", "phoneNumber"), on_breach=_ussd_limited
)
def ussd_callback() -> Response:
    """One screen of a USSD session: form fields sessionId, serviceCode, phoneNumber, networkCode, text."""
    session_id, text = _field("sessionId"), _field("text")
    phone = calling_phone("phoneNumber")
    if not session_id or len(session_id) > MAX_ID or phone is None or len(text) > MAX_FIELD:
        with force_locale("sw"):
            return _ussd_end(_("We could not read this request. Please dial again."))
    try:
        screen = ussd.take(session_id, phone, text, state_store())
    except RedisError:
        current_app.logger.warning("USSD session store unreachable", exc_info=True)
        with force_locale("sw"):
            return _ussd_end(_("The service is busy. Please dial again in a few minutes."))
    return _plain(screen.body())


@bp.post("/sms/inbound")
@limiter.limit(configured("SMS_GATEWAY_RATE_LIMIT"), key_func=lambda: "sms-gateway", on_breach=_sms_limited)
@limiter.limit(configured("SMS_PHONE_RATE_LIMIT"), key_func=per_phone("sms-phone:", "from"), on_breach=_sms_limited)
def sms_inbound() -> Response:
    """An SMS from a phone: form fields from, to, text, date, id, linkId. Stored once, whatever the gateway retries."""
    phone = calling_phone("from")
    gateway_id, text = _field("id"), _field("text")
    if phone is None or not gateway_id or len(gateway_id) > MAX_ID or len(text) > MAX_FIELD or not text.strip():
        with force_locale(sms.language_of(text[:MAX_FIELD])):
            return _plain(_("We could not read this message."), 400)
    link_id = _field("linkId") or None
    inbound = sms.Inbound(
        gateway_id=gateway_id,
        phone=phone,
        to=_field("to")[:20],
        text=text,
        link_id=link_id[:MAX_ID] if link_id else None,
    )
    sms.handle(inbound)
    return _plain("OK")
