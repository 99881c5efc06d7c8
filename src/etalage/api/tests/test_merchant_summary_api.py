"""GET /api/v1/merchant/summary: the dashboard's counts for the key's merchant only,
each part behind its scope, documented in the OpenAPI document, in few queries."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etalage.analytics.tests.test_merchant_work import waiting_work
from etalage.merchants.api_keys import api_key_create


@pytest.fixture
def shops(shopping, catalogue):
    return waiting_work(shopping, catalogue)


def token(merchant, scopes):
    user = get_user_model().objects.create_user(f"{merchant.slug}-{'-'.join(scopes)}")
    return api_key_create(
        merchant=merchant, name="ERP", scopes=scopes, created_by=user
    )[1]


def summary(client, key):
    return client.get(
        "/api/v1/merchant/summary", headers={"Authorization": f"Bearer {key}"}
    )


def test_each_merchant_reads_its_own_counts_and_never_another_s(client, shops):
    mine, theirs = shops
    scopes = ["orders:read", "catalog:read"]
    assert summary(client, token(mine, scopes)).json() == {
        "orders": {"to_pack": 2, "to_hand_over": 1, "late": 1, "returns_to_decide": 1},
        "catalogue": {"listings_rejected": 1},
        "payout_account": {
            "state": "waiting",
            "iban_end": "",
            "pending_iban_end": "6769",
        },
    }
    assert summary(client, token(theirs, scopes)).json() == {
        "orders": {"to_pack": 1, "to_hand_over": 0, "late": 0, "returns_to_decide": 2},
        "catalogue": {"listings_rejected": 2},
        "payout_account": {"state": "missing", "iban_end": "", "pending_iban_end": ""},
    }


def test_each_part_needs_its_scope_and_a_key_is_needed(client, shops):
    mine, _theirs = shops
    catalogue_only = summary(client, token(mine, ["catalog:read"])).json()
    assert catalogue_only["orders"] is None
    assert catalogue_only["catalogue"] == {"listings_rejected": 1}
    refused = summary(client, token(mine, ["orders:write"]))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden_scope"
    assert client.get("/api/v1/merchant/summary").status_code == 401


def test_the_summary_is_documented_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/merchant/summary"]["get"]
    assert operation["security"] == [{"MerchantKey": []}]
    assert {"200", "401", "403", "429"} <= set(operation["responses"])
    schema = document["components"]["schemas"]["SummaryOut"]
    assert set(schema["properties"]) == {"orders", "catalogue", "payout_account"}
    assert "waiting" in str(document["components"]["schemas"]["PayoutAccountOut"])


def test_the_summary_makes_the_same_few_queries_however_much_waits(
    client, shopping, catalogue
):
    from etalage.orders.services import order_pay

    merchant = shopping.products["a"].merchant
    key = token(merchant, ["orders:read", "catalog:read"])

    def queries():
        with CaptureQueriesContext(connection) as done:
            assert summary(client, key).status_code == 200
        return len(done)

    summary(client, key)  # the key's first use of the minute is recorded once
    few = queries()
    waiting_work(shopping, catalogue)
    for _ in range(3):
        buyer = shopping.buyer()
        shopping.cart(buyer, [(shopping.products["a"], 1)])
        order_pay(order=shopping.place(buyer).order)
    # The key (with its merchant), the request counted against its limit, then the
    # work waiting: 4 counts.
    assert few == queries() == 6
