"""The buyer API speaks of addresses by their division code, and quotes each
parcel's delivery window."""

import pytest
from django.test import Client

from etalage.orders.transit_times import delivery_windows


@pytest.fixture
def api(shopping):
    buyer = shopping.buyer()
    client = Client()
    client.force_login(buyer)
    client.buyer = buyer
    return client


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_an_address_added_by_its_code_answers_the_table_s_names(api):
    answer = post(
        api,
        "/api/v1/me/addresses",
        {
            "recipient": "陈静",
            "phone": "13700001234",
            "region_code": "441900",
            "street": "长安镇振安中路 88 号",
            "postcode": "523850",
            "is_default": True,
        },
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["province"], body["city"], body["district"]) == (
        "广东省",
        "东莞市",
        "",
    )
    assert (body["region_code"], body["postcode"], body["is_default"]) == (
        "441900",
        "523850",
        True,
    )
    listed = api.get("/api/v1/me/addresses").json()
    assert listed[0]["region_code"] == "441900"  # the default first
    assert listed[1]["region_code"] == "310115"  # the fixture's, kept by names


def test_a_code_that_is_not_a_last_step_is_refused_naming_the_field(api):
    answer = post(
        api,
        "/api/v1/me/addresses",
        {
            "recipient": "陈静",
            "phone": "13700001234",
            "region_code": "440300",
            "street": "深南大道 1 号",
        },
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "district"


def test_a_quote_says_when_each_parcel_arrives_in_the_reader_s_language(
    client, shopping
):
    product = shopping.products["a"]
    body = post(
        client,
        "/api/v1/quotes",
        {
            "market": "CN",
            "lang": "zh-hans",
            "lines": [
                {
                    "product": product.slug,
                    "sku": product.variants.get().sku,
                    "quantity": 1,
                }
            ],
        },
    ).json()
    delivery = body["sub_orders"][0]["delivery"]
    window = delivery_windows(["direct_liege"])["direct_liege"]
    assert delivery["earliest"] == window.earliest.isoformat()
    assert delivery["latest"] == window.latest.isoformat()
    assert delivery["text"].startswith("预计 ") and delivery["text"].endswith("送达")
    assert delivery["parcels_measured"] == 0
