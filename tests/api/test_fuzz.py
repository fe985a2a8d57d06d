"""Garbage for the JSON API: schemathesis against /api/v1/openapi.json (no server error, every answer matches its
schema; SQLite only), and hand-made bodies no generator writes (JSON nested a thousand deep) on both databases."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import bearer, submit

EXAMPLES_PER_OPERATION = 100  # 14 operations (three take no input): over 1,000 cases in all


def test_api_conforms(app, setting, backend, client) -> None:
    """Every operation, with generated inputs (staff ones with a supervisor's token)."""
    if backend != "sqlite":
        pytest.skip("the fuzz run uses SQLite only")
    submit(client)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    cases: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def run(case: Any) -> None:
            response = case.call(headers=bearer(setting.tokens["supervisor_a"]) if "/staff/" in case.path else {})
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            cases.append(case.operation.label)

        run()
    print(f"schemathesis: {len(cases)} cases over {len(set(cases))} operations")
    assert len(cases) >= 1000


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
