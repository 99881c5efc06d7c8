"""The merchant API: keys, scopes, idempotency, rate limits and isolation."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from etalage.catalog.models import Product
from etalage.merchants.api_keys import api_key_create, api_key_revoke
from etalage.merchants.models import ApiKey

NEW_PRODUCT = {
    "merchant_ref": "PRAL-1",
    "category": "pralines",
    "brand": "Maison",
    "hs_code": "1806.90.00.00",
    "tax_class": "ordinary-13",
    "texts": {"zh-hans": {"name": "果仁糖"}, "fr": {"name": "Pralines"}},
    "variants": [
        {
            "sku": "PRAL-1-250",
            "price_eur": "24.50",
            "weight_grams": 350,
            "net_content": 250,
            "net_unit": "g",
        }
    ],
}


@pytest.fixture
def shop(catalogue):
    catalogue.category("pralines")
    mine, theirs = catalogue.merchant("Mine"), catalogue.merchant("Theirs")
    user = get_user_model().objects.create_user("owner")
    _key, plain = api_key_create(
        merchant=mine,
        name="ERP",
        scopes=["catalog:read", "catalog:write"],
        created_by=user,
    )
    _key, read_only = api_key_create(
        merchant=mine, name="Reports", scopes=["catalog:read"], created_by=user
    )
    return {
        "mine": mine,
        "theirs": theirs,
        "their_product": catalogue.product(merchant=theirs, status="draft"),
        "my_product": catalogue.product(merchant=mine, status="draft"),
        "key": plain,
        "read_only": read_only,
    }


def call(client, method, path, key, body=None, **headers):
    kwargs = {
        "content_type": "application/json",
        "headers": {"Authorization": f"Bearer {key}", **headers},
    }
    if body is not None:
        kwargs["data"] = body
    return getattr(client, method)(f"/api/v1/merchant{path}", **kwargs)


def test_a_key_is_shown_once_and_stored_only_as_a_digest(shop):
    stored = ApiKey.objects.get(name="ERP")
    assert shop["key"].startswith(f"etl_{stored.prefix}_")
    assert shop["key"] not in stored.digest
    assert len(stored.digest) == 64


def test_creates_a_draft_product_with_its_variants(client, shop):
    response = call(client, "post", "/products", shop["key"], NEW_PRODUCT)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["merchant_ref"], body["hs_code"]) == (
        "draft",
        "PRAL-1",
        "1806900000",
    )
    assert body["variants"][0]["price_eur"] == "24.50"
    assert Product.objects.get(pk=body["id"]).merchant == shop["mine"]


def test_lists_and_reads_only_its_own_products(client, shop):
    body = call(client, "get", "/products", shop["key"]).json()
    assert [p["id"] for p in body["items"]] == [str(shop["my_product"].pk)]


def test_sets_a_price_adds_a_variant_updates_and_submits(client, shop):
    pid = shop["my_product"].pk
    sku = shop["my_product"].variants.get().sku
    response = call(
        client,
        "put",
        f"/products/{pid}/variants/{sku}/price",
        shop["key"],
        {"price_eur": "7.25"},
    )
    assert response.json()["price_from_eur"] == "7.25"
    new = {
        "sku": "NEW-1",
        "price_eur": "5.00",
        "weight_grams": 100,
        "net_content": 100,
        "net_unit": "g",
    }
    response = call(client, "post", f"/products/{pid}/variants", shop["key"], new)
    assert response.status_code == 201
    assert response.json()["price_from_eur"] == "5.00"
    response = call(
        client, "patch", f"/products/{pid}", shop["key"], {"brand": "Renamed"}
    )
    assert response.json()["brand"] == "Renamed"
    response = call(client, "post", f"/products/{pid}/submit", shop["key"])
    assert response.json()["status"] == "in_review"


def their_endpoints(shop):
    pid = shop["their_product"].pk
    sku = shop["their_product"].variants.get().sku
    return [
        ("get", f"/products/{pid}", None),
        ("patch", f"/products/{pid}", {"brand": "Stolen"}),
        (
            "post",
            f"/products/{pid}/variants",
            {
                "sku": "X-1",
                "price_eur": "1.00",
                "weight_grams": 1,
                "net_content": 1,
                "net_unit": "g",
            },
        ),
        ("put", f"/products/{pid}/variants/{sku}/price", {"price_eur": "0.01"}),
        ("post", f"/products/{pid}/submit", None),
        ("put", f"/products/{pid}/variants/{sku}/stock", {"on_hand": 99}),
    ]


@pytest.mark.parametrize("index", range(6))
def test_another_merchants_product_answers_as_if_it_did_not_exist(client, shop, index):
    method, path, body = their_endpoints(shop)[index]
    response = call(client, method, path, shop["key"], body)
    assert response.status_code == 404
    nowhere = "01900000-0000-7000-8000-000000000000"
    missing_path = path.replace(str(shop["their_product"].pk), nowhere)
    missing = call(client, method, missing_path, shop["key"], body)
    assert (
        response.json()["error"]["code"]
        == missing.json()["error"]["code"]
        == "not_found"
    )
    assert response.json()["error"]["field"] == missing.json()["error"]["field"]
    product = Product.objects.get(pk=shop["their_product"].pk)
    assert (product.brand, product.status) == ("Brand", "draft")
    assert product.variants.count() == 1


def test_the_same_idempotency_key_and_body_answers_once(client, shop):
    first = call(
        client,
        "post",
        "/products",
        shop["key"],
        NEW_PRODUCT,
        **{"Idempotency-Key": "k-1"},
    )
    again = call(
        client,
        "post",
        "/products",
        shop["key"],
        NEW_PRODUCT,
        **{"Idempotency-Key": "k-1"},
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Product.objects.filter(merchant_ref="PRAL-1").count() == 1


def test_an_idempotency_key_reused_with_another_body_is_refused(client, shop):
    call(
        client,
        "post",
        "/products",
        shop["key"],
        NEW_PRODUCT,
        **{"Idempotency-Key": "k-2"},
    )
    other = {**NEW_PRODUCT, "merchant_ref": "PRAL-2", "variants": [
        {"sku": "PRAL-2-250", "price_eur": "9.00", "weight_grams": 100,
           "net_content": 100, "net_unit": "g"}]}  # fmt: skip
    response = call(
        client, "post", "/products", shop["key"], other, **{"Idempotency-Key": "k-2"}
    )
    assert response.status_code == 409  # as the buyer's orders answer it
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert not Product.objects.filter(merchant_ref="PRAL-2").exists()


@pytest.mark.parametrize(
    ("key", "status", "code"),
    [
        ("", 401, "unauthorized"),
        ("etl_nope_nope", 401, "unauthorized"),
        ("read_only", 403, "forbidden_scope"),
    ],
)
def test_writes_need_a_valid_key_with_the_write_scope(client, shop, key, status, code):
    response = call(client, "post", "/products", shop.get(key, key), NEW_PRODUCT)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert not Product.objects.filter(merchant_ref="PRAL-1").exists()


def test_a_revoked_key_no_longer_works(client, shop):
    api_key_revoke(key=ApiKey.objects.get(name="ERP"))
    assert call(client, "get", "/products", shop["key"]).status_code == 401


def test_a_suspended_merchants_key_no_longer_works(client, shop):
    shop["mine"].status = "suspended"
    shop["mine"].save()
    assert call(client, "get", "/products", shop["key"]).status_code == 401


def test_bad_input_names_the_field(client, shop):
    body = {**NEW_PRODUCT, "hs_code": "1806"}
    error = call(client, "post", "/products", shop["key"], body).json()["error"]
    assert (error["code"], error["field"]) == ("invalid", "hs_code")
    body = {
        **NEW_PRODUCT,
        "variants": [
            {
                "sku": "A",
                "price_eur": "-1",
                "weight_grams": 1,
                "net_content": 1,
                "net_unit": "g",
            }
        ],
    }
    error = call(client, "post", "/products", shop["key"], body).json()["error"]
    assert error["field"] == "variants.0.price_eur"


def test_a_key_is_rate_limited(client, shop, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ETALAGE_API_REQUESTS_PER_MINUTE = 3
    statuses = [
        call(client, "get", "/products", shop["key"]).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    cache.clear()


def test_sets_the_counted_stock_of_a_variant(client, shop):
    pid = shop["my_product"].pk
    sku = shop["my_product"].variants.get().sku
    response = call(
        client,
        "put",
        f"/products/{pid}/variants/{sku}/stock",
        shop["key"],
        {"on_hand": 25},
    )
    assert response.status_code == 200
    assert response.json()["variants"][0]["on_hand"] == 25
    bad = call(
        client,
        "put",
        f"/products/{pid}/variants/{sku}/stock",
        shop["key"],
        {"on_hand": -1},
    )
    assert bad.json()["error"]["field"] == "on_hand"


def test_an_origin_that_is_not_an_iso_country_is_refused(client, shop):
    product = shop["my_product"]
    for body in ({"origin_country": "XX"}, [None, None]):
        response = call(client, "patch", f"/products/{product.pk}", shop["key"], body)
        assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "invalid"
    refused = call(
        client,
        "patch",
        f"/products/{product.pk}",
        shop["key"],
        {"origin_country": "XX"},
    )
    assert refused.json()["error"]["field"] == "origin_country"
    product.refresh_from_db()
    assert product.origin_country == "BE"


def test_errors_speak_the_merchant_s_language_unless_the_caller_asks(client, shop):
    from etalage.merchants.models import Merchant

    Merchant.objects.filter(pk=shop["mine"].pk).update(language="fr")
    product = shop["my_product"]
    french = call(
        client, "patch", f"/products/{product.pk}", shop["key"], {"hs_code": "12"}
    )
    assert "chiffres" in french.json()["error"]["message"]
    english = call(
        client,
        "patch",
        f"/products/{product.pk}",
        shop["key"],
        {"hs_code": "12"},
        **{"Accept-Language": "en"},
    )
    assert "digits" in english.json()["error"]["message"]


def test_a_sku_with_a_slash_is_addressable(client, shop):
    pid = shop["my_product"].pk
    new = {
        "sku": "BOX/12",
        "price_eur": "5.00",
        "weight_grams": 100,
        "net_content": 100,
        "net_unit": "g",
    }
    assert (
        call(client, "post", f"/products/{pid}/variants", shop["key"], new).status_code
        == 201
    )
    priced = call(
        client,
        "put",
        f"/products/{pid}/variants/BOX/12/price",
        shop["key"],
        {"price_eur": "4.50"},
    )
    assert priced.status_code == 200, priced.content
    assert shop["my_product"].variants.get(sku="BOX/12").price_eur == Decimal("4.50")


def test_a_merchant_ref_names_one_product_and_a_second_is_refused_by_field(
    client, shop
):
    first = call(client, "post", "/products", shop["key"], NEW_PRODUCT)
    assert first.status_code == 201, first.content
    again = {**NEW_PRODUCT, "variants": [{**NEW_PRODUCT["variants"][0], "sku": "B"}]}
    refused = call(
        client, "post", "/products", shop["key"], again, **{"Accept-Language": "fr"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"] == {
        "code": "invalid",
        "message": "Un autre de vos produits a déjà la référence PRAL-1.",
        "field": "merchant_ref",
    }
    assert Product.objects.filter(merchant_ref="PRAL-1").count() == 1
