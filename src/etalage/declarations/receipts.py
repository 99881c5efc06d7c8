"""What customs sends back: receipts (CEB312, 412, 512, 622, 624, 626 for what
Étalage declares; 514 and 712 read too), each file holding several return blocks
with 17-digit times, tax bills (CEB816) and the format check of a message customs
could not take (CEB900). Pure (lxml only).

Incoming files are parsed without entities, DTDs or network access (a file with
any DOCTYPE is refused) and checked against ``xsd/ceb.xsd``, customs' own schema,
before anything acts on them; the simulator writes its answers with the same
functions, so both sides read one format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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

# What customs answers each message with: the receipt's kind, the tag of its
# blocks (several to a file, one per answer) and the fields a block carries, in
# the published order. Étalage declares the first six; the logistics status
# (513) and the delivery note (711) are declared by others and their receipts
# read all the same.
RECEIPT_BLOCKS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "311": ("312", "OrderReturn", ("ebpCode", "ebcCode", "orderNo")),
    "411": ("412", "PaymentReturn", ("payCode", "payTransactionId")),
    "511": ("512", "LogisticsReturn", ("logisticsCode", "logisticsNo")),
    "513": ("514", "LogisticsStatusReturn",
            ("logisticsCode", "logisticsNo", "logisticsStatus")),
    "621": ("622", "InventoryReturn", ("customsCode", "ebpCode", "ebcCode",
                                       "agentCode", "copNo", "preNo", "invtNo")),
    "623": ("624", "InvtCancelReturn", ("customsCode", "agentCode", "ebpCode",
                                        "ebcCode", "copNo", "preNo", "invtNo")),
    "625": ("626", "InvtRefundReturn", ("customsCode", "agentCode", "ebpCode",
                                        "ebcCode", "copNo", "preNo", "invtNo")),
    "711": ("712", "DeliveryReturn",
            ("customsCode", "operatorCode", "copNo", "preNo", "rkdNo")),
}  # fmt: skip
RECEIPTS = {
    declared: (kind, tag)
    for declared, (kind, tag, _fields) in RECEIPT_BLOCKS.items()
    if declared in ("311", "411", "511", "621", "623", "625")
}
DECLARED = {kind: declared for declared, (kind, _t, _f) in RECEIPT_BLOCKS.items()}
# The field a receipt names its document by, besides the guid.
REFERENCE = ("orderNo", "copNo", "logisticsNo", "payTransactionId")

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
# CEB816's status: 1 assessed, 2 summed into the guarantor's tax payment, 3 void.
TAX_SUMMED, TAX_VOID = "2", "3"
FORMAT_CHECK = "900"  # CEB900: customs could not take a message


def is_final(status: int) -> bool:
    return status in FINAL or status < 0


@dataclass(frozen=True, slots=True)
class ReceiptDoc:
    """One return block: customs' answer about one declared head."""

    declared: str  # the kind answered: "311", "621"…
    guid: str  # the declared head's guid
    status: int
    at: datetime  # Beijing time, to the millisecond
    info: str
    fields: Mapping[str, str] = field(default_factory=dict)  # the block's others
    receipt: str = ""  # "900": customs' format check of a whole message
    source: str = field(default="", compare=False)  # the block as read

    @property
    def kind(self) -> str:
        return self.receipt or RECEIPT_BLOCKS[self.declared][0]

    @property
    def invt_no(self) -> str:
        """The number customs gave an inventory (CEB622, 624, 626)."""
        return self.fields.get("invtNo", "")

    @property
    def reference(self) -> str:
        """The order number, copy number, logistics number or transaction id the
        block names its document by."""
        return next((self.fields[n] for n in REFERENCE if self.fields.get(n)), "")


@dataclass(frozen=True, slots=True)
class TaxLineDoc:
    hs_code: str
    price: Decimal
    customs_tax: Decimal
    vat: Decimal
    consumption_tax: Decimal


@dataclass(frozen=True, slots=True)
class TaxBillDoc:
    """A tax bill (CEB816's Tax): found by its inventory's number."""

    guid: str
    at: datetime
    invt_no: str
    tax_no: str
    customs_tax: Decimal
    vat: Decimal
    consumption_tax: Decimal
    status: str  # 1 assessed, 2 summed into the guarantor's payment, 3 void
    customs_code: str
    assure_code: str
    ebc_code: str
    logistics_code: str
    lines: Sequence[TaxLineDoc]
    source: str = field(default="", compare=False)  # the Tax element as read

    @property
    def paid(self) -> bool:
        return self.status == TAX_SUMMED

    @property
    def total(self) -> Decimal:
        return self.customs_tax + self.vat + self.consumption_tax


def stamp_ms(at: datetime) -> str:
    """A receipt's time as customs writes it: Beijing time to the millisecond,
    17 digits."""
    return stamp(at) + f"{at.microsecond // 1000:03d}"


def _time(text: str, field: str) -> datetime:
    """A 17-digit receipt time (Beijing, no zone); refused by field otherwise."""
    try:
        if len(text) != 17 or not text.isdigit():
            raise ValueError(text)
        at = datetime.strptime(text[:14], "%Y%m%d%H%M%S")
    except ValueError:
        raise MessageRefused(
            f"{text!r} is not a time (YYYYMMDDhhmmssSSS)", field
        ) from None
    return at.replace(microsecond=int(text[14:]) * 1000)


def receipt_xml(receipts: Sequence[ReceiptDoc], *, guid: str) -> bytes:
    """One receipt file holding ``receipts`` (all of one kind), as customs sends
    it: a block each, its fields in the published order."""
    kind, tag, fields = RECEIPT_BLOCKS[receipts[0].declared]
    root = envelope(kind, guid)
    for receipt in receipts:
        if receipt.declared != receipts[0].declared:
            raise MessageRefused("one kind of receipt to a file", tag)
        node(
            root,
            tag,
            (
                ("guid", receipt.guid),
                *((name, receipt.fields.get(name, "")) for name in fields),
                ("returnStatus", receipt.status),
                ("returnTime", stamp_ms(receipt.at)),
                ("returnInfo", receipt.info),
            ),
        )
    return validated(root)


def format_check_xml(check: ReceiptDoc, *, guid: str) -> bytes:
    """CEB900: customs could not take the message ``check.guid`` names (a negative
    status, why in ``info``); the message itself is not repeated."""
    root = envelope("900", guid)
    block = node(
        root, "MessageReturn", (("guid", check.guid), ("returnStatus", check.status))
    )
    said = {
        "returnInfo": check.info,
        "returnTime": stamp_ms(check.at),
        "oriCopMsgId": check.fields.get("oriCopMsgId", ""),
        "oriMessageType": f"CEB{check.declared}Message"
        if check.declared
        else "Unknown",
        "oriBizMessage": "",
    }
    for name, value in said.items():  # present even when empty, as the schema says
        node(block, name)
        block[-1].text = value
    return validated(root)


def tax_bill_xml(bill: TaxBillDoc, *, guid: str) -> bytes:
    root = envelope("816", guid)
    tax = etree.SubElement(root, f"{{{CEB}}}Tax")
    node(
        tax,
        "TaxHeadRd",
        (
            ("guid", bill.guid),
            ("returnTime", stamp_ms(bill.at)),
            ("invtNo", bill.invt_no),
            ("taxNo", bill.tax_no),
            ("customsTax", yuan(bill.customs_tax)),
            ("valueAddedTax", yuan(bill.vat)),
            ("consumptionTax", yuan(bill.consumption_tax)),
            ("status", bill.status),
            ("assureCode", bill.assure_code),
            ("ebcCode", bill.ebc_code),
            ("logisticsCode", bill.logistics_code),
            ("agentCode", bill.assure_code),
            ("customsCode", bill.customs_code),
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
    return validated(root)


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False
)


def parse_xml(data: bytes) -> etree._Element:
    """A document from outside, parsed safely; refused if it is not XML or has a
    DOCTYPE (customs' messages never do)."""
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise MessageRefused(str(error) or "not XML", "xml") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise MessageRefused("a document type declaration is not accepted", "DOCTYPE")
    return root


Answer = ReceiptDoc | TaxBillDoc


def _text(element: etree._Element, tag: str) -> str:
    return str(element.findtext(f"{{{CEB}}}{tag}", default="")).strip()


def _money(element: etree._Element, tag: str) -> Decimal:
    try:
        return Decimal(_text(element, tag))
    except ArithmeticError:
        raise MessageRefused("not an amount", tag) from None


def _tax_bills(root: etree._Element) -> list[Answer]:
    bills: list[Answer] = []
    for tax in root.findall(f"{{{CEB}}}Tax"):
        head = tax.find(f"{{{CEB}}}TaxHeadRd")
        bills.append(
            TaxBillDoc(
                guid=_text(head, "guid"),
                at=_time(_text(head, "returnTime"), "returnTime"),
                invt_no=_text(head, "invtNo"),
                tax_no=_text(head, "taxNo"),
                customs_tax=_money(head, "customsTax"),
                vat=_money(head, "valueAddedTax"),
                consumption_tax=_money(head, "consumptionTax"),
                status=_text(head, "status"),
                customs_code=_text(head, "customsCode"),
                assure_code=_text(head, "assureCode"),
                ebc_code=_text(head, "ebcCode"),
                logistics_code=_text(head, "logisticsCode"),
                lines=[
                    TaxLineDoc(
                        hs_code=_text(line, "gcode"),
                        price=_money(line, "taxPrice"),
                        customs_tax=_money(line, "customsTax"),
                        vat=_money(line, "valueAddedTax"),
                        consumption_tax=_money(line, "consumptionTax"),
                    )
                    for line in tax.findall(f"{{{CEB}}}TaxListRd")
                ],
                source=etree.tostring(tax, encoding="unicode"),
            )
        )
    return bills


def _format_check(block: etree._Element) -> ReceiptDoc:
    """CEB900's MessageReturn: the original message (``oriBizMessage``, which may
    carry an ID number) is left out."""
    said = {etree.QName(f).localname: (f.text or "").strip() for f in block}
    original = said["oriMessageType"]
    declared = original.removeprefix("CEB").removesuffix("Message")
    try:
        status = int(said["returnStatus"])
    except ValueError:
        raise MessageRefused("not a status", "returnStatus") from None
    return ReceiptDoc(
        declared=declared if declared in RECEIPT_BLOCKS else "",
        guid=said["guid"],
        status=status,
        at=_time(said["returnTime"], "returnTime"),
        info=said["returnInfo"],
        fields={"oriMessageType": original, "oriCopMsgId": said["oriCopMsgId"]},
        receipt=FORMAT_CHECK,
    )


def _kind(root: etree._Element) -> str:
    name = str(etree.QName(root).localname)
    return name.removeprefix("CEB").removesuffix("Message")


def read_answer(data: bytes) -> list[Answer]:
    """Every answer a file from customs holds: each return block of a receipt
    (CEB312, 412, 512, 514, 622, 624, 626, 712) or each tax bill of a CEB816,
    checked against the schema first; refused whole, naming the field, if any
    part is unreadable."""
    root = parse_xml(data)
    kind = _kind(root)
    if kind not in ("816", FORMAT_CHECK) and kind not in DECLARED:
        raise MessageRefused(f"CEB{kind} is not an answer Étalage reads", "kind")
    validated(root)
    if kind == "816":
        return _tax_bills(root)
    if kind == FORMAT_CHECK:
        return [_format_check(root[0])]
    declared = DECLARED[kind]
    answers: list[Answer] = []
    for block in root:
        said = {etree.QName(f).localname: (f.text or "").strip() for f in block}
        try:
            status = int(said["returnStatus"])
        except ValueError:
            raise MessageRefused("not a status", "returnStatus") from None
        answers.append(
            ReceiptDoc(
                declared=declared,
                guid=said["guid"],
                status=status,
                at=_time(said["returnTime"], "returnTime"),
                info=said["returnInfo"],
                fields={
                    name: value
                    for name, value in said.items()
                    if name not in ("guid", "returnStatus", "returnTime", "returnInfo")
                },
                source=etree.tostring(block, encoding="unicode"),
            )
        )
    return answers
