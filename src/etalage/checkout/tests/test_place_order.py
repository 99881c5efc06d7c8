"""Placing an order: one transaction, snapshots, stock, CBEC usage, outbox, once."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from etalage.checkout.models import CartLine
from etalage.checkout.placement import IdempotencyConflict, OrderRefused
from etalage.customs.models import YearlyUsage
from etalage.customs.services import cbec_year, usage_reserve
from etalage.events.models import OutboxEvent
from etalage.inventory.checks import inventory_problems
from etalage.inventory.models import Stock
from etalage.orders import states
from etalage.orders.checks import order_problems
from etalage.orders.models import Order, OrderLine, OrderTransition, SubOrder


def usage_of(buyer):
    row = YearlyUsage.objects.filter(
        id_number_hmac=buyer.identities.get().id_number_hmac, year=cbec_year()
    ).first()
    return (row.reserved, row.confirmed) if row else (D("0"), D("0"))


def test_an_order_across_two_merchants_has_a_sub_order_each(shopping):
    buyer = shopping.buyer()
    p = shopping.products
    shopping.cart(buyer, [(p["a"], 2), (p["b"], 1), (p["c"], 1)])
    placed = shopping.place(buyer)
    order = placed.order
    assert placed.created
    subs = list(order.sub_orders.order_by("number"))
    assert [s.number for s in subs] == [f"{order.number}-1", f"{order.number}-2"]
    assert len(order.number) <= 60 and order.number.startswith("E")
    first = subs[0]
    # 2 x 79.30 + 158.61 goods, 58.00 shipping, VAT 70 % of 13 % on goods + freight
    assert first.goods == D("317.21")
    assert first.freight == D("58.00")
    assert first.vat == (D("375.21") * D("0.13") * D("0.7")).quantize(D("0.01"))
    assert first.total == first.goods + first.freight + first.tax
    assert order.total == sum(s.total for s in subs)
    assert first.customs_mode == "9610" and first.route == "direct_liege"
    assert order.state == states.PLACED and order.fx_rate == D("7.7748")
    assert order.hold_expires_at - timezone.now() > timedelta(minutes=14)
    assert order.id_number_masked.count("*") == 10


def test_lines_keep_what_was_sold_whatever_changes_later(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 2)])
    order = shopping.place(buyer).order
    line = OrderLine.objects.get(sub_order__order=order)
    assert line.name_zh.endswith("(zh-hans)") and line.name_merchant.endswith("(fr)")
    assert line.merchant_language == "fr"
    assert (line.hs_code, line.origin_country) == ("1806900000", "BE")
    assert (line.unit_price_eur, line.unit_price) == (D("10.00"), D("79.30"))
    assert line.freight_share == D("58.00") and line.vat > 0
    variant = shopping.products["a"].variants.get()
    variant.price_eur = D("99.00")
    variant.save()
    line.refresh_from_db()
    assert line.unit_price_eur == D("10.00")


def test_placing_takes_the_stock_counts_the_usage_and_empties_the_cart(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 3)])
    order = shopping.place(buyer).order
    stock = Stock.objects.get(variant__product=shopping.products["a"])
    assert (stock.on_hand, stock.allocated) == (20, 3)
    assert usage_of(buyer) == (order.usage_amount, 0)
    assert order.usage_amount == order.goods + order.freight  # the dutiable value
    assert not CartLine.objects.exists()
    assert OutboxEvent.objects.filter(topic="OrderPlaced").count() == 1
    assert list(
        OrderTransition.objects.filter(order=order).values_list("to_state", flat=True)
    ) == ["placed", "placed"]
    assert inventory_problems() == [] and order_problems() == []


def test_the_same_key_gives_the_same_order_and_another_request_is_refused(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    first = shopping.place(buyer, key="click-1")
    again = shopping.place(buyer, key="click-1")
    assert not again.created and again.order.pk == first.order.pk
    assert Order.objects.count() == 1
    from etalage.customs.services import address_add

    other = address_add(
        user=buyer,
        recipient="李雷",
        phone="13900139000",
        province="北京市",
        city="北京市",
        district="朝阳区",
        street="建国路 1 号",
    )
    with pytest.raises(IdempotencyConflict):
        shopping.place(buyer, key="click-1", address_id=other.pk)


def test_what_cannot_be_had_is_refused_and_nothing_is_written(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 5), (shopping.products["c"], 1)])
    Stock.objects.filter(variant__product=shopping.products["a"]).update(allocated=17)
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer)
    assert refused.value.message_dict["cart"] == [
        f"{shopping.products['a'].variants.get().sku}: 5 wanted, 3 left."
    ]
    assert not Order.objects.exists() and not SubOrder.objects.exists()
    assert CartLine.objects.count() == 2 and usage_of(buyer) == (0, 0)


def test_an_order_past_the_yearly_limit_is_refused_with_the_limit_named(shopping):
    buyer = shopping.buyer()
    usage_reserve(
        id_number_hmac=buyer.identities.get().id_number_hmac,
        year=cbec_year(),
        amount=D("25950.00"),
    )
    shopping.cart(buyer, [(shopping.products["c"], 1)])
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer)
    (message,) = refused.value.message_dict["cart"]
    assert "26,000 CNY a year" in message and "CN¥50.00" in message
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"identity_id": "not-a-key"}, "identity"),
        ({"address_id": None}, "address"),
        ({"idempotency_key": ""}, "idempotency_key"),
    ],
)
def test_a_missing_identity_address_or_key_names_the_field(shopping, change, field):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer, **change)
    assert field in refused.value.message_dict
    assert not Order.objects.exists()


def test_another_buyers_identity_cannot_be_used(shopping):
    buyer, other = shopping.buyer(), shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer, identity_id=other.identities.get().pk)
    assert "identity" in refused.value.message_dict


def test_an_empty_cart_cannot_be_ordered(shopping):
    buyer = shopping.buyer()
    shopping.cart(buyer, [])
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer)
    assert refused.value.message_dict == {"cart": ["Your cart is empty."]}


def test_placing_an_order_costs_the_same_queries_for_one_line_or_many(
    shopping, catalogue
):
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    shopping.place(buyer, key="first")  # the buyer's yearly usage row now exists
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    with CaptureQueriesContext(connection) as one:
        shopping.place(buyer, key="one")
    merchants = [shopping.products["a"].merchant, shopping.products["c"].merchant]
    lines = []
    for n in range(8):
        product = catalogue.product(merchant=merchants[n % 2])
        shopping.stock(product)
        lines.append((product, 1))
    shopping.cart(buyer, lines)
    with CaptureQueriesContext(connection) as many:
        shopping.place(buyer, key="many")
    # In the transaction: the cart's lock, its lines and their names, the identity,
    # the address, the stock's and the usage's locks, the yearly caps (which the
    # reference cache spares in production), the promotions in force and the sale
    # prices (2, none running here), then the nine writes: on PostgreSQL in
    # one round trip (core.writes), on SQLite one by one; and its savepoint here. Then
    # 5 reading the market's strategy (rates, freight, the positive list: cached in
    # production), 1 the routes' transit times (the delivery promise: cached too)
    # and 4 the test's own lookups.
    writes = 1 if connection.vendor == "postgresql" else 9
    assert len(one) == len(many) == 8 + 2 + writes + 2 + 5 + 1 + 4


def test_bonded_stock_goes_first_in_a_parcel_of_its_own(shopping):
    from etalage.pricing.models import FreightRate

    FreightRate.objects.create(
        route="bonded",
        max_grams=None,
        price_cny=D("12.00"),
        effective_from=timezone.localdate(),
    )
    buyer = shopping.buyer()
    shopping.stock(shopping.products["b"], quantity=5, kind="bonded")
    shopping.cart(buyer, [(shopping.products["a"], 1), (shopping.products["b"], 1)])
    order = shopping.place(buyer).order
    subs = {s.route: s for s in order.sub_orders.all()}
    assert set(subs) == {"direct_liege", "bonded"}
    assert subs["bonded"].customs_mode == "1210" and subs["bonded"].freight == 12
    assert subs["direct_liege"].merchant_id == subs["bonded"].merchant_id


def test_a_yearly_quantity_cap_of_the_positive_list_is_enforced_per_person(shopping):
    from etalage.customs.models import PositiveListEntry, YearlyQuantity
    from etalage.orders.services import order_cancel

    entry = PositiveListEntry.objects.get(hs_code="1806900000")
    entry.yearly_cap = "1 kg"
    entry.save()
    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 3)])  # 3 x 250 g
    order = shopping.place(buyer, key="first").order
    assert YearlyQuantity.objects.get().used == 750
    shopping.cart(buyer, [(shopping.products["c"], 2)])  # 500 g more: over 1 kg
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer, key="second")
    (message,) = refused.value.message_dict["cart"]
    assert "1 kg a year of Chocolate (test entry) (HS 1806900000)" in message
    assert "250 g is left" in message
    assert Order.objects.count() == 1 and order_problems() == []
    order_cancel(order=order)  # gives the 750 g back
    assert YearlyQuantity.objects.get().used == 0
    assert shopping.place(buyer, key="third").created
    assert order_problems() == []


def test_an_order_is_refused_when_its_hs_code_left_the_positive_list(shopping):
    from etalage.customs.models import PositiveListEntry

    buyer = shopping.buyer()
    shopping.cart(buyer, [(shopping.products["a"], 1)])
    PositiveListEntry.objects.filter(hs_code="1806900000").delete()
    with pytest.raises(OrderRefused) as refused:
        shopping.place(buyer)
    (error,) = refused.value.error_dict["cart"]
    assert error.code == "not_sellable" and "positive list" in error.messages[0]
    assert not Order.objects.exists()
