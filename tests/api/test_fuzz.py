"""Schemathesis against /api/v1/openapi.json: no server error, every answer matches its schema (SQLite only)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import bearer, submit

pytestmark = pytest.mark.slow

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
