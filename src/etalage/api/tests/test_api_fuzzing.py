"""The whole API under generated requests (schemathesis, from its OpenAPI document):
never a server error, never an answer the document does not describe."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)


@pytest.fixture
def api_schema(shopping, catalogue, credentials, one_connection):
    from etalage.wsgi import application

    for n in range(3):
        catalogue.product(prices=("10.00", "20.00"), name=f"Fuzzed {n}")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def one_connection():
    """The requests run inside the test's transaction: keep its connection open
    between them, as Django's own test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def credentials(shopping, client):
    """A merchant's key with every scope, and a signed-in buyer's session and CSRF
    token, so that the generated requests reach past authentication."""
    from etalage.merchants.api_keys import api_key_create
    from etalage.merchants.models import ApiKey

    product = shopping.products["a"]
    _key, secret = api_key_create(
        merchant=product.merchant,
        name="fuzz",
        scopes=list(ApiKey.Scope.values),
        created_by=shopping.buyer("keyholder"),
    )
    buyer = shopping.buyer("fuzzed")
    shopping.cart(buyer, [(product, 1)])
    client.force_login(buyer)
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    headers = {"Authorization": f"Bearer {secret}", "X-CSRFToken": token}
    return headers, {name: morsel.value for name, morsel in client.cookies.items()}


@pytest.mark.heavy
def test_the_api_never_fails_and_always_answers_as_documented(api_schema, credentials):
    checks = (not_a_server_error, status_code_conformance, response_schema_conformance)
    tried = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def answers_as_documented(case):
            headers, cookies = credentials
            response = case.call(headers=headers, cookies=cookies)
            case.validate_response(response, checks=checks)

        answers_as_documented()
        tried.append(operation.label)
    assert len(tried) > 25, tried  # every operation of the document was tried
