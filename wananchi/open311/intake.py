"""Reading a GeoReport POST into a ticket submission, with the web form's rules for the text."""

from __future__ import annotations

import math

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from wananchi.core.contact import InvalidContact, normalise_email, normalise_phone
from wananchi.extensions import db
from wananchi.institutions.models import Category, District
from wananchi.open311.serializers import TICKET_TYPES
from wananchi.tickets.models import Channel, Identity
from wananchi.tickets.references import new_submission_key
from wananchi.tickets.services import Submission

SUBJECT_MIN, SUBJECT_MAX = 5, 150
DESCRIPTION_MIN, DESCRIPTION_MAX = 20, 5000
NAME_MAX = 120
PLACE_MAX = 200  # address_string: the ticket's place, as the web form's
EXTRA_MAX = 500  # media_url
# The extension attribute of the citizen's consent to publication (see the service definitions): off unless "true".
CONSENT_ATTRIBUTE = "attribute[publication_consent]"
CONSENT_VALUES = {"": False, "false": False, "true": True}


class Open311Error(Exception):
    """A request the API refuses; `description` is already translated."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _field(form: MultiDict[str, str], name: str) -> str:
    return (form.get(name) or "").strip()


def active_category(code: str) -> Category | None:
    """The active category with this service code, if any."""
    if not code or len(code) > 60:
        return None
    return db.session.scalar(select(Category).where(Category.code == code, Category.is_active.is_(True)))


def subject_from(description: str) -> str:
    """A subject for a ticket that has none: its first line, or its first words, within 5-150 characters."""
    lines = description.splitlines()
    first_line = " ".join(lines[0].split()) if lines else ""
    text = first_line if len(first_line) >= SUBJECT_MIN else " ".join(description.split())
    if len(text) <= SUBJECT_MAX:
        return text
    cut = text[: SUBJECT_MAX - 1]
    if " " in cut[SUBJECT_MIN:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"


def _coordinate(form: MultiDict[str, str], name: str, limit: float) -> float | None:
    raw = _field(form, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > limit:
        raise Open311Error(400, _("%(field)s must be a number in degrees (WGS84).", field=name))
    return value


def _description(form: MultiDict[str, str]) -> str:
    description = _field(form, "description")
    if len(" ".join(description.split())) < DESCRIPTION_MIN or len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, _("The description must be between 20 and 5,000 characters."))
    media_url = _field(form, "media_url")
    if len(media_url) > EXTRA_MAX:
        raise Open311Error(400, _("media_url may be at most 500 characters."))
    if media_url:
        return "\n\n".join([description, _("Media: %(url)s", url=media_url)])
    return description


def _place(form: MultiDict[str, str]) -> tuple[str | None, float | None, float | None]:
    """The ticket's place (address_string) and coordinates (lat and long, kept only together), as the web form's."""
    address = " ".join(_field(form, "address_string").split())
    if len(address) > PLACE_MAX:
        raise Open311Error(400, _("address_string may be at most 200 characters."))
    lat, long = _coordinate(form, "lat", 90), _coordinate(form, "long", 180)
    if lat is None or long is None:
        lat = long = None
    return address or None, lat, long


def _contact(form: MultiDict[str, str]) -> tuple[Identity, str | None, str | None, str | None]:
    name = " ".join(f"{_field(form, 'first_name')} {_field(form, 'last_name')}".split())
    if len(name) > NAME_MAX:
        raise Open311Error(400, _("The name may be at most 120 characters."))
    email = phone = None
    try:
        email = normalise_email(_field(form, "email")) if _field(form, "email") else None
    except InvalidContact:
        raise Open311Error(400, _("Write a valid e-mail address, for example name@example.go.tz.")) from None
    try:
        phone = normalise_phone(_field(form, "phone")) if _field(form, "phone") else None
    except InvalidContact:
        raise Open311Error(400, _("Write a valid phone number, for example 0712 345 678.")) from None
    if name and (email or phone):
        return Identity.NAMED, name, email, phone
    return Identity.ANONYMOUS, None, None, None


def _consent(form: MultiDict[str, str]) -> bool:
    raw = _field(form, CONSENT_ATTRIBUTE).lower()
    if raw not in CONSENT_VALUES:
        raise Open311Error(400, _("attribute[publication_consent] must be true or false."))
    return CONSENT_VALUES[raw]


def read_submission(form: MultiDict[str, str], language: str) -> Submission:
    """The submission a POST describes; Open311Error (400 or 404) when it cannot be one.

    Open311 has no idempotency key, so each POST gets a fresh random submission key: a client
    that retries a POST whose answer it lost creates a second ticket.
    """
    code = _field(form, "service_code")
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = active_category(code)
    if category is None:
        raise Open311Error(404, _("There is no service with the code %(code)s.", code=code[:60]))
    ticket_type = TICKET_TYPES.get(_field(form, "attribute[ticket_type]"))
    if ticket_type is None:
        raise Open311Error(
            400, _("attribute[ticket_type] is required: one of swali, lalamiko, pendekezo, maoni, pongezi.")
        )
    district_code = _field(form, "attribute[district]")
    district = None
    if district_code:
        district = db.session.scalar(select(District).where(District.code == district_code[:60]))
        if district is None:
            raise Open311Error(400, _("attribute[district] is not a district code listed for this service."))
    elif category.is_local:
        raise Open311Error(400, _("attribute[district] is required for this service: it is provided by councils."))
    description = _description(form)
    place, latitude, longitude = _place(form)
    identity, name, email, phone = _contact(form)
    consent = _consent(form)
    return Submission(
        type=ticket_type,
        category=category,
        district=district,
        subject=subject_from(_field(form, "description")),
        description=description,
        identity=identity,
        name=name,
        email=email,
        phone=phone,
        language=language,
        channel=Channel.API,
        submission_key=new_submission_key(),
        publication_consent=consent,
        place=place,
        latitude=round(latitude, 6) if latitude is not None else None,
        longitude=round(longitude, 6) if longitude is not None else None,
    )
