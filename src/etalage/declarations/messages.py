"""China Customs' cross-border e-commerce messages, built and validated before they
leave. Pure (lxml only).

A message is built from plain documents (``OrderDoc`` …), checked for what customs
checks arithmetically (the amount paid is goods + freight + tax - discount; the
lines add up to the goods), then validated against the schema Étalage keeps for it
(``xsd/``, written from the published field lists: the official XSDs are not
public). What fails says which field and why; nothing invalid is ever sent.
Started with CEB311 (the order); the payment (CEB411), waybill (CEB511), inventory
(CEB621), cancellation (CEB623) and return (CEB625) follow the same pattern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from lxml import etree

CEB = "http://www.chinaport.gov.cn/ceb"
CNY = "142"  # the customs' currency code for the yuan
BELGIUM = "301"  # the customs' country code for Belgium
PIECE = "011"  # the customs' unit code for a piece (件)
ID_CARD = "1"  # buyerIdType: resident identity card
XSD = Path(__file__).parent / "xsd"


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
    bar_code: str = ""
    unit: str = PIECE
    country: str = BELGIUM

    @property
    def total(self) -> Decimal:
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
    buyer_id_number: str
    pay_company: Party
    pay_transaction_id: str
    consignee: str
    consignee_telephone: str
    consignee_address: str
    lines: Sequence[OrderLineDoc]


@dataclass(frozen=True, slots=True)
class Transfer:
    """BaseTransfer: who sends, through which exchange."""

    cop: Party
    dxp_mode: str = "DXP"
    dxp_id: str = ""


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _add(parent: etree._Element, tag: str, text: object) -> None:
    element = etree.SubElement(parent, f"{{{CEB}}}{tag}")
    element.text = str(text)


def _check_order(order: OrderDoc) -> None:
    if not order.lines:
        raise MessageRefused("an order has at least one line", "OrderList")
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
    root = etree.Element(
        f"{{{CEB}}}CEB311Message", nsmap={"ceb": CEB}, guid=guid, version="1.0"
    )
    for order in orders:
        _check_order(order)
        node = etree.SubElement(root, f"{{{CEB}}}Order")
        head = etree.SubElement(node, f"{{{CEB}}}OrderHead")
        for tag, value in (
            ("guid", order.guid),
            ("appType", "1"),
            ("appTime", f"{order.app_time:%Y%m%d%H%M%S}"),
            ("appStatus", "2"),
            ("orderType", "I"),
            ("orderNo", order.order_no),
            ("ebpCode", order.platform.code),
            ("ebpName", order.platform.name),
            ("ebcCode", order.seller.code),
            ("ebcName", order.seller.name),
            ("goodsValue", _money(order.goods_value)),
            ("freight", _money(order.freight)),
            ("discount", _money(order.discount)),
            ("taxTotal", _money(order.tax_total)),
            ("acturalPaid", _money(order.paid)),
            ("currency", CNY),
            ("buyerRegNo", order.buyer_reg_no),
            ("buyerName", order.buyer_name),
            ("buyerIdType", ID_CARD),
            ("buyerIdNumber", order.buyer_id_number),
            ("payCode", order.pay_company.code),
            ("payName", order.pay_company.name),
            ("payTransactionId", order.pay_transaction_id),
            ("consignee", order.consignee),
            ("consigneeTelephone", order.consignee_telephone),
            ("consigneeAddress", order.consignee_address),
        ):
            _add(head, tag, value)
        for gnum, line in enumerate(order.lines, start=1):
            item = etree.SubElement(node, f"{{{CEB}}}OrderList")
            fields: tuple[tuple[str, str], ...] = (
                ("gnum", str(gnum)),
                ("itemNo", line.item_no),
                ("itemName", line.name),
                ("barCode", line.bar_code),
                ("unit", line.unit),
                ("qty", str(line.qty)),
                ("price", _money(line.price)),
                ("totalPrice", _money(line.total)),
                ("currency", CNY),
                ("country", line.country),
            )
            for tag, value in fields:
                if tag == "barCode" and not value:
                    continue
                _add(item, tag, value)
    base = etree.SubElement(root, f"{{{CEB}}}BaseTransfer")
    for tag, value in (
        ("copCode", transfer.cop.code),
        ("copName", transfer.cop.name),
        ("dxpMode", transfer.dxp_mode),
        ("dxpId", transfer.dxp_id or "-"),
    ):
        _add(base, tag, value)
    return validated(root, "ceb311")


@cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD / f"{name}.xsd")))


def validated(root: etree._Element, schema: str) -> bytes:
    """The message's bytes once it validates against ``schema``; otherwise refused,
    naming the first element that does not."""
    checker = _schema(schema)
    if not checker.validate(root):
        error = checker.error_log.last_error
        last = (error.path or "").rsplit("/", 1)[-1]
        field = last.split(":", 1)[-1].split("[")[0] or schema
        raise MessageRefused(error.message, field)
    data: bytes = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return data
