"""A discounted order as customs reads it: valid against the official import XSDs,
and CEB311's figures agree with each other, with the payment and with CEB411
(``docs/promotions.md``)."""

from datetime import timedelta
from decimal import Decimal as D

from django.contrib.auth import get_user_model
from django.utils import timezone
from lxml import etree

from etalage.declarations.tests.test_conformance import (
    _sent,
    assert_official,
    reference,
)
from etalage.payments.models import Payment
from etalage.promotions.services import PromotionTerms, promotion_create

CEB = {"ceb": "http://www.chinaport.gov.cn/ceb"}


def _promotions(merchant):
    operator = get_user_model().objects.create_user("operator", is_staff=True)
    now = timezone.now()
    window = {"starts_at": now - timedelta(days=1), "ends_at": now + timedelta(days=1),
              "budget": D("1000.00")}  # fmt: skip
    # The merchant's ¥10 off every ¥50 lowers the declared price (and splits over
    # three units into fractions of a fen); the platform's ¥7 coupon is non-cash.
    promotion_create(
        terms=PromotionTerms(kind="spend_and_save", name="Merchant's", **window,
                             amount_off=D("10.00"), threshold=D("50.00")),
        merchant=merchant, by=operator,
    )  # fmt: skip
    promotion_create(
        terms=PromotionTerms(kind="coupon", name="Platform's", code="CUSTOMS7",
                             amount_off=D("7.00"), **window),
        by=operator,
    )  # fmt: skip


def _figure(root, name):
    return D(root.findtext(f".//ceb:OrderHead/ceb:{name}", namespaces=CEB))


def test_a_discounted_order_is_valid_and_its_declared_figures_agree(customs):
    reference()
    product = customs.shopping.products["a"]
    _promotions(product.merchant)
    order = customs.paid(lines=[(product, 3)], coupon_code="CUSTOMS7")
    customs.declare()
    customs.flown(order)
    customs.declare()
    sub = order.sub_orders.get()
    order_message = _sent(sub, "311")
    assert_official(order_message, "CEB311 with promotions")
    assert_official(_sent(sub, "621"), "CEB621 with promotions")
    root = etree.fromstring(order_message)
    goods, freight = _figure(root, "goodsValue"), _figure(root, "freight")
    discount, tax = _figure(root, "discount"), _figure(root, "taxTotal")
    paid = _figure(root, "acturalPaid")
    assert discount == D("7.00")
    assert goods + freight + tax - discount == paid == sub.total
    assert paid == Payment.objects.get(order=order).amount
    lines = root.findall(".//ceb:OrderList", namespaces=CEB)
    assert sum(D(x.findtext("ceb:totalPrice", namespaces=CEB)) for x in lines) == goods
    payment = etree.fromstring(_sent(sub, "411"))
    assert D(payment.findtext(".//ceb:amountPaid", namespaces=CEB)) == paid
