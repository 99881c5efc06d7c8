"""Customs' answers move the parcels: receipts and tax bills, however they come
(late, twice, out of order, or only when asked again).

Every answer is kept as it came. A receipt already received is marked so and does
nothing. Customs' stand on a message only moves forward: the first final answer
(released, refused, a format error) is the one that counts, and a later answer
that contradicts it (a refusal after release) changes nothing but is kept and
shown to the operator as a conflict. An inventory's release moves its sub-order to
released (the last mile takes it from there); its refusal moves it to refused,
with customs' reason put in the buyer's language, and the refund and the
allowance given back follow from that state. A tax bill, found by its
inventory's number, is recorded once; its assessment and its payment are posted to
the ledger by the events they raise.

A file holds several answers (return blocks, tax bills), each applied in its own
transaction. A file that cannot be read (not XML, a DOCTYPE, a field customs'
schema refuses, a time that is no time) is set aside with its reason for the
operator; the files after it are applied all the same, and a file leaves the
gateway's inbox only once applied (``answers_collect``).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypedDict
from uuid import UUID

from django.db import transaction
from lxml import etree

from etalage.core.time_zones import BEIJING
from etalage.declarations.gateway import gateway
from etalage.declarations.messages import CEB, MessageRefused
from etalage.declarations.models import Declaration, Kind, Receipt, TaxBill
from etalage.declarations.receipts import (
    AUDITED,
    FORMAT_CHECK,
    REFUSED,
    RELEASED,
    TAX_VOID,
    ReceiptDoc,
    TaxBillDoc,
    is_final,
    parse_xml,
    read_answer,
)
from etalage.events.outbox import event_record
from etalage.events.types import (
    CustomsTaxAssessed,
    CustomsTaxPaid,
    CustomsTaxReturned,
)
from etalage.orders import states
from etalage.orders.reasons import Explanation, explanation_in
from etalage.orders.services import sub_order_move

# What moves a declaration's state, by the final status customs gave it.
FINAL_STATES = {
    RELEASED: Declaration.State.RELEASED,
    899: Declaration.State.RELEASED,
    REFUSED: Declaration.State.REFUSED,
}
ACCEPTED_AT = 120  # a document entered into customs' system stands
log = logging.getLogger(__name__)


def _customs_time(at: datetime) -> datetime:
    """Customs writes Beijing time without a zone."""
    return at.replace(tzinfo=BEIJING).astimezone(UTC)


def answer_apply(data: bytes) -> list[str]:
    """Apply every answer of one file from the gateway; say what each did (for
    the log and the tests): ``applied``, ``duplicate``, ``kept`` (no move),
    ``unknown``. A file that cannot be read raises ``MessageRefused`` (naming the
    field) before anything is applied."""
    done = []
    for answer in read_answer(data):
        if isinstance(answer, TaxBillDoc):
            done.append(_tax_bill(answer, data))
        elif answer.receipt == FORMAT_CHECK:
            done.append(_format_check(answer, data))
        else:
            done.append(_receipt(answer, data))
    return done


def answer_receive(data: bytes) -> str:
    """``answer_apply``, said in a word or a few: ``unreadable`` for a file that
    cannot be read."""
    try:
        return ", ".join(answer_apply(data))
    except MessageRefused:
        return "unreadable"


@transaction.atomic
def _receipt(doc: ReceiptDoc, data: bytes) -> str:
    declaration = _declaration_of(doc)
    if declaration is None:
        return "unknown"
    return _apply(declaration, doc, doc.source or data.decode(errors="replace"))


@transaction.atomic
def _format_check(doc: ReceiptDoc, data: bytes) -> str:
    """CEB900: customs could not take a message (its guid, or a head's): each of
    its heads gets the negative status and customs' words; the file is kept
    without the message it repeats (it may carry an ID number)."""
    heads = Declaration.objects.select_for_update(of=("self",)).select_related(
        "sub_order"
    )  # the sub-order read, not locked: a move locks its order first
    found = list(heads.filter(message__guid=doc.guid)) or list(
        heads.filter(guid=doc.guid)
    )
    if not found:
        return "unknown"
    root = parse_xml(data)
    for repeated in root.iter(f"{{{CEB}}}oriBizMessage"):
        repeated.text = ""
    kept = etree.tostring(root, encoding="unicode")
    return ", ".join(
        _apply(head, replace(doc, declared=head.kind), kept) for head in found
    )


def _apply(declaration: Declaration, doc: ReceiptDoc, raw: str) -> str:
    """One answer about ``declaration`` (locked), kept and acted on."""
    at = _customs_time(doc.at)
    seen = declaration.receipts.filter(status=doc.status, at=at).exists()
    receipt = Receipt.objects.create(
        declaration=declaration,
        status=doc.status,
        at=at,
        info=doc.info[:1000],
        duplicate=seen,
        raw=raw,
    )
    if seen:
        return "duplicate"
    if doc.invt_no and not declaration.invt_no:
        declaration.invt_no = doc.invt_no
    before = declaration.status
    moved = _stand(declaration, doc, at)
    if (
        declaration.kind == Kind.RETURN
        and doc.status == AUDITED
        and (before is None or before < AUDITED)
    ):
        _return_accepted(declaration)
    declaration.save(
        update_fields=[
            "state",
            "status",
            "status_at",
            "info",
            "invt_no",
            "conflict",
            "updated_at",
        ]
    )
    if moved and declaration.kind == Kind.INVENTORY:
        receipt.applied = _move_parcel(declaration, doc)
        receipt.save(update_fields=["applied"])
    return "applied" if moved else "kept"


# What else than the guid a receipt names its head by: customs' schema says the
# electronic port makes the receipt's guid, while samples and practice echo the
# head's; when no head has it, the document is found by its own number.
BY_NUMBER = {
    "311": ("orderNo", "sub_order__number"),
    "511": ("logisticsNo", "sub_order__parcel__code"),
    "621": ("copNo", "cop_no"),
    "623": ("copNo", "cop_no"),
    "625": ("copNo", "cop_no"),
}


def _declaration_of(doc: ReceiptDoc) -> Declaration | None:
    """The declaration a return block answers, locked: by the head's guid, else
    by the document's number (CEB411's transaction id is shared by the parcels of
    one payment: by guid only)."""
    heads = Declaration.objects.select_for_update(of=("self",)).select_related(
        "sub_order"
    )  # the sub-order read, not locked: a move locks its order first
    found = heads.filter(guid=doc.guid, kind=doc.declared).first()
    if found is None and doc.declared in BY_NUMBER:
        field, lookup = BY_NUMBER[doc.declared]
        number = doc.fields.get(field, "")
        if number:
            matching = list(heads.filter(kind=doc.declared, **{lookup: number})[:2])
            found = matching[0] if len(matching) == 1 else None
    return found


def _stand(declaration: Declaration, doc: ReceiptDoc, at: datetime) -> bool:
    """Record customs' stand if it is news; return whether a final one came."""
    if declaration.status is not None and is_final(declaration.status):
        if doc.status != declaration.status and is_final(doc.status):
            declaration.conflict = (
                f"{doc.status} {doc.info} ({at:%Y-%m-%d %H:%M}) after "
                f"{declaration.status}"
            )[:1000]
        return False
    if (
        declaration.status is not None
        and doc.status < declaration.status
        and not (is_final(doc.status))
    ):
        return False  # an earlier step, arriving late
    declaration.status, declaration.status_at = doc.status, at
    declaration.info = doc.info[:1000]
    if doc.status < 0:
        declaration.state = Declaration.State.ERROR
    elif doc.status in FINAL_STATES:
        declaration.state = FINAL_STATES[doc.status]
    elif doc.status >= ACCEPTED_AT and declaration.kind != Kind.INVENTORY:
        declaration.state = Declaration.State.ACCEPTED
    return is_final(doc.status)


def _return_accepted(declaration: Declaration) -> None:
    """Customs accepted the return: the tax of the goods is given back."""
    if declaration.tax_returned:
        event_record(
            CustomsTaxReturned(
                sub_order_id=declaration.sub_order_id,
                reference=declaration.guid,
                amount=declaration.tax_returned,
                currency="CNY",
            )
        )


def _move_parcel(declaration: Declaration, doc: ReceiptDoc) -> bool:
    sub = declaration.sub_order
    sub.refresh_from_db(fields=["state"])
    if sub.state != states.CUSTOMS_DECLARED:
        if doc.status == REFUSED and sub.state != states.CUSTOMS_REFUSED:
            declaration.conflict = (
                f"{doc.status} {doc.info} while the parcel is {sub.state}"
            )[:1000]
            declaration.save(update_fields=["conflict"])
        return False
    if doc.status in (RELEASED, 899):
        sub_order_move(sub_order=sub, to=states.RELEASED, reason=f"customs: {doc.info}")
    elif doc.status == REFUSED:
        told = {"words": doc.info}
        sub_order_move(
            sub_order=sub,
            to=states.CUSTOMS_REFUSED,
            reason=explanation_in("en", Explanation.CUSTOMS_REFUSED, told)[:300],
            explanation=Explanation.CUSTOMS_REFUSED,
            explanation_data=told,
        )
    else:
        return False
    return True


class _TaxFacts(TypedDict):
    """What the tax events say of a tax bill."""

    tax_bill_id: int
    sub_order_id: UUID
    tax_no: str
    amount: Decimal
    currency: str


@transaction.atomic
def _tax_bill(doc: TaxBillDoc, data: bytes) -> str:
    inventories = Declaration.objects.filter(kind=Kind.INVENTORY)
    declaration = (
        inventories.filter(invt_no=doc.invt_no).first()
        or inventories.filter(guid=doc.guid).first()
    )
    if declaration is None:
        return "unknown"
    if doc.status == TAX_VOID:
        return "kept"  # customs voided it: the operator sees it in the raw files
    bill, made = TaxBill.objects.select_for_update().get_or_create(
        declaration=declaration,
        defaults={
            "tax_no": doc.tax_no,
            "customs_tax": doc.customs_tax,
            "vat": doc.vat,
            "consumption_tax": doc.consumption_tax,
            "assessed_at": _customs_time(doc.at),
            "raw": doc.source or data.decode(errors="replace"),
        },
    )
    facts: _TaxFacts = {
        "tax_bill_id": bill.pk,
        "sub_order_id": declaration.sub_order_id,
        "tax_no": bill.tax_no,
        "amount": bill.total,
        "currency": bill.currency,
    }
    if made:
        event_record(CustomsTaxAssessed(**facts))
    if doc.paid and bill.paid_at is None:
        bill.paid_at = _customs_time(doc.at)
        bill.save(update_fields=["paid_at"])
        event_record(CustomsTaxPaid(**facts))
        return "applied"
    return "applied" if made else "duplicate"


def answers_collect(*, now: datetime | None = None) -> int:
    """Take what the gateway holds and apply it (the clock runs it): each file
    settled once applied, or set aside with its reason when it cannot be read; a
    file whose applying failed otherwise (the database) stays for the next round,
    and the files after it go on. Returns how many answers (return blocks, tax
    bills) the applied files held."""
    del now
    inbox = gateway()
    done = 0
    for name, data in inbox.collect():
        try:
            applied = len(answer_apply(data))
        except MessageRefused as error:
            log.warning("customs answer %s unreadable: %s", name, error)
            inbox.settle(name, failure=str(error))
            continue
        except Exception:
            log.exception("customs answer %s not applied; tried again later", name)
            continue
        inbox.settle(name)
        done += applied
    return done
