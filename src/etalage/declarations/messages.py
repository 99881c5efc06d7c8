"""China Customs' cross-border e-commerce messages, built and validated before they
leave. Pure (lxml only).

A message is built from plain documents (``OrderDoc`` …), checked for what customs
checks arithmetically (the amount paid is goods + freight + tax - discount; the
lines add up to the goods), then validated against the schema Étalage keeps for it
(``xsd/ceb.xsd``: customs' import schema, field for field, checked against the
official one by the conformance test). What fails says which field and why;
nothing invalid is ever sent, and text customs cannot read (control characters)
is refused by field before any XML is made.
This module holds what every message shares and the three documents customs
matches (CEB311 order, CEB411 payment, CEB511 waybill); ``inventory`` the
inventory declaration, its cancellation and its return (CEB621, CEB623, CEB625);
``receipts`` what comes back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from lxml import etree

from etalage.core.time_zones import BEIJING
from etalage.money import Money

CEB = "http://www.chinaport.gov.cn/ceb"
CNY = "142"  # the customs' currency code for the yuan
BELGIUM = "301"  # the customs' country code for Belgium
PIECE = "011"  # the customs' unit code for a piece (件)
ID_CARD = "1"  # buyerIdType: resident identity card
XSD = Path(__file__).parent / "xsd"
SCHEMA = "ceb"
# What XML 1.0 cannot carry and what customs' systems choke on: C0 and C1 control
# characters (tab and line breaks included: no field of a head is multi-line),
# surrogates and the two non-characters.
UNSENDABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Fields that carry a buyer's ID number: their values never go into an error.
ID_NUMBER_FIELDS = frozenset({"buyerIdNumber", "payerIdNumber"})


class MessageRefused(ValueError):
    """A message that must not leave; ``field`` names what is wrong."""

    def __init__(self, message: str, field: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True, slots=True)
class Party:
    code: str  # the customs registration code
    name: str


@dataclass(frozen=True, slots=True)
class OrderLineDoc:
    item_no: str  # the SKU
    name: str  # in Chinese, as the buyer bought it
    qty: int
    price: Decimal  # CNY a unit
    model: str  # gmodel: brand, size, contents
    bar_code: str = ""
    unit: str = PIECE
    country: str = BELGIUM
    # The line's real transaction price when a seller's discount makes it other
    # than price x qty (the unit price then to five decimals, as the XSD allows).
    total_price: Decimal | None = None

    @property
    def total(self) -> Decimal:
        if self.total_price is not None:
            return self.total_price
        return self.price * self.qty


@dataclass(frozen=True, slots=True)
class OrderDoc:
    """One sub-order as customs reads it (CEB311's OrderHead and OrderList)."""

    guid: str
    app_time: datetime
    order_no: str
    platform: Party  # ebp: the e-commerce platform (the operator)
    seller: Party  # ebc: the e-commerce enterprise (the merchant or its agent)
    goods_value: Decimal
    freight: Decimal
    discount: Decimal
    tax_total: Decimal
    paid: Decimal
    buyer_reg_no: str
    buyer_name: str
    buyer_telephone: str
    buyer_id_number: str
    pay_company: Party
    pay_transaction_id: str
    consignee: str
    consignee_telephone: str
    consignee_address: str
    lines: Sequence[OrderLineDoc]
    # consigneeDistrict: the GB/T 2260 code of the consignee's district (or city),
    # six digits; empty for an address that names no region (left out).
    consignee_district: str = ""


@dataclass(frozen=True, slots=True)
class Transfer:
    """BaseTransfer: who sends, through which exchange."""

    cop: Party
    dxp_mode: str = "DXP"
    dxp_id: str = ""


def stamp(at: datetime, pattern: str = "%Y%m%d%H%M%S") -> str:
    """A time as customs writes it: Beijing time, no zone (a naive time is taken
    as Beijing time already)."""
    if at.tzinfo is not None:
        at = at.astimezone(BEIJING)
    return at.strftime(pattern)


def yuan(value: Decimal) -> str:
    """An amount as the messages write it: yuan to the fen, rounded the one way
    Étalage rounds money (``Money.rounded``)."""
    return f"{Money(value, 'CNY').rounded().amount:.2f}"


def unit_yuan(value: Decimal) -> str:
    """A unit price: to the fen, or to five decimals (the XSD's fractionDigits)
    when a discount spread over the units leaves a fraction of a fen."""
    if value == Money(value, "CNY").rounded().amount:
        return yuan(value)
    return f"{value.quantize(Decimal('0.00001'), ROUND_HALF_UP)}"


def kilograms(grams: int) -> str:
    """A weight as the messages write it: kilograms to the gram."""
    return f"{Decimal(grams) / 1000:.3f}"


Fields = Sequence[tuple[str, object]]


def node(parent: etree._Element, tag: str, fields: Fields = ()) -> etree._Element:
    """``parent``'s new ``tag`` holding ``fields`` in order; an empty value is an
    optional field left out. A value with a character customs cannot read is
    refused, naming its field (and never repeating an ID number)."""
    element = etree.SubElement(parent, f"{{{CEB}}}{tag}")
    for name, value in fields:
        if value is None or value == "":
            continue
        text = str(value)
        bad = UNSENDABLE.search(text)
        if bad:
            raise MessageRefused(
                f"the character U+{ord(bad.group()):04X} cannot be sent to customs",
                name,
            )
        etree.SubElement(element, f"{{{CEB}}}{name}").text = text
    return element


def head_start(guid: str, app_time: datetime) -> Fields:
    """The fields every declared head opens with: a new declaration (appType 1)
    declared (appStatus 2)."""
    return (
        ("guid", guid),
        ("appType", "1"),
        ("appTime", stamp(app_time)),
        ("appStatus", "2"),
    )


def envelope(kind: str, guid: str) -> etree._Element:
    return etree.Element(
        f"{{{CEB}}}CEB{kind}Message", nsmap={"ceb": CEB}, guid=guid, version="1.0"
    )


def closed(root: etree._Element, transfer: Transfer, kind: str) -> bytes:
    """The envelope closed with its transfer block, validated."""
    node(
        root,
        "BaseTransfer",
        (
            ("copCode", transfer.cop.code),
            ("copName", transfer.cop.name),
            ("dxpMode", transfer.dxp_mode),
            ("dxpId", transfer.dxp_id or "-"),
        ),
    )
    return validated(root)


ID_CARD_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
DISTRICT = re.compile(r"[1-9][0-9]{5}")


def check_id_card(number: str, field: str) -> None:
    """A resident identity card's number (idType 1) has 18 characters: customs'
    schema allows 60, its business check refuses any other."""
    if not ID_CARD_NUMBER.fullmatch(number):
        raise MessageRefused("not a resident identity card number", field)


def _check_order(order: OrderDoc) -> None:
    check_id_card(order.buyer_id_number, "buyerIdNumber")
    if not order.lines:
        raise MessageRefused("an order has at least one line", "OrderList")
    if order.consignee_district and not DISTRICT.fullmatch(order.consignee_district):
        raise MessageRefused(
            "a division code has six digits (GB/T 2260)", "consigneeDistrict"
        )
    expected = order.goods_value + order.freight + order.tax_total - order.discount
    if order.paid != expected:
        raise MessageRefused(
            f"{order.paid} paid, but goods + freight + tax - discount make {expected}",
            "acturalPaid",
        )
    lines = sum((line.total for line in order.lines), Decimal(0))
    if lines != order.goods_value:
        raise MessageRefused(
            f"the lines add up to {lines}, not {order.goods_value}", "goodsValue"
        )


def ceb311(orders: Sequence[OrderDoc], transfer: Transfer, *, guid: str) -> bytes:
    """The CEB311 message declaring ``orders``, validated."""
    root = envelope("311", guid)
    for order in orders:
        _check_order(order)
        document = etree.SubElement(root, f"{{{CEB}}}Order")
        node(
            document,
            "OrderHead",
            (
                *head_start(order.guid, order.app_time),
                ("orderType", "I"),
                ("orderNo", order.order_no),
                ("ebpCode", order.platform.code),
                ("ebpName", order.platform.name),
                ("ebcCode", order.seller.code),
                ("ebcName", order.seller.name),
                ("goodsValue", yuan(order.goods_value)),
                ("freight", yuan(order.freight)),
                ("discount", yuan(order.discount)),
                ("taxTotal", yuan(order.tax_total)),
                ("acturalPaid", yuan(order.paid)),
                ("currency", CNY),
                ("buyerRegNo", order.buyer_reg_no),
                ("buyerName", order.buyer_name),
                ("buyerTelephone", order.buyer_telephone),
                ("buyerIdType", ID_CARD),
                ("buyerIdNumber", order.buyer_id_number),
                ("payCode", order.pay_company.code),
                ("payName", order.pay_company.name),
                ("payTransactionId", order.pay_transaction_id),
                ("consignee", order.consignee),
                ("consigneeTelephone", order.consignee_telephone),
                ("consigneeAddress", order.consignee_address),
                ("consigneeDistrict", order.consignee_district),
            ),
        )
        for gnum, line in enumerate(order.lines, start=1):
            node(
                document,
                "OrderList",
                (
                    ("gnum", gnum),
                    ("itemNo", line.item_no),
                    ("itemName", line.name),
                    ("gmodel", line.model),
                    ("barCode", line.bar_code),
                    ("unit", line.unit),
                    ("qty", line.qty),
                    ("price", unit_yuan(line.price)),
                    ("totalPrice", yuan(line.total)),
                    ("currency", CNY),
                    ("country", line.country),
                ),
            )
    return closed(root, transfer, "311")


@dataclass(frozen=True, slots=True)
class PaymentDoc:
    """The buyer's payment of one sub-order as customs reads it (CEB411)."""

    guid: str
    app_time: datetime
    order_no: str
    platform: Party
    pay_company: Party
    pay_transaction_id: str
    payer_name: str
    payer_id_number: str
    telephone: str
    amount_paid: Decimal
    pay_time: datetime


def ceb411(payments: Sequence[PaymentDoc], transfer: Transfer, *, guid: str) -> bytes:
    root = envelope("411", guid)
    for pay in payments:
        check_id_card(pay.payer_id_number, "payerIdNumber")
        document = etree.SubElement(root, f"{{{CEB}}}Payment")
        node(
            document,
            "PaymentHead",
            (
                *head_start(pay.guid, pay.app_time),
                ("payCode", pay.pay_company.code),
                ("payName", pay.pay_company.name),
                ("payTransactionId", pay.pay_transaction_id),
                ("orderNo", pay.order_no),
                ("ebpCode", pay.platform.code),
                ("ebpName", pay.platform.name),
                ("payerIdType", ID_CARD),
                ("payerIdNumber", pay.payer_id_number),
                ("payerName", pay.payer_name),
                ("telephone", pay.telephone),
                ("amountPaid", yuan(pay.amount_paid)),
                ("currency", CNY),
                ("payTime", stamp(pay.pay_time)),
            ),
        )
    return closed(root, transfer, "411")


@dataclass(frozen=True, slots=True)
class WaybillDoc:
    """The parcel as its logistics company reports it (CEB511): its waybill, the
    master air waybill it flies under (direct purchase), freight and weight."""

    guid: str
    app_time: datetime
    order_no: str
    logistics: Party
    logistics_no: str
    bill_no: str
    freight: Decimal
    grams: int
    consignee: str
    consignee_address: str
    consignee_telephone: str
    goods_info: str = ""
    packages: int = 1


def ceb511(waybills: Sequence[WaybillDoc], transfer: Transfer, *, guid: str) -> bytes:
    root = envelope("511", guid)
    for bill in waybills:
        if bill.grams <= 0:
            raise MessageRefused("a parcel weighs something", "weight")
        document = etree.SubElement(root, f"{{{CEB}}}Logistics")
        node(
            document,
            "LogisticsHead",
            (
                *head_start(bill.guid, bill.app_time),
                ("logisticsCode", bill.logistics.code),
                ("logisticsName", bill.logistics.name),
                ("logisticsNo", bill.logistics_no),
                ("billNo", bill.bill_no),
                ("orderNo", bill.order_no),
                ("freight", yuan(bill.freight)),
                ("insuredFee", "0.00"),
                ("currency", CNY),
                ("weight", kilograms(bill.grams)),
                ("packNo", bill.packages),
                ("goodsInfo", bill.goods_info[:200]),
                ("consignee", bill.consignee),
                ("consigneeAddress", bill.consignee_address),
                ("consigneeTelephone", bill.consignee_telephone),
            ),
        )
    return closed(root, transfer, "511")


@cache
def _schema(name: str = SCHEMA) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD / f"{name}.xsd")))


def validated(root: etree._Element, schema: str = SCHEMA) -> bytes:
    """The message's bytes once it validates against ``schema``; otherwise refused,
    naming the first element that does not."""
    checker = _schema(schema)
    if not checker.validate(root):
        error = checker.error_log.last_error
        last = (error.path or "").rsplit("/", 1)[-1]
        field = last.split(":", 1)[-1].split("[")[0] or schema
        said = error.message
        if field in ID_NUMBER_FIELDS:  # never repeat an ID number, even a wrong one
            said = re.sub(r"'[^']*'", "'…'", said.replace(f"'{field}'", "the field"))
        raise MessageRefused(said, field)
    data: bytes = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return data
