"""Garbage for the JSON API: schemathesis against /api/v1/openapi.json (no server error, every answer matches its
schema; SQLite only), and hand-made garbage no generator writes on both databases: JSON nested a thousand deep,
dates out of the calendar, ids of 2^31 and 2^63, line breaks, in every parameter of every operation."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import api_submission, bearer, submit

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 100  # 14 operations (three take no input): over 1,000 cases in all
SHARDS = 2  # the operations are shared between two tests that pytest-xdist runs side by side


@pytest.mark.parametrize("shard", range(SHARDS))
def test_api_conforms(app, setting, backend, client, shard) -> None:
    """Every operation (this shard's half of them), with generated inputs (staff ones with a supervisor's token)."""
    if backend != "sqlite":
        pytest.skip("the fuzz run uses SQLite only")
    submit(client)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    cases: list[str] = []
    for operation in operations[shard::SHARDS]:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case: Any) -> None:
            # Uncompressed: schemathesis reads a WSGI answer's bytes as they come, and the service compresses
            # whatever a client accepts (tests/core/test_static.py covers that).
            headers = {"Accept-Encoding": "identity"}
            if "/staff/" in case.path:
                headers.update(bearer(setting.tokens["supervisor_a"]))
            response = case.call(headers=headers)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            cases.append(case.operation.label)

        run()
    print(f"schemathesis: {len(cases)} cases over {len(set(cases))} operations")
    assert len(cases) >= 1000 // SHARDS


# The operations that take a JSON body, found from the URL map (every POST of the two API blueprints).
JSON_BLUEPRINTS = ("api_public", "api_staff")
DEEP_BODIES = {
    "arrays": "[" * 1000 + "]" * 1000,
    "objects": '{"a": ' * 1000 + "1" + "}" * 1000,
    "one level too many": '{"subject": ' + "[" * 32 + "]" * 32 + "}",
}


def json_routes(app) -> list[str]:
    """The URL rules of every API operation that takes a JSON body."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in JSON_BLUEPRINTS and "POST" in (rule.methods or ())
    )


def test_deeply_nested_json_is_refused_on_every_json_route(app, client, setting) -> None:
    reference = submit(client).json["reference"]
    routes = json_routes(app)
    assert len(routes) == 9, routes
    for rule in routes:
        path = rule.replace("<reference>", reference)
        for name, body in DEEP_BODIES.items():
            for language, message in (
                ("sw", "Maudhui ya JSON yana ngazi nyingi mno ndani ya nyingine: zisizozidi 32."),
                ("en", "The JSON body nests too deeply: at most 32 levels."),
            ):
                answer = client.post(
                    path,
                    data=body,
                    content_type="application/json",
                    headers={**bearer(setting.tokens["supervisor_a"]), "Accept-Language": language},
                )
                assert answer.status_code == 400, (path, name, answer.json)
                assert answer.json["code"] == "bad_request" and answer.json["message"] == message


def test_json_nested_within_the_limit_reaches_the_operation(client, setting) -> None:
    nested = '{"subject": ' + "[" * 31 + "]" * 31 + "}"
    answer = client.post("/api/v1/tickets", data=nested, content_type="application/json")
    assert answer.status_code == 422 and "subject" in answer.json["errors"]


# Values no generator tries on purpose: dates out of every calendar, ids past 32 and 64 bits, line breaks.
GARBAGE: list[Any] = [
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59:59+03:00",
    "-0001-01-01",
    2**31,
    2**63,
    -(2**63),
    2**64,
    str(2**31),
    str(2**63),
    "WN-2026-" + str(2**63),
    "mstari\r\nMwingine: x",
    "\r\n",
    "%0d%0a",
    1e308,
    float("inf"),
    float("nan"),
]


def _plausible(setting: Any, ticket: dict[str, Any]) -> dict[str, Any]:
    """A plausible value for every field the API's operations take, by name (a new field must be added here)."""
    return {
        **api_submission(),
        "language": "sw",
        "publication_consent": True,
        "place": "Mtaa wa Kisasa, Kata ya Nzuguni",
        "latitude": -6.1731,
        "longitude": 35.7419,
        "reference": ticket["reference"],
        "code": ticket["tracking_code"],
        "body": "Maelezo zaidi kuhusu hoja hii.",
        "version": 1,
        "resolve": False,
        "status": "in_progress",
        "summary": "Imetatuliwa.",
        "reason": "Huduma ya halmashauri.",
        "outcome": None,
        "assignee_id": setting.staff.officer_a.id,
        "institution": setting.world.council.slug,
        "service": None,
        "tab": "all",
        "region": "dodoma",
        "district": None,
        "from": "2026-01-01",
        "to": "2026-12-31",
        "q": "maji",
        "sort": "",
        "cursor": None,
    }


def _check(answer: Any, where: str) -> None:
    assert answer.status_code < 500, (where, answer.get_data(as_text=True)[:500])
    if answer.status_code >= 400:
        assert answer.json["code"] and answer.json["message"], where


def test_garbage_in_every_parameter_of_every_operation_on_both_databases(client, setting) -> None:
    """Every body field, query parameter and path part of every operation in the OpenAPI document gets each value."""
    ticket = submit(client).json
    plausible = _plausible(setting, ticket)
    headers = bearer(setting.tokens["supervisor_a"])
    spec = client.get("/api/v1/openapi.json").json
    schemas = spec["components"]["schemas"]
    tried = 0
    for template, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            parameters = operation.get("parameters", []) + item.get("parameters", [])
            query = {p["name"]: plausible[p["name"]] for p in parameters if p["in"] == "query"}
            path_names = [p["name"] for p in parameters if p["in"] == "path"]
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            properties = schemas[content["schema"]["$ref"].rsplit("/", 1)[1]]["properties"] if content else {}
            body = {name: plausible[name] for name in properties}
            for value in GARBAGE:
                slots = [("query", name) for name in query] + [("path", name) for name in path_names]
                slots += [("body", name) for name in body]
                for where, name in slots:
                    path = template
                    for part in path_names:
                        raw = str(value) if (where, name) == ("path", part) else plausible[part]
                        path = path.replace("{" + part + "}", urllib.parse.quote(str(raw), safe=""))
                    sent_query = {**query, name: str(value)} if where == "query" else query
                    sent_query = {key: val for key, val in sent_query.items() if val is not None}
                    sent_body = {**body, name: value} if where == "body" else body
                    answer = client.open(
                        path,
                        method=method.upper(),
                        query_string=sent_query,
                        json=sent_body if content else None,
                        headers=headers,
                    )
                    _check(answer, f"{method.upper()} {template} {where} {name}={value!r}")
                    tried += 1
    print(f"{tried} requests with garbage")
    assert tried > 500
