"""Open311 fixtures: the world committed for a live server, integration keys, and an HTTP client over urllib."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

import pytest

from tests.world import World, build_world
from wananchi.api.models import SCOPE_READ, SCOPE_WRITE
from wananchi.api.tokens import create_integration_key, revoke_integration_key


@dataclass
class Answer:
    """One HTTP answer: status, content type and body."""

    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        assert self.content_type.startswith("application/json"), self.content_type
        return json.loads(self.body)

    def xml(self) -> ET.Element:
        """The body as an XML element tree."""
        assert self.content_type.startswith("text/xml"), self.content_type
        return ET.fromstring(self.body)  # noqa: S314 - our own server's answer, on loopback


class Open311Client:
    """Real HTTP requests to the live server's /open311/v2/."""

    def __init__(self, base: str) -> None:
        self.base = base + "/open311/v2/"

    def call(
        self,
        method: str,
        path: str,
        data: dict[str, str] | bytes | None = None,
        *,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Send one request; error statuses are answers too."""
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the live server's http URL
                return Answer(response.status, response.headers.get("Content-Type", ""), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers.get("Content-Type", ""), error.read())

    def get(self, path: str, **query: str) -> Answer:
        """GET with query parameters."""
        return self.call("GET", path, query=query or None)

    def post(self, path: str, data: dict[str, str], **headers: str) -> Answer:
        """POST a form."""
        return self.call("POST", path, data, headers=headers)


@dataclass
class Keys:
    write: str
    read_only: str
    revoked: str
    agency_write: str  # the agency's: a key submits only its institution's services, or tickets routed to it


@pytest.fixture
def world(db) -> World:
    """The shared institution tree, committed so that the live server sees it."""
    built = build_world()
    db.session.commit()
    return built


@pytest.fixture
def keys(db, world: World) -> Keys:
    """Integration keys issued to the council: one that may write, one read-only, one revoked; and the agency's."""
    _write, write = create_integration_key(world.council, "Programu ya simu", [SCOPE_READ, SCOPE_WRITE], actor=None)
    _read, read_only = create_integration_key(world.council, "Dashibodi", [SCOPE_READ], actor=None)
    revoked_key, revoked = create_integration_key(world.council, "Ya zamani", [SCOPE_WRITE], actor=None)
    revoke_integration_key(revoked_key)
    _agency, agency_write = create_integration_key(world.agency, "Mfumo wa DAWASA", [SCOPE_WRITE], actor=None)
    db.session.commit()
    return Keys(write, read_only, revoked, agency_write)


@pytest.fixture
def api(live_server: str) -> Open311Client:
    """A client of the live server's Open311 endpoints."""
    return Open311Client(live_server)


def xml_record(element: ET.Element) -> dict[str, str | None]:
    """An XML record's leaf fields by tag, empty elements as None."""
    return {child.tag: (child.text or None) for child in element if len(child) == 0}


def json_record(record: dict[str, Any]) -> dict[str, str | None]:
    """A JSON record's scalar fields written as XML writes them."""

    def text(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return {key: text(value) for key, value in record.items() if not isinstance(value, list | dict)}
