"""What customs sends back: a receipt for each declared message (CEB312, 412, 512,
622, 624, 626) and the tax bill of each inventory (CEB816). Pure (lxml only).

Incoming files are parsed without entities or network access and checked against
``xsd/receipts.xsd`` before anything acts on them; the simulator builds its answers
with the same functions, so both sides read one format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from lxml import etree

from etalage.declarations.messages import (
    CEB,
    MessageRefused,
    envelope,
    node,
    stamp,
    validated,
    yuan,
)

# The receipt each declared message is answered with, and its block's tag.
RECEIPTS = {
    "311": ("312", "OrderReturn"),
    "411": ("412", "PaymentReturn"),
    "511": ("512", "LogisticsReturn"),
    "621": ("622", "InventoryReturn"),
    "623": ("624", "InvtCancelReturn"),
    "625": ("626", "InvtRefundReturn"),
}
DECLARED = {receipt: declared for declared, (receipt, _tag) in RECEIPTS.items()}

# returnStatus: where customs stands on a declared message.
DECLARING = 2
ENTERED = 120
MANUAL_REVIEW = 300
AUDITED = 399
INSPECTION = 500
RELEASED = 800
CLEARED = 899
REFUSED = 100
# The answers after which nothing more comes for the message.
FINAL = frozenset({REFUSED, RELEASED, CLEARED})


def is_final(status: int) -> bool:
    return status in FINAL or status < 0


@dataclass(frozen=True, slots=True)
class ReceiptDoc:
    declared: str  # the kind answered: "311", "621"…
    guid: str  # the declared head's guid
    status: int
    at: datetime
    info: str
    invt_no: str = ""  # the number customs gives an inventory
    reference: str = ""  # orderNo, logisticsNo or copNo, as the receipt carries


@dataclass(frozen=True, slots=True)
class TaxLineDoc:
    hs_code: str
    price: Decimal
    customs_tax: Decimal
    vat: Decimal
    consumption_tax: Decimal


@dataclass(frozen=True, slots=True)
class TaxBillDoc:
    guid: str  # the inventory's head guid
    at: datetime
    invt_no: str
    tax_no: str
    customs_tax: Decimal
    vat: Decimal
    consumption_tax: Decimal
    paid: bool  # status 2: debited from the guarantee
    order_no: str
    customs_code: str
    assure_code: str
    ebc_code: str
    logistics_code: str
    lines: Sequence[TaxLineDoc]

    @property
    def total(self) -> Decimal:
        return self.customs_tax + self.vat + self.consumption_tax


def _time(text: str) -> datetime:
    return datetime.strptime(text, "%Y%m%d%H%M%S")


def receipt_xml(receipt: ReceiptDoc, *, guid: str, customs_code: str = "") -> bytes:
    """The receipt customs sends for ``receipt.declared``."""
    kind, tag = RECEIPTS[receipt.declared]
    root = envelope(kind, guid)
    reference_tag = {"511": "logisticsNo", "621": "copNo"}.get(
        receipt.declared, "orderNo"
    )
    node(
        root,
        tag,
        (
            ("guid", receipt.guid),
            ("customsCode", customs_code),
            (reference_tag, receipt.reference),
            ("invtNo", receipt.invt_no),
            ("returnStatus", receipt.status),
            ("returnTime", stamp(receipt.at)),
            ("returnInfo", receipt.info),
        ),
    )
    return validated(root, "receipts")


def tax_bill_xml(bill: TaxBillDoc, *, guid: str) -> bytes:
    root = envelope("816", guid)
    tax = etree.SubElement(root, f"{{{CEB}}}Tax")
    node(
        tax,
        "TaxHeadRd",
        (
            ("guid", bill.guid),
            ("returnTime", stamp(bill.at)),
            ("invtNo", bill.invt_no),
            ("taxNo", bill.tax_no),
            ("customsTax", yuan(bill.customs_tax)),
            ("valueAddedTax", yuan(bill.vat)),
            ("consumptionTax", yuan(bill.consumption_tax)),
            ("status", "2" if bill.paid else "1"),
            ("assureCode", bill.assure_code),
            ("ebcCode", bill.ebc_code),
            ("logisticsCode", bill.logistics_code),
            ("agentCode", bill.assure_code),
            ("customsCode", bill.customs_code),
            ("orderNo", bill.order_no),
        ),
    )
    for gnum, line in enumerate(bill.lines, start=1):
        node(
            tax,
            "TaxListRd",
            (
                ("gnum", gnum),
                ("gcode", line.hs_code),
                ("taxPrice", yuan(line.price)),
                ("customsTax", yuan(line.customs_tax)),
                ("valueAddedTax", yuan(line.vat)),
                ("consumptionTax", yuan(line.consumption_tax)),
            ),
        )
    return validated(root, "receipts")


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def parse_xml(data: bytes) -> etree._Element:
    """A document from outside, parsed safely; refused if it is not XML."""
    try:
        return etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as error:
        raise MessageRefused(str(error), "xml") from None


def read_answer(data: bytes) -> ReceiptDoc | TaxBillDoc:
    """A receipt or a tax bill from customs, checked against the schema."""
    root = parse_xml(data)
    validated(root, "receipts")
    kind = etree.QName(root).localname.removeprefix("CEB").removesuffix("Message")
    ns = {"ceb": CEB}

    def text(element: etree._Element, tag: str) -> str:
        return str(element.findtext(f"ceb:{tag}", default="", namespaces=ns))

    if kind == "816":
        tax = root.find("ceb:Tax", ns)
        head = tax.find("ceb:TaxHeadRd", ns)
        return TaxBillDoc(
            guid=text(head, "guid"),
            at=_time(text(head, "returnTime")),
            invt_no=text(head, "invtNo"),
            tax_no=text(head, "taxNo"),
            customs_tax=Decimal(text(head, "customsTax")),
            vat=Decimal(text(head, "valueAddedTax")),
            consumption_tax=Decimal(text(head, "consumptionTax")),
            paid=text(head, "status") == "2",
            order_no=text(head, "orderNo"),
            customs_code=text(head, "customsCode"),
            assure_code=text(head, "assureCode"),
            ebc_code=text(head, "ebcCode"),
            logistics_code=text(head, "logisticsCode"),
            lines=[
                TaxLineDoc(
                    hs_code=text(line, "gcode"),
                    price=Decimal(text(line, "taxPrice")),
                    customs_tax=Decimal(text(line, "customsTax")),
                    vat=Decimal(text(line, "valueAddedTax")),
                    consumption_tax=Decimal(text(line, "consumptionTax")),
                )
                for line in tax.findall("ceb:TaxListRd", ns)
            ],
        )
    block = root[0]
    return ReceiptDoc(
        declared=DECLARED[kind],
        guid=text(block, "guid"),
        status=int(text(block, "returnStatus")),
        at=_time(text(block, "returnTime")),
        info=text(block, "returnInfo"),
        invt_no=text(block, "invtNo"),
        reference=text(block, "orderNo")
        or text(block, "logisticsNo")
        or text(block, "copNo"),
    )
