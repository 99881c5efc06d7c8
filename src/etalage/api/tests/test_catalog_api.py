import pytest

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")


@pytest.fixture
def shop(catalogue):
    chocolate = catalogue.category("chocolate")
    pralines = catalogue.category("pralines", parent=chocolate)
    hats = catalogue.category("hats")
    maker = catalogue.merchant("Maison Test")
    return {
        "cheap": catalogue.product(
            merchant=maker, category=pralines, prices=("10.00",)
        ),
        "dear": catalogue.product(
            merchant=maker, category=chocolate, prices=("100.00",)
        ),
        "hat": catalogue.product(category=hats, prices=("150.00",)),
        "hidden": catalogue.product(category=hats, status="draft"),
        "maker": maker,
    }


@pytest.fixture(params=["database", "index"])
def listed(request, shop):
    """The listing served by the database (a node with no index yet), then by the
    search index, as the storefront's: the same answers."""
    if request.param == "index":
        from etalage.search.index import search_reindex

        search_reindex()
    return shop


def test_lists_the_products_on_sale_with_prices_in_cny(client, listed):
    shop = listed
    body = client.get("/api/v1/products").json()
    assert body["count"] == 3
    assert body["pricing"] == {
        "market": "CN",
        "currency": "CNY",
        "language": "zh-hans",
        "rate": "7.7748",
        "rate_date": "2024-06-28",
        "fx_margin_percent": "2.00",
        "tax_note": "价格已包含预估的跨境电商税费；运费在购物车中另计。",
    }
    cheap = next(i for i in body["items"] if i["slug"] == shop["cheap"].slug)
    # 79.30 CNY of goods and 7.22 of estimated CBEC tax (79.30 x 13 % x 70 %)
    assert cheap["price_from"] == {
        "amount": "86.52",
        "currency": "CNY",
        "formatted": "¥86.52",
    }
    assert cheap["category"] == "pralines"
    assert shop["hidden"].slug not in {i["slug"] for i in body["items"]}


def test_filters_by_category_with_its_subcategories_and_by_merchant(client, listed):
    shop = listed
    body = client.get("/api/v1/products", {"category": "chocolate"}).json()
    assert {i["slug"] for i in body["items"]} == {shop["cheap"].slug, shop["dear"].slug}
    body = client.get("/api/v1/products", {"merchant": shop["maker"].slug}).json()
    assert body["count"] == 2


def test_filters_by_price_in_the_market_currency_and_sorts(client, listed):
    shop = listed
    # The range is of the prices shown: 79.30 goods + 7.22 estimated tax = 86.52.
    body = client.get(
        "/api/v1/products", {"price_min": "86.52", "price_max": "900", "sort": "-price"}
    ).json()
    assert [i["slug"] for i in body["items"]] == [shop["dear"].slug, shop["cheap"].slug]
    assert body["items"][1]["price_from"]["amount"] == "86.52"
    above = client.get("/api/v1/products", {"price_min": "86.53"}).json()
    assert shop["cheap"].slug not in [i["slug"] for i in above["items"]]


@pytest.mark.usefixtures("listed")
def test_paginates(client):
    body = client.get("/api/v1/products", {"page_size": 2, "page": 2}).json()
    assert (body["count"], body["pages"], len(body["items"])) == (3, 2, 1)


def test_answers_in_the_language_and_market_asked_for(client, shop):
    body = client.get(
        f"/api/v1/products/{shop['cheap'].slug}", {"market": "BE", "lang": "fr"}
    ).json()
    product = body["product"]
    assert product["name"].endswith("(fr)")
    assert product["variants"][0]["price"] == {
        "amount": "10.00",
        "currency": "EUR",
        "formatted": "10,00\xa0€",
    }
    assert product["hs_code"] == "1806900000"
    assert body["pricing"]["tax_note"] == "La livraison est ajoutée dans le panier."


@pytest.mark.parametrize(
    ("params", "status", "code", "field"),
    [
        ({"lang": "de"}, 422, "invalid", "lang"),
        ({"market": "XX"}, 404, "unknown_market", "market"),
        ({"page": 9}, 404, "not_found", "page"),
        ({"page": 0}, 422, "invalid", "page"),
        ({"price_min": "cheap"}, 422, "invalid", "price_min"),
        ({"price_min": "-1"}, 422, "invalid", "price_min"),
        ({"price_min": "10", "price_max": "5"}, 422, "invalid", "price_max"),
        ({"page_size": 1000}, 422, "invalid", "page_size"),
        ({"sort": "random"}, 422, "invalid", "sort"),
        ({"category": "nope"}, 404, "not_found", "category"),
    ],
)
def test_bad_input_gets_one_error_shape_naming_the_field(
    client, shop, params, status, code, field
):
    response = client.get("/api/v1/products", params)
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]


def test_a_product_not_on_sale_is_not_found(client, shop):
    response = client.get(f"/api/v1/products/{shop['hidden'].slug}")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": f"product '{shop['hidden'].slug}' does not exist",
        "field": "slug",
    }


def test_lists_categories_parents_first_in_the_language_asked_for(client, shop):
    body = client.get("/api/v1/categories", {"lang": "nl"}).json()
    slugs = [c["slug"] for c in body]
    assert slugs.index("chocolate") < slugs.index("pralines")
    chocolate = next(c for c in body if c["slug"] == "chocolate")
    assert chocolate["name"] == "Categorie chocolate"
    assert chocolate["children"] == ["pralines"]


def test_gets_one_category(client, shop):
    body = client.get("/api/v1/categories/pralines").json()
    assert body["parent"] == "chocolate"
    assert client.get("/api/v1/categories/nope").json()["error"]["code"] == "not_found"


def test_the_openapi_schema_is_valid(client, db):
    import json

    from openapi_spec_validator import OpenAPIV31SpecValidator, validate

    def no_key_twice(pairs):
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), f"a key written twice: {keys}"
        return dict(pairs)

    text = client.get("/api/v1/openapi.json").content
    schema = json.loads(text, object_pairs_hook=no_key_twice)
    assert schema["openapi"].startswith("3.1")
    validate(schema, cls=OpenAPIV31SpecValidator)
    assert "/api/v1/products" in schema["paths"]
    label = schema["paths"]["/api/v1/merchant/orders/{number}/parcel/label"]["get"]
    assert "application/pdf" in label["responses"]["200"]["content"]
    # The document says what the API is for: buyers, merchants and the catalogue.
    assert "merchant" in schema["info"]["description"].lower()
    assert "order" in schema["info"]["description"].lower()


def test_the_docs_page_is_served(client, db):
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/products?price_min=1e30", "price_min"),
        ("/api/v1/products?category=%00", "category"),
    ],
)
def test_a_query_out_of_bounds_is_a_422_naming_the_field(client, markets, url, field):
    response = client.get(url)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize("text", ["\\ud800", "a\\u0000b"])
def test_text_the_database_cannot_keep_is_refused_in_a_body(client, markets, text):
    body = '{"lines": [{"product": "TEXT", "sku": "x", "quantity": 1}]}'
    body = body.replace("TEXT", text)
    response = client.post("/api/v1/quotes", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "lines.0.product"


def test_an_unrouted_api_address_answers_the_api_s_json(client, db):
    response = client.get("/api/v2/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_openapi_document_names_each_schema_once(client, db):
    document = client.get("/api/v1/openapi.json").json()
    variant = document["components"]["schemas"]["VariantOut"]["properties"]
    assert {"label", "price"} <= set(variant)  # the catalogue's, not the merchant's
    assert "MerchantVariantOut" in document["components"]["schemas"]
