"""Declaring parcels to customs: which messages go when, sending them, sending
them again.

A paid parcel's order (CEB311) and payment (CEB411) go as soon as its payment is
settled with the provider (the provider's own declaration, when it makes one, gives
the transaction id customs matches on). Its waybill (CEB511) and inventory (CEB621)
go once the parcel is where customs can see it: arrived on its flight from Liège
(under its master air waybill) or packed in the bonded warehouse. Sending the
inventory moves the sub-order to "declared"; customs' receipts move it on
(``answers``). A parcel cancelled after its inventory was numbered is withdrawn
(CEB623). The worker's clock runs ``declarations_send``; each message carries the
heads of many parcels (one signature for all), at most 100 (customs' schema).
A head that cannot be built or that customs' schema refuses (a control character
in a name, a field too long) is recorded *not sent* with its reason for the
operator, and the others go.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from etalage.customs.identity_crypto import (
    decrypt_carrying_id,
    decrypt_id_number,
    encrypt_carrying_id,
)
from etalage.customs.routes import Route
from etalage.declarations import documents
from etalage.declarations.gateway import GatewayError, gateway
from etalage.declarations.inventory import ceb621, ceb623, ceb625
from etalage.declarations.messages import MessageRefused, ceb311, ceb411, ceb511
from etalage.declarations.models import Declaration, Kind, Message
from etalage.declarations.signing import signer
from etalage.logistics.models import Parcel
from etalage.orders import states
from etalage.orders.models import OrderLine, SubOrder
from etalage.orders.services import sub_orders_move
from etalage.payments.models import CustomsDeclaration, Payment

BUILDERS: dict[str, Callable[..., bytes]] = {
    Kind.ORDER: ceb311,
    Kind.PAYMENT: ceb411,
    Kind.WAYBILL: ceb511,
    Kind.INVENTORY: ceb621,
    Kind.CANCELLATION: ceb623,
    Kind.RETURN: ceb625,
}


# Customs' schema takes at most 100 documents to a message.
HEADS_PER_MESSAGE = 100


def new_guid() -> str:
    return str(uuid.uuid4()).upper()


def _id_number(sub: SubOrder) -> str:
    """The buyer's ID number, decrypted for the message being built, nowhere else."""
    identity = sub.order.identity
    if identity is None:
        raise MessageRefused("the order names no identity", "buyerIdNumber")
    return decrypt_id_number(identity.id_number_encrypted)


def message_send(
    kind: str, heads: Sequence[tuple[SubOrder, str, object]], *, now: datetime
) -> list[SubOrder]:
    """Build, sign and keep (encrypted) the messages of ``kind`` holding ``heads``
    (sub-order, head guid, document), 100 to a message, with a declaration per
    head, in the caller's transaction; each is handed over once that commits
    (``message_deliver``). A crash in between leaves it to send, and the clock
    sends it (same guid). A head a message cannot carry (a field its schema
    refuses) is recorded as not sent, with the reason, for the operator, and the
    others go. Returns the sub-orders whose heads went."""
    went: list[SubOrder] = []
    for start in range(0, len(heads), HEADS_PER_MESSAGE):
        went += _message_send(kind, heads[start : start + HEADS_PER_MESSAGE], now)
    return went


def _message_send(
    kind: str, heads: Sequence[tuple[SubOrder, str, object]], now: datetime
) -> list[SubOrder]:
    envelope_guid = new_guid()
    good, bad, built = _sendable(kind, heads, envelope_guid)
    with transaction.atomic():
        Declaration.objects.bulk_create(
            Declaration(
                sub_order=sub,
                kind=kind,
                guid=guid,
                info=f"not sent: {why}"[:1000],
                state=Declaration.State.ERROR,
            )
            for sub, guid, why in bad
        )
        if not good:
            return []
        body = signer().sign(built)
        message = Message.objects.create(
            kind=kind,
            guid=envelope_guid,
            state=Message.State.PENDING,
            body_encrypted=encrypt_carrying_id(body),
        )
        Declaration.objects.bulk_create(
            Declaration(
                message=message,
                sub_order=sub,
                kind=kind,
                guid=guid,
                cop_no=getattr(doc, "cop_no", ""),
            )
            for sub, guid, doc in good
        )
        transaction.on_commit(lambda: message_deliver(message.pk))
    return [sub for sub, _guid, _doc in good]


def _built(
    kind: str, heads: Sequence[tuple[SubOrder, str, object]], guid: str
) -> bytes:
    return BUILDERS[kind](
        [doc for _s, _g, doc in heads], documents.transfer(), guid=guid
    )


def _sendable(
    kind: str, heads: Sequence[tuple[SubOrder, str, object]], guid: str
) -> tuple[list[tuple[SubOrder, str, object]], list[tuple[SubOrder, str, str]], bytes]:
    """The heads a message can carry, those it cannot with the reason (each tried
    alone once the whole message is refused), and the message of the first,
    built and validated (empty when none can go)."""
    try:
        return list(heads), [], _built(kind, heads, guid)
    except MessageRefused:
        pass
    good: list[tuple[SubOrder, str, object]] = []
    bad: list[tuple[SubOrder, str, str]] = []
    for sub, head, doc in heads:
        try:
            _built(kind, [(sub, head, doc)], guid)
        except MessageRefused as error:
            bad.append((sub, head, str(error)))
        else:
            good.append((sub, head, doc))
    return good, bad, _built(kind, good, guid) if good else b""


def message_deliver(message_id: uuid.UUID, *, now: datetime | None = None) -> Message:
    """Hand a kept message to the gateway: sent the first time, asked about again
    (whole, under the same guid) after that. One the gateway does not take is
    kept as not delivered and tried again by the clock."""
    now = now or timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        body = decrypt_carrying_id(message.body_encrypted)
        try:
            if message.state == Message.State.SENT:
                gateway().query(kind=message.kind, guid=message.guid, message=body)
            else:
                gateway().send(kind=message.kind, guid=message.guid, message=body)
        except GatewayError as error:
            message.state, message.failure = Message.State.FAILED, str(error)[:500]
        else:
            message.state, message.failure = Message.State.SENT, ""
            message.sent_at = now
        message.attempts += 1
        message.save(update_fields=["state", "failure", "sent_at", "attempts"])
    return message


def _lacking(*kinds: str, key: str = "pk") -> Q:
    """Sub-orders (``key`` the sub-order's key) lacking a declaration of any of
    ``kinds`` (a declaration refused before sending counts: the operator clears
    it in the console to have it declared anew)."""
    lacking = Q()
    for kind in kinds:
        lacking |= Q(
            ~Exists(Declaration.objects.filter(sub_order=OuterRef(key), kind=kind))
        )
    return lacking


def _declared_kinds(sub_ids: Iterable[object]) -> dict[object, set[str]]:
    kinds: dict[object, set[str]] = {}
    for sub_id, kind in Declaration.objects.filter(sub_order__in=sub_ids).values_list(
        "sub_order_id", "kind"
    ):
        kinds.setdefault(sub_id, set()).add(kind)
    return kinds


def _paid_not_declared(batch: int) -> list[tuple[SubOrder, Payment, str, str]]:
    """Paid parcels whose order or payment is not declared yet and whose payment
    is settled with the provider (its own declaration, if it was asked for one,
    has answered), each with its payment and the transaction id and verifying
    department customs matches on."""
    subs = list(
        SubOrder.objects.filter(state=states.PAID)
        .filter(_lacking(Kind.ORDER, Kind.PAYMENT))
        .select_related("order__identity", "merchant")
        .prefetch_related("lines")
        .order_by("created_at")[:batch]
    )
    payments: dict[object, Payment] = {}
    for payment in Payment.objects.filter(
        order_id__in={s.order_id for s in subs}, state=Payment.State.SUCCEEDED
    ).order_by("paid_at"):
        payments[payment.order_id] = payment  # the newest wins
    provider_declared = {
        d.sub_order_id: d for d in CustomsDeclaration.objects.filter(sub_order__in=subs)
    }
    found = []
    for sub in subs:
        paid = payments.get(sub.order_id)
        declared = provider_declared.get(sub.pk)
        if paid is None or (
            declared is not None
            and declared.state
            in (CustomsDeclaration.State.PENDING, CustomsDeclaration.State.SUBMITTED)
        ):
            continue
        found.append((sub, paid, *documents.payment_transaction(paid, declared)))
    return found


def _not_sent(sub: SubOrder, kinds: Iterable[str], error: MessageRefused) -> None:
    Declaration.objects.bulk_create(
        Declaration(
            sub_order=sub,
            kind=kind,
            guid=new_guid(),
            state=Declaration.State.ERROR,
            info=f"not sent: {error}"[:1000],
        )
        for kind in kinds
    )


Heads = list[tuple[SubOrder, str, object]]


def _missing_heads(
    wanted: Sequence[tuple[SubOrder, Any]],
    kinds: tuple[str, ...],
    build: Callable[[str, SubOrder, Any, str, str], object],
) -> dict[str, Heads]:
    """The heads of the ``kinds`` each sub-order of ``wanted`` (with what its
    documents are built from) still lacks, by kind: ``build(kind, sub_order, what,
    guid, id_number)`` makes each document. A sub-order whose message cannot be built
    is kept as not sent."""
    have = _declared_kinds(sub.pk for sub, _what in wanted)
    heads: dict[str, Heads] = {kind: [] for kind in kinds}
    for sub, what in wanted:
        missing = [kind for kind in kinds if kind not in have.get(sub.pk, set())]
        try:
            id_number = _id_number(sub)
        except MessageRefused as error:
            _not_sent(sub, missing, error)
            continue
        for kind in missing:
            guid = new_guid()
            try:
                doc = build(kind, sub, what, guid, id_number)
            except MessageRefused as error:
                _not_sent(sub, [kind], error)
                continue
            heads[kind].append((sub, guid, doc))
    return heads


def _declare_documents(batch: int, now: datetime) -> int:
    """The order and payment of every paid parcel not declared yet (whichever of
    the two is missing)."""
    ready = _paid_not_declared(batch)

    def build(kind: str, sub: SubOrder, what: Any, guid: str, id_number: str) -> object:
        payment, transaction_id, _department = what
        if kind == Kind.ORDER:
            return documents.order_doc(
                sub,
                payment,
                guid=guid,
                id_number=id_number,
                now=now,
                transaction_id=transaction_id,
            )
        return documents.payment_doc(
            sub,
            payment,
            guid=guid,
            id_number=id_number,
            now=now,
            transaction_id=transaction_id,
        )

    heads = _missing_heads(
        [(sub, rest) for sub, *rest in ready], (Kind.ORDER, Kind.PAYMENT), build
    )
    with transaction.atomic():
        for kind, kind_heads in heads.items():
            if kind_heads:
                message_send(kind, kind_heads, now=now)
    return len(ready)


def _parcels_ready(batch: int) -> list[Parcel]:
    """Parcels whose order and payment customs has received (their messages handed
    to the gateway: an inventory that reaches customs before them is refused, "三单比对
    失败", as one sent while a crash held them back once was), whose waybill or
    inventory has not gone, and that customs can now see: arrived on their flight
    from Liège (customs releases only goods that are there), or packed in the bonded
    warehouse. (The waybill goes in the same round as the inventory, handed over
    first.)"""
    flown = Q(sub_order__route=Route.DIRECT_MAIL, bag__flight__arrived_at__isnull=False)
    bonded = Q(sub_order__route=Route.BONDED)

    def delivered(kind: str) -> Exists:
        return Exists(
            Declaration.objects.filter(
                sub_order=OuterRef("sub_order"),
                kind=kind,
                message__state=Message.State.SENT,
            )
        )

    return list(
        Parcel.objects.filter(flown | bonded, sub_order__state=states.PAID)
        .filter(delivered(Kind.ORDER), delivered(Kind.PAYMENT))
        .filter(_lacking(Kind.WAYBILL, Kind.INVENTORY, key="sub_order"))
        .select_related(
            "sub_order__order__identity", "sub_order__merchant", "bag__flight"
        )
        .prefetch_related("sub_order__lines__variant")
        .order_by("created_at")[:batch]
    )


def _declare_parcels(batch: int, now: datetime) -> int:
    """The waybill and inventory of every parcel ready (whichever is missing); the
    sub-orders whose inventory went move to declared. Returns how many parcels
    were handled."""
    parcels = _parcels_ready(batch)

    def build(kind: str, sub: SubOrder, parcel: Any, guid: str, id_: str) -> object:
        if kind == Kind.WAYBILL:
            return documents.waybill_doc(sub, parcel, guid=guid, now=now)
        return documents.inventory_doc(sub, parcel, guid=guid, id_number=id_, now=now)

    heads = _missing_heads(
        [(p.sub_order, p) for p in parcels], (Kind.WAYBILL, Kind.INVENTORY), build
    )
    waybills, inventories = heads[Kind.WAYBILL], heads[Kind.INVENTORY]
    with transaction.atomic():
        if waybills:
            message_send(Kind.WAYBILL, waybills, now=now)
        declared = (
            message_send(Kind.INVENTORY, inventories, now=now) if (inventories) else []
        )
        if declared:
            sub_orders_move(
                sub_orders=declared, to=states.CUSTOMS_DECLARED, reason="CEB621"
            )
    return len(parcels)


def _withdraw_cancelled(batch: int, now: datetime) -> int:
    """Cancel with customs the inventories of parcels cancelled after customs
    numbered them (and before release)."""
    numbered = (
        Declaration.objects.filter(
            kind=Kind.INVENTORY,
            sub_order__state__in=(states.CANCELLED, states.REFUNDED),
        )
        .exclude(invt_no="")
        .exclude(state__in=(Declaration.State.REFUSED, Declaration.State.RELEASED))
        .exclude(
            Exists(
                Declaration.objects.filter(
                    sub_order=OuterRef("sub_order"), kind=Kind.CANCELLATION
                )
            )
        )
        .select_related(
            "sub_order__order__identity", "sub_order__merchant", "sub_order__parcel"
        )[:batch]
    )
    heads = []
    for inventory in numbered:
        sub, guid = inventory.sub_order, new_guid()
        try:
            doc = documents.withdrawal_doc(
                sub,
                sub.parcel,
                guid=guid,
                id_number=_id_number(sub),
                invt_no=inventory.invt_no,
                reason="订单取消",
                now=now,
            )
        except MessageRefused as error:
            _not_sent(sub, [Kind.CANCELLATION], error)
            continue
        heads.append((sub, guid, doc))
    if heads:
        message_send(Kind.CANCELLATION, heads, now=now)
    return len(heads)


def declarations_send(*, now: datetime | None = None, batch: int = 200) -> int:
    """Declare what is due (the clock runs it); return how many parcels moved."""
    if not settings.ETALAGE_CUSTOMS_DECLARE:
        return 0
    now = now or timezone.now()
    return (
        _declare_documents(batch, now)
        + _declare_parcels(batch, now)
        + _withdraw_cancelled(batch, now)
    )


@transaction.atomic
def declarations_declare_anew(*, sub_order_ids: Iterable[object]) -> int:
    """Forget these parcels' declarations that could not be sent (no message, an
    error), once the operator has put their data right: the next
    ``declarations_send`` builds and sends them again. Those sent stay, whatever
    customs answered. Return how many were forgotten."""
    forgotten, _kinds = Declaration.objects.filter(
        sub_order_id__in=list(sub_order_ids),
        message=None,
        state=Declaration.State.ERROR,
    ).delete()
    return forgotten


def declarations_requery(*, now: datetime | None = None, batch: int = 100) -> int:
    """Ask again about messages not delivered, or whose heads have waited too long
    for customs' final answer (a lost receipt); return how many were asked."""
    now = now or timezone.now()
    patience = now - timedelta(seconds=settings.ETALAGE_CUSTOMS_QUERY_AFTER)
    waiting = Declaration.objects.filter(
        state=Declaration.State.SENT, message=OuterRef("pk")
    ).filter(
        Q(status_at__lt=patience) | Q(status_at=None),
        Q(queried_at__lt=patience) | Q(queried_at=None),
    )
    stuck = now - timedelta(seconds=30)  # left to send by a crash, or refused
    messages = list(
        Message.objects.filter(
            Q(
                state__in=(Message.State.PENDING, Message.State.FAILED),
                created_at__lt=stuck,
            )
            | Q(Exists(waiting), sent_at__lt=patience)
        ).order_by("created_at")[:batch]
    )
    for message in messages:
        message_deliver(message.pk, now=now)
        Declaration.objects.filter(
            message=message, state=Declaration.State.SENT
        ).update(queried_at=now)
    return len(messages)


def return_declare(
    *,
    sub_order: SubOrder,
    lines: Sequence[tuple[OrderLine, int]],
    reason: str,
    tax: Decimal,
    now: datetime | None = None,
) -> Declaration | None:
    """Declare goods coming back after release (CEB625), with the tax customs is
    to give back; nothing for a parcel customs did not release through Étalage's
    own declaration (the operator declares that one by hand)."""
    released = Declaration.objects.filter(
        sub_order=sub_order, kind=Kind.INVENTORY, state=Declaration.State.RELEASED
    ).first()
    if released is None or not released.invt_no:
        return None
    now = now or timezone.now()
    sub = SubOrder.objects.select_related("order__identity", "merchant", "parcel").get(
        pk=sub_order.pk
    )
    guid = new_guid()
    doc = documents.withdrawal_doc(
        sub,
        sub.parcel,
        guid=guid,
        id_number=_id_number(sub),
        invt_no=released.invt_no,
        reason=reason[:250],
        now=now,
        returned=list(lines),
    )
    message_send(Kind.RETURN, [(sub, guid, doc)], now=now)
    declaration = Declaration.objects.get(guid=guid)
    declaration.tax_returned = tax
    declaration.save(update_fields=["tax_returned"])
    return declaration
