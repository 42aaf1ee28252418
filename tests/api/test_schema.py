"""The OpenAPI schema at /api/v1/openapi.json: valid OpenAPI, and the API answers as it says (schemathesis)."""

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate

OWN_PATHS = {
    "/api/v1/municipalities/",
    "/api/v1/municipalities/{id}/",
    "/api/v1/experiments/",
    "/api/v1/experiments/{id}/",
    "/api/v1/provisions/",
    "/api/v1/provisions/{id}/",
    "/api/v1/articles/",
    "/api/v1/articles/{id}/",
}


@pytest.fixture
def spec(api):
    response = requests.get(f"{api.url}/api/v1/openapi.json", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_schema_is_valid_openapi_and_describes_every_endpoint_with_its_filters(spec):
    validate(spec)
    assert set(spec["paths"]) >= OWN_PATHS
    assert all(path.startswith("/api/v1/") for path in spec["paths"]), "only the public API is described"
    experiment_filters = {p["name"] for p in spec["paths"]["/api/v1/experiments/"]["get"]["parameters"]}
    assert {"kommune", "status", "maalgruppe", "fagomraade", "lov", "paragraf", "aar", "tag", "page"} <= (
        experiment_filters
    )
    detail = spec["components"]["schemas"]["ExperimentDetail"]["properties"]
    assert {"exemptions", "status_history", "results", "learnings", "partners"} <= set(detail)


def test_the_api_answers_as_its_schema_says(api, spec):
    """Generated requests to every operation of the schema: no server error, and statuses, content types and
    bodies as documented, for valid and invalid filter values alike. 12 examples each keep it to seconds."""
    import schemathesis
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_dict(spec)
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    documented = {(path, method) for path, item in spec["paths"].items() for method in item if method in methods}
    checked = set()
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(
                base_url=api.url,
                checks=[
                    not_a_server_error,
                    status_code_conformance,
                    content_type_conformance,
                    response_schema_conformance,
                ],
                timeout=30,
            )

        check()
        checked.add((operation.path, operation.method.lower()))
    # Every operation the schema describes, not only the ones this file knew of when it was written.
    assert checked == documented and len(checked) >= len(OWN_PATHS) + 1  # + /api/v1/search
