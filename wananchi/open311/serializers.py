"""GeoReport v2 documents: the fields of services, definitions and requests, written as JSON or XML."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, jsonify
from flask_babel import format_date
from flask_babel import gettext as _

from wananchi.core.i18n import localized_name
from wananchi.institutions.models import Category, District
from wananchi.tickets.models import MessageKind, Ticket, TicketType

LOCAL_TIME = ZoneInfo("Africa/Dar_es_Salaam")
XML_CONTENT_TYPE = "text/xml; charset=utf-8"

# The ticket_type attribute's keys, in the words citizens use (GLOSSARY.md).
TICKET_TYPES = {
    "swali": TicketType.QUESTION,
    "lalamiko": TicketType.COMPLAINT,
    "pendekezo": TicketType.SUGGESTION,
    "maoni": TicketType.OPINION,
    "pongezi": TicketType.COMMENDATION,
}

# The element each item of a list is written as in XML.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# XML 1.0 cannot carry most control characters, whatever the escaping; they are left out of XML answers.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Document = dict[str, Any] | list[dict[str, Any]]


def w3c_datetime(value: dt.datetime | None) -> str | None:
    """An instant as a W3C date-time in Tanzanian time, e.g. 2026-03-20T09:15:00+03:00."""
    return value.astimezone(LOCAL_TIME).isoformat(timespec="seconds") if value is not None else None


def _xml_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _append(parent: ET.Element, tag: str, value: Any) -> None:
    element = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child)
    elif isinstance(value, list):
        for item in value:
            _append(element, XML_ITEMS[tag], item)
    else:
        element.text = _xml_text(value)


def render(document: Document, root: str, fmt: str, status: int = 200) -> Response:
    """A document as JSON, or as XML under the element `root`."""
    if fmt == "json":
        response = jsonify(document)
    else:
        element = ET.Element(root)
        if isinstance(document, list):
            for item in document:
                _append(element, XML_ITEMS[root], item)
        else:
            for key, value in document.items():
                _append(element, key, value)
        body = ET.tostring(element, encoding="utf-8", xml_declaration=True)
        response = Response(body, content_type=XML_CONTENT_TYPE)
    response.status_code = status
    response.vary.add("Accept-Language")
    return response


def render_error(code: int, description: str, fmt: str) -> Response:
    """The spec's error list, with the same HTTP status."""
    return render([{"code": code, "description": description}], "errors", fmt, code)


def service(category: Category) -> dict[str, Any]:
    """A category as an entry of the services list."""
    institution = category.institution
    return {
        "service_code": category.code,
        "service_name": localized_name(category),
        "description": _(
            "%(service)s, answered by %(institution)s.",
            service=localized_name(category),
            institution=localized_name(institution),
        ),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(k for k in (institution.short_name, category.code, institution.slug) if k),
        "group": localized_name(institution),
    }


def service_definition(category: Category, districts: list[District]) -> dict[str, Any]:
    """The attributes a request for this category takes: the ticket type and the district."""
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "ticket_type",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": _("Choose one: swali, lalamiko, pendekezo, maoni or pongezi."),
                "order": 1,
                "description": _("Type of ticket"),
                "values": [{"key": key, "name": key} for key in TICKET_TYPES],
            },
            {
                "variable": True,
                "code": "district",
                "datatype": "singlevaluelist",
                "required": category.is_local,
                "datatype_description": (
                    _("Choose the district where you receive this service.")
                    if category.is_local
                    else _("Optional: the district the matter concerns.")
                ),
                "order": 2,
                "description": _("District"),
                "values": [
                    {"key": district.code, "name": f"{district.name} ({district.region.name})"}
                    for district in districts
                ],
            },
            {
                "variable": True,
                "code": "publication_consent",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _(
                    "Ask the citizen, separately: true if they agree that the text of the ticket and the answer may "
                    "be published without their personal details; false (the default) if they do not."
                ),
                "order": 3,
                "description": _("Consent to publication"),
                "values": [
                    {"key": "true", "name": _("Yes: the text and the answer may be published")},
                    {"key": "false", "name": _("No: nothing the citizen wrote is published")},
                ],
            },
        ],
    }


def _status_notes(ticket: Ticket) -> str | None:
    replies = [message for message in ticket.messages if message.kind == MessageKind.REPLY]
    return replies[-1].body if replies else None


def _expected_notice(ticket: Ticket) -> str | None:
    if not ticket.is_open or ticket.resolution_due_at is None:
        return None
    return _(
        "%(institution)s aims to resolve this by %(date)s.",
        institution=localized_name(ticket.institution),
        date=format_date(ticket.resolution_due_at, "long"),
    )


def _address(ticket: Ticket, published: bool) -> str | None:
    """The district and region, after the place the citizen wrote when the ticket's text is published."""
    district = ticket.district
    parts = [ticket.place if published else None, f"{district.name}, {district.region.name}" if district else None]
    return ", ".join(part for part in parts if part) or None


def service_request(ticket: Ticket) -> dict[str, Any]:
    """A ticket as a service request: never the citizen's name, e-mail address or phone number.

    Open311 publishes what it lists to anyone. The ticket's description and the latest reply are published only
    when the ticket's text is public (`Ticket.text_is_public`: its citizen consented, and did not send it
    anonymously), whatever channel it came through; a contact-hidden ticket that consented is published too, since
    its contact never is. Otherwise only the metadata: the reference, service, institution, status, dates and
    the district. The place the citizen wrote and the coordinates they shared are published with the text only:
    a street, a village or a phone's position can tell who sent it.
    """
    district = ticket.district
    published = ticket.text_is_public
    return {
        "service_request_id": ticket.reference,
        "status": "open" if ticket.is_open else "closed",
        "status_notes": _status_notes(ticket) if published else None,
        "service_name": localized_name(ticket.category) if ticket.category else None,
        "service_code": ticket.category.code if ticket.category else None,
        "description": ticket.description if published else None,
        "agency_responsible": localized_name(ticket.institution),
        "service_notice": _expected_notice(ticket),
        "requested_datetime": w3c_datetime(ticket.created_at),
        "updated_datetime": w3c_datetime(ticket.updated_at),
        "expected_datetime": w3c_datetime(ticket.resolution_due_at),
        "address": _address(ticket, published),
        "address_id": district.code if district else None,
        "zipcode": None,
        "lat": ticket.latitude if published else None,
        "long": ticket.longitude if published else None,
        "media_url": None,
    }
