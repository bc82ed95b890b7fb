"""Property-based requests from the OpenAPI schema (schemathesis==4.32.5): no input makes the API answer 500.

Bounded: ``EXAMPLES`` generated requests per operation (about a minute in all), signed in as the trading
centre so the requests reach the services rather than stopping at authentication. One real app and database.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.result import Ok
from starlette.testclient import TestClient

from fairbid.api.app import create_app
from fairbid.bootstrap import Platform
from fairbid.clock import SimulatedClock
from tests.factories import PASSWORD, check_and_publish, make_world

EXAMPLES = 8


def test_no_generated_request_makes_the_api_fail_with_500(platform: Platform, clock: SimulatedClock) -> None:
    w = make_world(platform, clock, bidders=1)
    check_and_publish(w, w.section())
    app = create_app(platform=platform)
    with TestClient(app) as client:
        token = client.post("/api/auth/token", data={"username": w.operator.username, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI schema has an invalid operation: {result}"
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        run()
    assert operations >= 30
    assert not failures, "\n".join(failures)
