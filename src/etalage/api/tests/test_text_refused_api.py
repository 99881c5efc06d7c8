"""A control character sent to the API in a name, an address or a product text is
refused with the field named, and nothing is written."""

import pytest
from django.contrib.auth import get_user_model

from etalage.api.tests.test_merchant_api import NEW_PRODUCT, call, shop  # noqa: F401
from etalage.catalog.models import Product
from etalage.customs.models import BuyerIdentity, DeliveryAddress

ADDRESS = {
    "recipient": "张伟",
    "phone": "13912345678",
    "province": "上海市",
    "city": "上海市",
    "district": "浦东新区",
    "street": "世纪大道 100 号",
}


@pytest.fixture
def buyer(client, db):
    client.force_login(get_user_model().objects.create_user("buyer"))
    return client


def post(client, url, body):
    return client.post(
        url, body, content_type="application/json", headers={"Accept-Language": "en"}
    )


@pytest.mark.parametrize("field", ["recipient", "street", "city"])
def test_an_address_with_a_control_character_is_refused(buyer, field):
    refused = post(buyer, "/api/v1/me/addresses", {**ADDRESS, field: "上海\x01市"})
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["field"] == field
    assert "control character U+0001" in error["message"]
    assert not DeliveryAddress.objects.exists()


def test_a_line_break_in_an_address_line_is_refused(buyer):
    refused = post(buyer, "/api/v1/me/addresses", {**ADDRESS, "street": "a\nb 100"})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "street"
    assert not DeliveryAddress.objects.exists()


def test_an_identity_name_with_a_control_character_is_refused(buyer):
    refused = post(
        buyer,
        "/api/v1/me/identities",
        {
            "real_name": "张\x1b伟",
            "id_number": "11010519491231002X",
            "mobile": "13912345678",
            "consent": True,
        },
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "real_name"
    assert not BuyerIdentity.objects.exists()


def test_the_refusal_speaks_the_caller_s_language(buyer):
    refused = buyer.post(
        "/api/v1/me/addresses",
        {**ADDRESS, "street": "世纪\x01大道"},
        content_type="application/json",
        headers={"Accept-Language": "zh-hans"},
    )
    assert "U+0001" in refused.json()["error"]["message"]
    assert "control character" not in refused.json()["error"]["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"brand": "Mai\x01son"}, "brand"),
        ({"texts": {"fr": {"name": "Pra\x01lines"}}}, "texts.fr.name"),
        (
            {"texts": {"fr": {"name": "Pralines", "description": "a\x7fb"}}},
            "texts.fr.description",
        ),
    ],
)
def test_a_product_with_a_control_character_is_refused(client, shop, change, field):  # noqa: F811
    body = {**NEW_PRODUCT, **change}
    refused = call(
        client, "post", "/products", shop["key"], body, **{"Accept-Language": "en"}
    )
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["field"] == field
    assert "invisible control character" in error["message"]
    assert (
        not Product.objects.filter(merchant=shop["mine"])
        .exclude(pk=shop["my_product"].pk)
        .exists()
    )


def test_a_description_keeps_its_line_breaks(client, shop):  # noqa: F811
    body = {
        **NEW_PRODUCT,
        "texts": {"fr": {"name": "Pralines", "description": "Faites main.\nÀ Liège."}},
    }
    assert call(client, "post", "/products", shop["key"], body).status_code == 201


def test_a_product_change_with_a_control_character_changes_nothing(client, shop):  # noqa: F811
    product = shop["my_product"]
    refused = call(
        client, "patch", f"/products/{product.pk}", shop["key"], {"brand": "X\x01"}
    )
    assert refused.json()["error"]["field"] == "brand"
    product.refresh_from_db()
    assert "\x01" not in product.brand
