"""POST /api/v1/quotes gives the same figures as the CBEC core, per merchant."""

from datetime import date
from decimal import Decimal as D

import pytest

from etalage.customs.cbec import OrderLine, order_tax
from etalage.customs.models import TariffRate
from etalage.customs.selectors import tax_rates_in_force
from etalage.pricing.models import FreightRate

pytestmark = pytest.mark.usefixtures("ecb_rates", "today_is_2024_07_01")


@pytest.fixture
def shop(catalogue):
    for grams, price in ((500, "58.00"), (1000, "78.00"), (5000, "228.00")):
        FreightRate.objects.create(
            route="direct_liege",
            max_grams=grams,
            price_cny=D(price),
            effective_from=date(2024, 1, 1),
        )
    TariffRate.objects.create(
        hs_prefix="1806", rate=D("0.08"), effective_from=date(2024, 1, 1)
    )
    first, second = catalogue.merchant("First"), catalogue.merchant("Second")
    return {
        "cheap": catalogue.product(merchant=first, prices=("10.00",)),
        "dear": catalogue.product(merchant=second, prices=("700.00",)),
        "hidden": catalogue.product(merchant=second, status="draft"),
    }


def line(product, quantity=1):
    return {
        "product": product.slug,
        "sku": product.variants.get().sku,
        "quantity": quantity,
    }


def post(client, body):
    return client.post("/api/v1/quotes", body, content_type="application/json")


def test_a_cart_of_two_merchants_is_two_sub_orders_with_the_cores_figures(client, shop):
    body = post(client, {"lines": [line(shop["cheap"], 2), line(shop["dear"])]}).json()
    assert body["allowed"] is True
    first, second = body["sub_orders"]
    assert first["merchant"]["name"] == "First"
    assert first["goods"]["amount"] == "158.60"  # 2 x 79.30
    assert first["freight"]["amount"] == "78.00"  # 2 x 300 g in one parcel
    rates = tax_rates_in_force(on=date(2024, 7, 1))["ordinary-13"]
    core = order_tax(
        lines=[OrderLine(key="a", unit_price=D("79.30"), quantity=2, rates=rates,
                         net_grams_per_unit=250)],
        freight=D("78.00"),
    )  # fmt: skip
    assert D(first["tax"]["amount"]) == core.tax == D("21.53")
    assert D(first["total"]["amount"]) == core.paid == D("258.13")
    # 700 EUR is one indivisible unit over 5,000 CNY: the exception, at full rates,
    # with the 8 % tariff of HS 1806 on goods + freight, and VAT on both.
    assert second["limits"]["verdict"] == "single_item_exception"
    dutiable = D(second["goods"]["amount"]) + D(second["freight"]["amount"])
    duty = dutiable * D("0.08")
    assert D(second["tariff"]["amount"]) == duty.quantize(D("0.01"))
    assert D(second["vat"]["amount"]) == ((dutiable + duty) * D("0.13")).quantize(
        D("0.01")
    )
    assert D(body["total"]["amount"]) == D(first["total"]["amount"]) + D(
        second["total"]["amount"]
    )


def test_two_units_over_5000_are_refused_with_the_reason_in_the_buyers_language(
    client, shop
):
    body = post(client, {"lines": [line(shop["dear"], 2)]}).json()
    assert body["allowed"] is False
    limits = body["sub_orders"][0]["limits"]
    assert limits["verdict"] == "over_order_limit"
    assert "5,000" in body["sub_orders"][0]["problem"]
    english = post(client, {"lang": "en", "lines": [line(shop["dear"], 2)]}).json()
    assert english["sub_orders"][0]["problem"].startswith(
        "The order from Second comes to"
    )


def test_an_unknown_or_hidden_variant_names_the_line(client, shop):
    response = post(client, {"lines": [line(shop["cheap"]), line(shop["hidden"])]})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "lines.1.sku"


def test_bad_quantities_are_refused(client, shop):
    response = post(client, {"lines": [{**line(shop["cheap"]), "quantity": 0}]})
    assert response.json()["error"]["field"] == "lines.0.quantity"


def test_an_item_over_5000_without_a_known_tariff_refuses_its_parcel_only(client, shop):
    TariffRate.objects.all().delete()
    body = {"lang": "en", "lines": [line(shop["cheap"]), line(shop["dear"])]}
    response = post(client, body)
    assert response.status_code == 200
    quote = response.json()
    assert quote["allowed"] is False
    cheap, dear = quote["sub_orders"]
    assert cheap["problem"] == "" and D(cheap["total"]["amount"]) > 0
    assert "import duty for HS code 1806900000 is not known" in dear["problem"]
    assert any("import duty" in p for p in quote["problems"])
