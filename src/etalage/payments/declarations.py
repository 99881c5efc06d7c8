"""Declaring each parcel's payment to customs through the provider, and the rule
that the payer is the person the order names.

China's customs match three messages for each cross-border parcel: the order, the
waybill and the payment. The payment's is declared by the provider itself when the
merchant asks (Antom's ``/v1/customs/declare``, WeChat Pay's customs order), once
per parcel (split order), with the buyer's name and ID number; the provider checks
that the account that paid is that person's and keeps the payment transaction id
and the verifying department customs will read. A payer who is someone else makes
the order inadmissible: it is cancelled and refunded, and the buyer told why.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from etalage.core.clock import tries_spaced
from etalage.customs.identity_crypto import decrypt_id_number
from etalage.money import Money
from etalage.orders import states
from etalage.orders.models import Order, SubOrder
from etalage.orders.reasons import Explanation, explanation_in
from etalage.orders.services import order_cancel
from etalage.payments.adapters import adapter
from etalage.payments.antom import customs_code as antom_customs_code
from etalage.payments.models import CustomsDeclaration, Payment, Provider
from etalage.payments.provider import Declaration, ProviderError
from etalage.payments.wechat_customs import customs_code as wechat_customs_code

DECLARABLE = (states.PAID,)


def order_payment_declarations_record(order: Order) -> int:
    """Record, in the transaction that delivers the payment, the declaration each
    paid parcel needs (*to declare*); the task makes them after commit, the clock
    those a lost task or a failure left. Returns how many parcels it concerns
    (a declaration recorded already is kept as it is)."""
    payment = Payment.objects.filter(order=order, state=Payment.State.SUCCEEDED).first()
    if payment is None or order.identity_id is None:
        return 0
    made = CustomsDeclaration.objects.bulk_create(
        [
            _declaration(payment, sub, order)
            for sub in order.sub_orders.filter(state__in=DECLARABLE)
        ],
        ignore_conflicts=True,  # recorded already (the event delivered twice)
    )
    return len(made)


def _declaration(payment: Payment, sub: SubOrder, order: Order) -> CustomsDeclaration:
    return CustomsDeclaration(
        payment=payment,
        sub_order=sub,
        request_id=f"{sub.number}-D",
        amount=sub.total,
        currency=order.currency,
        customs=provider_customs_code(payment.provider),
        state=CustomsDeclaration.State.PENDING,
    )


def provider_customs_code(provider: str) -> str:
    """The customs office as the provider's own published list names it (each
    provider has its own list and names): WeChat Pay's from
    ``ETALAGE_WECHAT_CUSTOMS``, Antom's from ``ETALAGE_CUSTOMS_OFFICE``, each
    checked against its list."""
    if provider == Provider.WECHAT:
        return wechat_customs_code()
    return antom_customs_code()


TO_MAKE = (CustomsDeclaration.State.PENDING, CustomsDeclaration.State.FAILED)


def order_payment_declare(order: Order) -> list[CustomsDeclaration]:
    """Declare the payment of each paid parcel not yet declared (again for one the
    provider failed), then cancel the order if the payer is not the person named.
    A parcel that moved on before its declaration was made (cancelled, refunded) has
    nothing left to declare: its declaration still to make goes."""
    CustomsDeclaration.objects.filter(
        payment__order=order, state=CustomsDeclaration.State.PENDING
    ).exclude(sub_order__state__in=DECLARABLE).delete()
    payment = Payment.objects.filter(order=order, state=Payment.State.SUCCEEDED).first()
    if payment is None or order.identity is None:
        return []
    speaker = adapter(payment.provider)
    id_number = decrypt_id_number(order.identity.id_number_encrypted)
    made = []
    for sub in order.sub_orders.filter(state__in=DECLARABLE):
        existing = CustomsDeclaration.objects.filter(sub_order=sub).first()
        if existing and existing.state not in TO_MAKE:
            made.append(existing)
            continue
        declaration = existing or _declaration(payment, sub, order)
        try:
            answer = speaker.customs_declare(
                Declaration(
                    request_id=declaration.request_id,
                    payment_request_id=payment.request_id,
                    provider_payment_id=payment.provider_payment_id,
                    sub_order_number=sub.number,
                    amount=Money(sub.total, order.currency),
                    freight=Money(sub.freight, order.currency),
                    tax=Money(
                        sub.tariff + sub.consumption_tax + sub.vat, order.currency
                    ),
                    tariff=Money(sub.tariff, order.currency),
                    customs=declaration.customs,
                    merchant_customs_code=settings.ETALAGE_MERCHANT_CUSTOMS_CODE,
                    merchant_customs_name=settings.ETALAGE_MERCHANT_CUSTOMS_NAME,
                    buyer_name=order.buyer_name,
                    buyer_id_number=id_number,
                )
            )
        except ProviderError as error:
            declaration.state, declaration.failure = (
                CustomsDeclaration.State.FAILED,
                str(error),
            )
        else:
            declaration.state = answer.state
            declaration.identity = answer.identity
            declaration.provider_declaration_id = answer.provider_declaration_id
            declaration.pay_transaction_id = answer.pay_transaction_id
            declaration.verifying_department = answer.verifying_department
            declaration.failure = answer.failure
        declaration.save()
        made.append(declaration)
    if any(d.identity == CustomsDeclaration.Identity.DIFFERENT for d in made):
        _payer_not_named(order)
    return made


def _payer_not_named(order: Order) -> None:
    """Cancel (and so refund) an order paid from someone else's account, saying
    why on the order's history, in the reader's language."""
    told = {"name": order.buyer_name}
    reason = explanation_in("en", Explanation.PAYER_NOT_NAMED, told)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if any(s.state in states.CANCELLABLE for s in order.sub_orders.all()):
            order_cancel(
                order=order,
                reason=reason,
                explanation=Explanation.PAYER_NOT_NAMED,
                explanation_data=told,
            )


@task()
def order_payment_declare_task(order_id: str) -> int:
    order = Order.objects.select_related("identity").get(pk=order_id)
    return len(order_payment_declare(order))


DECLARE_LATE = timedelta(minutes=1)
DECLARE_AGAIN = 300  # seconds between two tries of one order


def payments_declared_late(*, now: datetime | None = None) -> int:
    """Declarations still to make a minute after they were recorded (the task lost
    between the commit and the queue) or that the provider failed, for parcels still
    paid, are made now: each order at most once in five minutes, for a week, 50
    orders a round, the round ending at the first failure (the provider may be
    down: one wait a round). The clock's chore."""
    now = now or timezone.now()
    waiting = (
        CustomsDeclaration.objects.filter(
            state__in=TO_MAKE,
            updated_at__range=(now - timedelta(days=7), now - DECLARE_LATE),
            sub_order__state__in=DECLARABLE,
        )
        .order_by("updated_at")
        .values_list("payment__order_id", flat=True)
    )
    orders = list(dict.fromkeys(waiting[:200]))[:50]

    def declare(order_id: UUID) -> bool:
        order = Order.objects.select_related("identity").get(pk=order_id)
        return all(
            d.state != CustomsDeclaration.State.FAILED
            for d in order_payment_declare(order)
        )

    return tries_spaced(
        orders, key="payment-declare", every=DECLARE_AGAIN, attempt=declare
    )
