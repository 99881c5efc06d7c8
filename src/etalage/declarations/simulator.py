"""The embedded single window: China Customs' CBEC gateway as Étalage's demo and
tests meet it. Never presented as customs: the console and docs/customs.md say so.

It behaves like the gateway: a message is refused whole if its signature does not
verify against the operator's certificate or it breaks customs' schema (the same
``xsd/ceb.xsd`` the declaring side checks with; a format check, CEB900, with a
negative status says why); each accepted head is answered asynchronously (2
declaring at once, 120 entered a step later), in customs' receipt formats: one file
holding a return block for each head of the message, each block with the fields its
receipt type carries (order number, transaction id, copy and pre-entry numbers…) and
a 17-digit time; an inventory is then matched with the order, the payment and the
waybill of the same order number (amounts, the payer equal to the buyer, the
consignee, the logistics number, the weight) and either refused (100, with customs'
reason) or audited (399, with its tax bill) and a step later released (800, the bill
summed into the guarantor's payment; CEB816 as customs publishes it, found by the
inventory's number). A head sent again under the same guid is answered again with
where it stands. Told to, it misbehaves like the real one does: answers out of
order, twice, or lost until asked (``ETALAGE_CUSTOMS_SANDBOX_MISBEHAVE``:
``reorder``, ``duplicate``, ``drop``),
and it refuses or inspects an order's inventory when a ``SimulatorInstruction``
says so (the demo's refused parcel, the tests').

It does not keep customs' tariff tables: the tax bill assesses what the order
message declared, line by line in proportion to value.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lxml import etree

from etalage.customs.cbec import allocate
from etalage.customs.identity_crypto import id_number_hmac
from etalage.declarations.messages import CEB, MessageRefused, validated
from etalage.declarations.models import (
    SimulatorAnswer,
    SimulatorDocument,
    SimulatorInstruction,
)
from etalage.declarations.receipts import (
    AUDITED,
    DECLARING,
    ENTERED,
    FORMAT_CHECK,
    INSPECTION,
    RECEIPT_BLOCKS,
    REFUSED,
    RELEASED,
    TAX_SUMMED,
    ReceiptDoc,
    TaxBillDoc,
    TaxLineDoc,
    format_check_xml,
    parse_xml,
    receipt_xml,
    tax_bill_xml,
)
from etalage.declarations.signing import simulator_verified

NS = {"ceb": CEB}
WITHDRAWN = (
    "orderNo",
    "invtNo",
    "customsCode",
    "copNo",
    "ebpCode",
    "ebcCode",
    "agentCode",
)
HEADS = {
    "311": "ceb:Order",
    "411": "ceb:Payment",
    "511": "ceb:Logistics",
    "621": "ceb:Inventory",
    "623": "ceb:InvtCancel",
    "625": "ceb:InvtRefund",
}
# What each document is matched on, read from its head.
FACTS = {
    "311": (
        "orderNo",
        "ebpCode",
        "acturalPaid",
        "goodsValue",
        "freight",
        "taxTotal",
        "buyerName",
        "buyerIdNumber",
        "consignee",
        "consigneeAddress",
        "ebcCode",
    ),
    "411": (
        "orderNo",
        "amountPaid",
        "payerName",
        "payerIdNumber",
        "payCode",
        "payTransactionId",
    ),
    "511": (
        "orderNo",
        "logisticsCode",
        "logisticsNo",
        "weight",
        "consignee",
        "consigneeAddress",
        "freight",
    ),
    "621": (
        "orderNo",
        "logisticsNo",
        "grossWeight",
        "buyerName",
        "buyerIdNumber",
        "consigneeAddress",
        "freight",
        "ebpCode",
        "ebcCode",
        "agentCode",
        "customsCode",
        "copNo",
        "tradeMode",
    ),
    "623": WITHDRAWN,
    "625": WITHDRAWN,
}


def _step() -> timedelta:
    return timedelta(seconds=settings.ETALAGE_CUSTOMS_SANDBOX_STEP_SECONDS)


def _misbehaviour() -> set[str]:
    return {
        word.strip()
        for word in settings.ETALAGE_CUSTOMS_SANDBOX_MISBEHAVE.split(",")
        if word.strip()
    }


def _answer(receipt: ReceiptDoc, due: datetime) -> None:
    _answers([(receipt, due)])


BLOCKS_PER_FILE = 100  # customs' schema: at most 100 return blocks to a receipt


def _answers(receipts: list[tuple[ReceiptDoc, datetime]]) -> None:
    """Receipts of one kind and status due at the same time go in one file, a
    block each, 100 at most (as customs answers a message of several heads);
    ``about`` names every head's guid."""
    files: dict[tuple[datetime, str, int], list[ReceiptDoc]] = defaultdict(list)
    for receipt, due in receipts:
        files[due, receipt.declared, receipt.status].append(receipt)
    SimulatorAnswer.objects.bulk_create(
        SimulatorAnswer(
            body=receipt_xml(chunk, guid=_guid()),
            due_at=due,
            about=" ".join(r.guid for r in chunk),
        )
        for (due, _kind, _status), blocks in files.items()
        for start in range(0, len(blocks), BLOCKS_PER_FILE)
        for chunk in [blocks[start : start + BLOCKS_PER_FILE]]
    )


def _guid() -> str:
    return str(uuid.uuid4()).upper()


def pre_no(guid: str, at: datetime) -> str:
    """The pre-entry number customs gives a head it takes in (18 characters)."""
    serial = int(hashlib.sha256(guid.encode()).hexdigest(), 16) % 10**9
    return f"B{at:%Y%m%d}{serial:09d}"


def _receipt(
    kind: str,
    guid: str,
    status: int,
    info: str,
    at: datetime,
    facts: dict[str, Any],
    invt_no: str = "",
) -> ReceiptDoc:
    """A return block about one head, with the fields its receipt type carries,
    taken from what the head said."""
    said = {**facts, "preNo": pre_no(guid, at), "invtNo": invt_no}
    return ReceiptDoc(
        declared=kind,
        guid=guid,
        status=status,
        at=at,
        info=info,
        fields={name: str(said.get(name) or "") for name in RECEIPT_BLOCKS[kind][2]},
    )


@transaction.atomic
def receive(message: bytes, *, now: datetime | None = None) -> int:
    """Take a message as the gateway would; return how many heads it accepted."""
    now = now or timezone.now()
    root = parse_xml(message)
    kind = etree.QName(root).localname.removeprefix("CEB").removesuffix("Message")
    heads = root.findall(HEADS.get(kind, "ceb:none"), NS)
    try:
        simulator_verified(message)
        validated(root)
    except MessageRefused as error:
        _refuse_whole(kind, root.get("guid", ""), f"报文校验失败: {error}", now)
        return 0
    facts = {
        _head(head).findtext("ceb:guid", namespaces=NS): _facts(kind, _head(head))
        for head in heads
    }
    known = set(
        SimulatorDocument.objects.filter(guid__in=facts).values_list("guid", flat=True)
    )
    for guid in known:  # the same head again: say where it stands
        query(guid, now=now)
    fresh = {guid: said for guid, said in facts.items() if guid not in known}
    moving = kind in ("621", "623", "625")
    SimulatorDocument.objects.bulk_create(
        SimulatorDocument(
            kind=kind,
            guid=guid,
            order_no=said["orderNo"],
            facts=said,
            next_at=now + 2 * _step() if moving else None,
        )
        for guid, said in fresh.items()
    )
    _answers(
        [
            (_receipt(kind, guid, DECLARING, "申报中", now, said), now)
            for guid, said in fresh.items()
        ]
        + [
            (_receipt(kind, guid, ENTERED, "已入库", now, said), now + _step())
            for guid, said in fresh.items()
        ]
    )
    return len(heads)


def _head(document: etree._Element) -> etree._Element:
    """A document's head: its first child (OrderHead…), or the document itself
    when customs publishes it flat (CEB623's InvtCancel)."""
    first = document[0] if len(document) else document
    return document if etree.QName(first).localname == "guid" else first


def _refuse_whole(kind: str, guid: str, why: str, now: datetime) -> None:
    """A message customs cannot take (its signature or its schema): a format check
    (CEB900) under the message's guid, with a negative status and why."""
    check = ReceiptDoc(
        declared=kind if kind in RECEIPT_BLOCKS else "",
        guid=guid,
        status=-1,
        at=now,
        info=why[:5000],
        receipt=FORMAT_CHECK,
    )
    # A message too broken to be named (no guid) gets no answer, as with customs.
    with contextlib.suppress(MessageRefused):
        SimulatorAnswer.objects.create(
            body=format_check_xml(check, guid=_guid()), due_at=now, about=guid
        )


def _facts(kind: str, head: etree._Element) -> dict[str, Any]:
    """What the simulator keeps of a head to match the three documents on; an ID
    number by its keyed hash only (it compares them, it never needs to read one)."""
    facts: dict[str, Any] = {
        tag: head.findtext(f"ceb:{tag}", default="", namespaces=NS)
        for tag in FACTS[kind]
    }
    for tag in facts:
        if tag.endswith("IdNumber") and facts[tag]:
            facts[tag] = id_number_hmac(facts[tag])
    if kind == "621":
        items = head.getparent().findall("ceb:InventoryList", NS)
        facts["goods"] = str(
            sum(Decimal(i.findtext("ceb:totalPrice", namespaces=NS)) for i in items)
        )
        facts["lines"] = [
            (
                i.findtext("ceb:gcode", namespaces=NS),
                i.findtext("ceb:totalPrice", namespaces=NS),
            )
            for i in items
        ]
    return facts


def query(guid: str, *, now: datetime | None = None) -> bool:
    """Answer again with the head's newest receipt, and its newest tax bill (a
    declarant's query)."""
    now = now or timezone.now()
    told = SimulatorAnswer.objects.filter(
        about__contains=guid, due_at__lte=now
    ).order_by("-due_at", "-pk")
    again = [
        answer
        for answer in (
            told.filter(tax_bill=False).first(),
            told.filter(tax_bill=True).first(),
        )
        if answer is not None
    ]
    for answer in again:
        SimulatorAnswer.objects.create(
            body=bytes(answer.body),
            due_at=now,
            about=answer.about,
            tax_bill=answer.tax_bill,
        )
    return bool(again)


def mismatches(
    order: dict[str, Any] | None,
    payment: dict[str, Any] | None,
    waybill: dict[str, Any] | None,
    inventory: dict[str, Any],
) -> list[str]:
    """Why the three documents and the inventory do not agree (customs' words);
    nothing when they do."""
    if order is None or payment is None or waybill is None:
        missing = [
            name
            for name, doc in (("订单", order), ("支付单", payment), ("运单", waybill))
            if doc is None
        ]
        return [f"三单比对失败: 未收到{'、'.join(missing)}"]
    money = Decimal
    checks = (
        (
            money(payment["amountPaid"]) == money(order["acturalPaid"]),
            "支付单金额与订单实付金额不一致",
        ),
        (
            payment["payerIdNumber"] == order["buyerIdNumber"]
            and payment["payerName"] == order["buyerName"],
            "支付人与订购人不一致",
        ),
        (
            inventory["buyerIdNumber"] == order["buyerIdNumber"]
            and inventory["buyerName"] == order["buyerName"],
            "清单订购人与订单不一致",
        ),
        (
            waybill["consignee"] == order["consignee"]
            and waybill["consigneeAddress"] == order["consigneeAddress"],
            "运单收货人与订单不一致",
        ),
        (inventory["logisticsNo"] == waybill["logisticsNo"], "清单运单号与运单不一致"),
        (
            money(inventory["grossWeight"]) == money(waybill["weight"]),
            "清单毛重与运单重量不一致",
        ),
        (
            money(inventory["goods"]) == money(order["goodsValue"]),
            "清单货值与订单商品价格不一致",
        ),
        (
            money(inventory["freight"])
            == money(order["freight"])
            == money(waybill["freight"]),
            "运费不一致",
        ),
        (inventory["ebcCode"] == order["ebcCode"], "清单电商企业与订单不一致"),
    )
    return [reason for agreed, reason in checks if not agreed]


def _documents(order_no: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for document in SimulatorDocument.objects.filter(order_no=order_no):
        found.setdefault(document.kind, document.facts)
    return found


def _tax_bill(
    document: SimulatorDocument, order: dict[str, Any], now: datetime, paid: bool
) -> None:
    facts = document.facts
    lines = facts["lines"]
    tax = Decimal(order["taxTotal"])
    shares = allocate(tax, [Decimal(total) for _code, total in lines])
    bill = TaxBillDoc(
        guid=document.guid,
        at=now,
        invt_no=document.invt_no,
        tax_no=f"T{document.invt_no}",
        customs_tax=Decimal("0.00"),
        vat=tax,
        consumption_tax=Decimal("0.00"),
        status=TAX_SUMMED if paid else "1",
        customs_code=facts["customsCode"],
        assure_code=settings.ETALAGE_MERCHANT_CUSTOMS_CODE,
        ebc_code=facts["ebcCode"],
        logistics_code=settings.ETALAGE_CUSTOMS_LOGISTICS_CODE,
        lines=[
            TaxLineDoc(
                hs_code=code,
                price=Decimal(total),
                customs_tax=Decimal("0.00"),
                vat=share,
                consumption_tax=Decimal("0.00"),
            )
            for (code, total), share in zip(lines, shares, strict=True)
        ],
    )
    body = tax_bill_xml(bill, guid=_guid())
    SimulatorAnswer.objects.create(
        body=body, due_at=now, about=document.guid, tax_bill=True
    )


def _advance(document: SimulatorDocument, now: datetime) -> None:
    facts, guid, kind = document.facts, document.guid, document.kind
    say = _receipt
    if kind in ("623", "625"):
        words = "撤销审核通过" if kind == "623" else "退货审核通过"
        _answer(say(kind, guid, AUDITED, words, now, facts, facts["invtNo"]), now)
        document.stage, document.next_at = "done", None
        return
    instruction = SimulatorInstruction.objects.filter(order_no=facts["orderNo"]).first()
    if document.stage == "entered":
        found = _documents(facts["orderNo"])
        problems = mismatches(
            found.get("311"), found.get("411"), found.get("511"), facts
        )
        if instruction and instruction.verdict == "refuse":
            problems.append(instruction.reason or "查验不符")
        if problems:
            _answer(say(kind, guid, REFUSED, "; ".join(problems), now, facts), now)
            document.stage, document.next_at = "refused", None
            return
        document.invt_no = f"{facts['customsCode']}{now:%Y}I{document.pk:09d}"
        _answer(say(kind, guid, AUDITED, "审核通过", now, facts, document.invt_no), now)
        _tax_bill(document, found["311"], now, paid=False)
        document.stage, document.next_at = "audited", now + _step()
        if instruction and instruction.verdict == "inspect":
            _answer(
                say(kind, guid, INSPECTION, "布控查验", now, facts, document.invt_no),
                now,
            )
        return
    _answer(say(kind, guid, RELEASED, "放行", now, facts, document.invt_no), now)
    _tax_bill(document, _documents(facts["orderNo"])["311"], now, paid=True)
    document.stage, document.next_at = "released", None


def simulator_step(*, now: datetime | None = None, batch: int = 500) -> int:
    """Move the inventories whose time has come (the clock runs it)."""
    if not settings.ETALAGE_CUSTOMS_SANDBOX:
        return 0
    now = now or timezone.now()
    moved = 0
    with transaction.atomic():
        due = SimulatorDocument.objects.select_for_update(skip_locked=True).filter(
            next_at__lte=now
        )[:batch]
        for document in due:
            _advance(document, now)
            document.save(update_fields=["stage", "invt_no", "next_at"])
            moved += 1
    return moved


_RELEASE = b"<ceb:returnStatus>800<"


def _told_before(answer: SimulatorAnswer) -> bool:
    """Whether the release was handed over before this copy of it."""
    earlier = SimulatorAnswer.objects.filter(about=answer.about, pk__lt=answer.pk)
    return any(_RELEASE in bytes(a.body) for a in earlier.exclude(delivered_at=None))


def answers_due(*, now: datetime | None = None, batch: int = 500) -> list[bytes]:
    """The answers whose time has come, handed over once (and misbehaving as
    told: reordered, twice, or an 800 lost until asked again)."""
    now = now or timezone.now()
    misbehave = _misbehaviour()
    with transaction.atomic():
        due = list(
            SimulatorAnswer.objects.select_for_update(skip_locked=True)
            .filter(due_at__lte=now, delivered_at=None)
            .order_by("due_at", "pk")[:batch]
        )
        SimulatorAnswer.objects.filter(pk__in=[a.pk for a in due]).update(
            delivered_at=now
        )
    bodies = []
    for answer in due:
        body = bytes(answer.body)
        if "drop" in misbehave and _RELEASE in body and not _told_before(answer):
            continue  # lost: only a query brings it
        bodies.append(body)
        if "duplicate" in misbehave:
            bodies.append(body)
    if "reorder" in misbehave:
        bodies.reverse()
    return bodies
