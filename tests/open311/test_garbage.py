"""No input makes the Open311 endpoints fail: every refusal is the spec's error list, never a 500 (dates out of the
calendar, ids of 2^31 and 2^63, line breaks and JSON nested a thousand deep included)."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from tests.open311.conftest import Keys, Open311Client
from tests.world import World

pytestmark = pytest.mark.slow

GARBAGE_VALUES = [
    "",
    " ",
    "'; DROP TABLE ticket; --",
    "<x>&amp;</x>",
    "\u202e\u0001\u0007",
    "🙂" * 300,
    "9" * 5000,
    "%00",
    "WN-2026-" + "9" * 40,
    "1e999",
    "-0",
    "null",
    "[]",
    "{}",
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59+03:00",
    "-0001-01-01",
    str(2**31),
    str(2**63),
    "-" + str(2**63),
    "WN-2026-" + str(2**63),
    "mstari\r\nMwingine: x",
    "\r\n",
]
DEEP_JSON = ("[" * 1000 + "]" * 1000).encode()


def _check(answer_status: int, content_type: str, body: bytes) -> None:
    assert answer_status < 500, body
    if answer_status >= 400:
        if content_type.startswith("application/json"):
            (error,) = json.loads(body)
            assert error["code"] == answer_status and error["description"]
        else:
            assert content_type.startswith("text/xml"), (content_type, body[:600])
            assert b"<errors><error><code>" + str(answer_status).encode() in body


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_garbage_queries_never_fail(api: Open311Client, world: World, fmt: str) -> None:
    for value in GARBAGE_VALUES:
        for name in ("service_request_id", "service_code", "start_date", "end_date", "status", "jurisdiction_id"):
            answer = api.get(f"requests.{fmt}", **{name: value})
            _check(answer.status, answer.content_type, answer.body)
        segment = urllib.parse.quote(value, safe="")
        for path in (f"requests/{segment}.{fmt}", f"services/{segment}.{fmt}"):
            answer = api.call("GET", path)
            _check(answer.status, answer.content_type, answer.body)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_garbage_posts_never_fail(
    api: Open311Client, app, world: World, keys: Keys, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "OPEN311_SUBMIT_RATE_LIMIT", "1000 per minute")
    fields = [
        "api_key",
        "service_code",
        "attribute[ticket_type]",
        "attribute[district]",
        "description",
        "email",
        "phone",
        "first_name",
        "lat",
        "long",
        "address_string",
        "media_url",
    ]
    base = {
        "api_key": keys.agency_write,
        "service_code": "maji-bili",
        "attribute[ticket_type]": "maoni",
        "description": "Maoni kuhusu huduma ya maji katika eneo letu.",
    }
    for value in GARBAGE_VALUES:
        for name in fields:
            answer = api.post(f"requests.{fmt}", {**base, name: value})
            _check(answer.status, answer.content_type, answer.body)
    for body, content_type in (
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b'{"service_code": "maji-bili"}', "application/json"),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        (b"api_key=%00&service_code=%zz", "application/x-www-form-urlencoded"),
        (DEEP_JSON, "application/json"),
        (b'{"api_key": ' * 1000 + b"1" + b"}" * 1000, "application/json"),
    ):
        answer = api.call("POST", f"requests.{fmt}", body, headers={"Content-Type": content_type})
        _check(answer.status, answer.content_type, answer.body)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_deeply_nested_json_is_refused_in_the_spec_format(api: Open311Client, world: World, keys: Keys, fmt: str):
    """Open311 POST takes a form, never JSON: a JSON body, however deep, is not read and the key is missing."""
    for query in ({}, {"api_key": keys.write}):
        answer = api.call(
            "POST", f"requests.{fmt}", DEEP_JSON, query=query, headers={"Content-Type": "application/json"}
        )
        assert answer.status in (400, 403), answer.body
        _check(answer.status, answer.content_type, answer.body)


def test_nul_bytes_are_refused_in_the_spec_format(api: Open311Client, world: World) -> None:
    answer = api.get("requests.xml", status="open\x00")
    assert answer.status == 400
    assert answer.xml().findtext("error/code") == "400"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "nothing.json", 404),
        ("GET", "services.html", 404),
        ("GET", "services", 404),
        ("DELETE", "requests.json", 405),
        ("PUT", "services.xml", 405),
        ("POST", "services.json", 405),
        ("POST", "requests/WN-2026-000001.json", 405),
    ],
)
def test_unknown_paths_and_methods(api: Open311Client, world: World, method: str, path: str, status: int) -> None:
    answer = api.call(method, path, b"" if method != "GET" else None)
    assert answer.status == status
    _check(answer.status, answer.content_type, answer.body)


def test_xml_stays_well_formed_with_control_characters(api: Open311Client, world: World, keys: Keys) -> None:
    description = 'Maelezo yenye herufi za ajabu \u0001\u0008 <b>&</b> "\'" ndani yake.'
    answer = api.post(
        "requests.json",
        {
            "api_key": keys.agency_write,
            "service_code": "maji-bili",
            "attribute[ticket_type]": "maoni",
            "description": description,
            "first_name": "Asha",
            "email": "asha@example.co.tz",
            "attribute[publication_consent]": "true",
        },
    )
    assert answer.status == 200
    reference = answer.json()[0]["service_request_id"]
    record = api.get(f"requests/{reference}.xml").xml().find("request")
    assert record is not None
    assert record.findtext("description") == 'Maelezo yenye herufi za ajabu  <b>&</b> "\'" ndani yake.'


def test_rate_limited_per_address_in_the_spec_format(
    api: Open311Client, app, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT", "3 per minute")
    statuses = [api.get("services.xml").status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    answer = api.get("services.xml")
    assert answer.xml().findtext("error/code") == "429"
    monkeypatch.setitem(app.config, "OPEN311_SUBMIT_RATE_LIMIT", "1 per minute")
    assert api.post("requests.json", {"service_code": "maji-bili"}).status == 403
    (error,) = api.post("requests.json", {"service_code": "maji-bili"}).json()
    assert error["code"] == 429
