"""What an order's parts look like over the API, shared by the buyer's orders and
the merchant's sub-orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Schema

from etalage.orders.models import Order, SubOrder


class LineOut(Schema):
    sku: str
    name_zh: str
    name_merchant: str
    attributes: dict[str, Any]
    quantity: int
    hs_code: str
    origin_country: str
    unit_price_eur: Decimal
    unit_price: Decimal
    goods: Decimal
    freight_share: Decimal
    tax: Decimal


class SubOrderOut(Schema):
    number: str
    merchant: str
    state: str
    route: str
    customs_mode: str
    weight_grams: int
    goods: Decimal
    freight: Decimal
    tariff: Decimal
    consumption_tax: Decimal
    vat: Decimal
    total: Decimal
    lines: list[LineOut]


class DeliveryOut(Schema):
    recipient: str
    phone: str
    province: str
    city: str
    district: str
    street: str


def lines_out(sub: SubOrder) -> list[LineOut]:
    return [
        LineOut(
            sku=line.sku,
            name_zh=line.name_zh,
            name_merchant=line.name_merchant,
            attributes=line.attributes,
            quantity=line.quantity,
            hs_code=line.hs_code,
            origin_country=line.origin_country,
            unit_price_eur=line.unit_price_eur,
            unit_price=line.unit_price,
            goods=line.goods,
            freight_share=line.freight_share,
            tax=line.tariff + line.consumption_tax + line.vat,
        )
        for line in sub.lines.all()
    ]


def sub_order_fields(sub: SubOrder) -> dict[str, Any]:
    return {
        "number": sub.number,
        "merchant": sub.merchant.slug,
        "state": sub.state,
        "route": sub.route,
        "customs_mode": sub.customs_mode,
        "weight_grams": sub.weight_grams,
        "goods": sub.goods,
        "freight": sub.freight,
        "tariff": sub.tariff,
        "consumption_tax": sub.consumption_tax,
        "vat": sub.vat,
        "total": sub.total,
        "lines": lines_out(sub),
    }


def delivery_out(order: Order) -> DeliveryOut:
    return DeliveryOut(
        recipient=order.recipient,
        phone=order.phone,
        province=order.province,
        city=order.city,
        district=order.district,
        street=order.street,
    )
