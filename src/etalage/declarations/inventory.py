"""The inventory declaration (清单, CEB621) customs clears each parcel on, its
cancellation before release (CEB623) and the return of delivered goods (CEB625).
Pure (lxml only), built and validated like the three documents (``messages``).

The inventory repeats what the order, the payment and the waybill said (order
number, buyer, consignee, logistics number, amounts) and adds what customs taxes:
each line's HS code, its declared name and model, its quantity in the legal unit
(kilograms, ``unit1`` 035) and its value; the trade mode says the route (9610 a
parcel flown in from Liège, 1210 one taken from a bonded warehouse in China).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

from etalage.declarations.messages import (
    BELGIUM,
    CEB,
    CNY,
    ID_CARD,
    PIECE,
    Fields,
    MessageRefused,
    Party,
    Transfer,
    check_id_card,
    closed,
    envelope,
    head_start,
    kilograms,
    node,
    stamp,
    unit_yuan,
    yuan,
)

KILOGRAM = "035"  # the customs' legal unit for the lines' second quantity
DIRECT = "9610"
BONDED = "1210"
# trafMode: 5 air (a parcel flown from Liège), 8 bonded warehouse (taken off its
# shelf in China).
TRANSPORT = {DIRECT: "5", BONDED: "8"}


@dataclass(frozen=True, slots=True)
class InventoryLineDoc:
    item_no: str
    name: str  # as sold (zh-Hans)
    hs_code: str  # ten digits
    declared_name: str  # gname: what the goods are, for customs
    model: str  # gmodel: brand, size, contents
    qty: int
    grams: int  # net weight of the line
    price: Decimal
    bar_code: str = ""
    country: str = BELGIUM
    total_price: Decimal | None = None  # as in CEB311, after a seller's discount

    @property
    def total(self) -> Decimal:
        if self.total_price is not None:
            return self.total_price
        return self.price * self.qty


@dataclass(frozen=True, slots=True)
class InventoryDoc:
    guid: str
    app_time: datetime
    order_no: str
    platform: Party  # ebp, also the guarantor (assureCode) and the declaring agent
    seller: Party
    logistics: Party
    logistics_no: str
    cop_no: str  # the platform's own number for it, at most 20 (``documents``)
    customs_code: str  # the declaring customs office (four digits)
    port_code: str  # the port of entry (four digits)
    buyer_name: str
    buyer_id_number: str
    buyer_telephone: str
    consignee_address: str
    trade_mode: str  # 9610 or 1210
    freight: Decimal
    gross_grams: int
    lines: Sequence[InventoryLineDoc]
    flight: str = ""
    bill_no: str = ""  # the master air waybill (9610)


def _check_inventory(doc: InventoryDoc) -> None:
    check_id_card(doc.buyer_id_number, "buyerIdNumber")
    if not doc.lines:
        raise MessageRefused("an inventory has at least one line", "InventoryList")
    if doc.trade_mode not in TRANSPORT:
        raise MessageRefused(f"{doc.trade_mode} is not 9610 or 1210", "tradeMode")
    if doc.trade_mode == DIRECT and not doc.bill_no:
        raise MessageRefused("a parcel flown in names its air waybill", "billNo")
    net = sum(line.grams for line in doc.lines)
    if net > doc.gross_grams:
        raise MessageRefused(
            f"the goods weigh {net} g, more than the parcel's {doc.gross_grams} g",
            "netWeight",
        )


def _order_parties(doc: InventoryDoc | WithdrawalDoc) -> Fields:
    """The order and the parties to it, as every inventory message names them."""
    return (
        ("orderNo", doc.order_no),
        ("ebpCode", doc.platform.code),
        ("ebpName", doc.platform.name),
        ("ebcCode", doc.seller.code),
        ("ebcName", doc.seller.name),
        ("logisticsNo", doc.logistics_no),
        ("logisticsCode", doc.logistics.code),
        ("logisticsName", doc.logistics.name),
        ("copNo", doc.cop_no),
    )


def _inventory_head(doc: InventoryDoc) -> Fields:
    day = stamp(doc.app_time, "%Y%m%d")
    return (
        *head_start(doc.guid, doc.app_time),
        *_order_parties(doc),
        ("assureCode", doc.platform.code),
        ("ieFlag", "I"),
        ("declTime", day),
        ("customsCode", doc.customs_code),
        ("portCode", doc.port_code),
        ("ieDate", day),
        ("buyerIdType", ID_CARD),
        ("buyerIdNumber", doc.buyer_id_number),
        ("buyerName", doc.buyer_name),
        ("buyerTelephone", doc.buyer_telephone),
        ("consigneeAddress", doc.consignee_address),
        ("agentCode", doc.platform.code),
        ("agentName", doc.platform.name),
        ("tradeMode", doc.trade_mode),
        ("trafMode", TRANSPORT[doc.trade_mode]),
        ("trafNo", doc.flight),
        ("billNo", doc.bill_no),
        ("country", BELGIUM),
        ("freight", yuan(doc.freight)),
        ("insuredFee", "0.00"),
        ("currency", CNY),
        ("packNo", 1),
        ("grossWeight", kilograms(doc.gross_grams)),
        ("netWeight", kilograms(sum(x.grams for x in doc.lines))),
    )


def ceb621(
    inventories: Sequence[InventoryDoc], transfer: Transfer, *, guid: str
) -> bytes:
    root = envelope("621", guid)
    for doc in inventories:
        _check_inventory(doc)
        document = etree.SubElement(root, f"{{{CEB}}}Inventory")
        node(document, "InventoryHead", _inventory_head(doc))
        for gnum, line in enumerate(doc.lines, start=1):
            node(
                document,
                "InventoryList",
                (
                    ("gnum", gnum),
                    ("itemNo", line.item_no),
                    ("itemName", line.name),
                    ("gcode", line.hs_code),
                    ("gname", line.declared_name),
                    ("gmodel", line.model),
                    ("barCode", line.bar_code),
                    ("country", line.country),
                    ("currency", CNY),
                    ("qty", line.qty),
                    ("unit", PIECE),
                    ("qty1", kilograms(line.grams)),
                    ("unit1", KILOGRAM),
                    ("price", unit_yuan(line.price)),
                    ("totalPrice", yuan(line.total)),
                ),
            )
    return closed(root, transfer, "621")


@dataclass(frozen=True, slots=True)
class ReturnLineDoc:
    hs_code: str
    declared_name: str
    qty: int


@dataclass(frozen=True, slots=True)
class WithdrawalDoc:
    """An inventory withdrawn: cancelled before release (CEB623, no lines) or its
    goods returned after delivery (CEB625, the lines coming back)."""

    guid: str
    app_time: datetime
    customs_code: str
    order_no: str
    platform: Party
    seller: Party
    logistics: Party
    logistics_no: str
    cop_no: str
    invt_no: str  # the number customs gave the inventory
    buyer_name: str
    buyer_id_number: str
    buyer_telephone: str
    reason: str
    lines: Sequence[ReturnLineDoc] = ()


def _withdrawal_head(doc: WithdrawalDoc) -> Fields:
    """The fields of a cancellation (CEB623's InvtCancel, flat) and of a return's
    head (CEB625's InvtRefundHead): the same, in the same order."""
    if not doc.invt_no:
        raise MessageRefused("customs has not numbered this inventory", "invtNo")
    check_id_card(doc.buyer_id_number, "buyerIdNumber")
    return (
        *head_start(doc.guid, doc.app_time),
        ("customsCode", doc.customs_code),
        *_order_parties(doc),
        ("invtNo", doc.invt_no),
        ("buyerIdType", ID_CARD),
        ("buyerIdNumber", doc.buyer_id_number),
        ("buyerName", doc.buyer_name),
        ("buyerTelephone", doc.buyer_telephone),
        ("agentCode", doc.platform.code),
        ("agentName", doc.platform.name),
        ("reason", doc.reason[:1000]),
    )


def ceb623(docs: Sequence[WithdrawalDoc], transfer: Transfer, *, guid: str) -> bytes:
    """Cancel inventories not yet released: one flat ``InvtCancel`` each, as
    customs publishes it (no head, no lines)."""
    root = envelope("623", guid)
    for doc in docs:
        node(root, "InvtCancel", _withdrawal_head(doc))
    return closed(root, transfer, "623")


def ceb625(docs: Sequence[WithdrawalDoc], transfer: Transfer, *, guid: str) -> bytes:
    """Declare goods returned after release, line by line."""
    root = envelope("625", guid)
    for doc in docs:
        if not doc.lines:
            raise MessageRefused("a return names the lines coming back",
                                 "InvtRefundList")  # fmt: skip
        document = etree.SubElement(root, f"{{{CEB}}}InvtRefund")
        node(document, "InvtRefundHead", _withdrawal_head(doc))
        for gnum, line in enumerate(doc.lines, start=1):
            node(
                document,
                "InvtRefundList",
                (
                    ("gnum", gnum),
                    ("gcode", line.hs_code),
                    ("gname", line.declared_name),
                    ("qty", line.qty),
                    ("unit", PIECE),
                ),
            )
    return closed(root, transfer, "625")
