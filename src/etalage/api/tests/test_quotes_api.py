"""POST /api/v1/quotes gives the same figures as the CBEC core, per merchant."""

from datetime import date
from decimal import Decimal as D

import pytest

from etalage.customs.cbec import NetContent, NetUnit, OrderLine, order_tax
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
        lines=[
            OrderLine(
                key="a",
                unit_price=D("79.30"),
                quantity=2,
                rates=rates,
                net=NetContent(250, NetUnit.GRAM),
            )
        ],
        freight=D("78.00"),
    )
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


def _with_variant(product, *, tax_class, net_content, net_unit):
    product.tax_class = tax_class
    product.save(update_fields=["tax_class"])
    product.variants.update(
        net_content=net_content, net_unit=net_unit, weight_grams=150
    )
    return product


def _core_tax(price_eur_line, quantity, rates, net, freight):
    return order_tax(
        lines=[
            OrderLine(
                key="a",
                unit_price=price_eur_line,
                quantity=quantity,
                rates=rates,
                net=net,
            )
        ],
        freight=freight,
    )


def test_beer_is_quoted_per_tonne_at_988_litres_from_the_variants_volume(
    client, catalogue, shop
):
    beer = _with_variant(
        catalogue.product(prices=("2.00",)),
        tax_class="beer",
        net_content=330,
        net_unit="ml",
    )
    body = post(client, {"lines": [line(beer, 24)]}).json()
    assert "sub_orders" in body, body
    (sub_order,) = body["sub_orders"]
    unit = D(sub_order["goods"]["amount"]) / 24
    freight = D(sub_order["freight"]["amount"])
    rates = tax_rates_in_force(on=date(2024, 7, 1))["beer"]
    core = _core_tax(unit, 24, rates, NetContent(330, NetUnit.MILLILITRE), freight)
    assert D(sub_order["tax"]["amount"]) == core.tax
    # 7.92 L is 0.0080162 t: 250 CNY/t (class A) * 0.7 = 1.40 of consumption tax.
    assert core.consumption_tax == D("1.40")


def test_sheet_masks_sold_by_the_piece_pay_consumption_tax_from_15_cny_a_piece(
    client, catalogue, shop
):
    # 10.00 EUR is 79.30 CNY at the fixture's rate.
    masks = _with_variant(
        catalogue.product(prices=("10.00",)),
        tax_class="cosmetics",
        net_content=5,
        net_unit="piece",
    )
    dear = post(client, {"lines": [line(masks)]}).json()["sub_orders"][0]
    masks.variants.update(net_content=6)  # 13.22 CNY a mask: not high-end
    cheap = post(client, {"lines": [line(masks)]}).json()["sub_orders"][0]
    rates = tax_rates_in_force(on=date(2024, 7, 1))["cosmetics"]
    freight = D(dear["freight"]["amount"])
    for quote, pieces in ((dear, 5), (cheap, 6)):
        net = NetContent(pieces, NetUnit.PIECE)
        core = _core_tax(D("79.30"), 1, rates, net, freight)
        assert D(quote["tax"]["amount"]) == core.tax
    with_ct = _core_tax(D("79.30"), 1, rates, NetContent(5, NetUnit.PIECE), freight)
    without = _core_tax(D("79.30"), 1, rates, NetContent(6, NetUnit.PIECE), freight)
    assert with_ct.consumption_tax > 0 and without.consumption_tax == 0
    assert D(dear["tax"]["amount"]) > D(cheap["tax"]["amount"])
