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
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from etalage.core.clock import tries_spaced
from etalage.customs.identity_crypto import decrypt_id_number
from etalage.money import Money
from etalage.orders import states
from etalage.orders.models import Order, SubOrder
from etalage.orders.services import order_cancel
from etalage.payments.adapters import adapter
from etalage.payments.models import CustomsDeclaration, Payment
from etalage.payments.provider import Declaration, ProviderError

DECLARABLE = (states.PAID,)


def order_payment_declare(order: Order) -> list[CustomsDeclaration]:
    """Declare the payment of each paid parcel not yet declared (again for one the
    provider failed), then cancel the order if the payer is not the person named."""
    payment = Payment.objects.filter(order=order, state=Payment.State.SUCCEEDED).first()
    if payment is None or order.identity is None:
        return []
    speaker = adapter(payment.provider)
    id_number = decrypt_id_number(order.identity.id_number_encrypted)
    made = []
    for sub in order.sub_orders.filter(state__in=DECLARABLE):
        existing = CustomsDeclaration.objects.filter(sub_order=sub).first()
        if existing and existing.state != CustomsDeclaration.State.FAILED:
            made.append(existing)
            continue
        declaration = existing or CustomsDeclaration(
            payment=payment,
            sub_order=sub,
            request_id=f"{sub.number}-D",
            amount=sub.total,
            currency=order.currency,
            customs=settings.ETALAGE_CUSTOMS_OFFICE,
        )
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
    """Cancel (and so refund) an order paid from someone else's account, with the
    reason in the buyer's language on the order's history."""
    with translation.override(order.language):
        reason = _(
            "The account that paid is not %(name)s's, the person named for customs. "
            "Cross-border rules require the buyer to pay from their own account: the "
            "order is cancelled and the payment refunded."
        ) % {"name": order.buyer_name}
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if any(s.state in states.CANCELLABLE for s in order.sub_orders.all()):
            order_cancel(order=order, reason=reason)


@task()
def order_payment_declare_task(order_id: str) -> int:
    order = Order.objects.select_related("identity").get(pk=order_id)
    return len(order_payment_declare(order))


DECLARE_LATE = timedelta(minutes=1)
DECLARE_AGAIN = 300  # seconds between two tries of one order


def payments_declared_late(*, now: datetime | None = None) -> int:
    """Paid parcels whose payment is not declared to customs a minute after it was
    received (the task lost between the commit and the queue), or whose
    declaration the provider failed, are declared now: each order at most once
    in five minutes, 50 a round, the round ending at the first failure (the
    provider may be down: one wait a round). The clock's chore."""
    now = now or timezone.now()
    failed = CustomsDeclaration.State.FAILED
    paid_between = (now - timedelta(days=7), now - DECLARE_LATE)
    waiting = (
        SubOrder.objects.filter(
            state__in=DECLARABLE,
            order__identity__isnull=False,
            order__payments__state=Payment.State.SUCCEEDED,
            order__payments__paid_at__range=paid_between,
        )
        .filter(
            Q(payment_declaration__isnull=True) | Q(payment_declaration__state=failed)
        )
        .order_by("order_id")
        .values_list("order_id", flat=True)
        .distinct()
    )

    def declare(order_id: UUID) -> bool:
        order = Order.objects.select_related("identity").get(pk=order_id)
        return all(d.state != failed for d in order_payment_declare(order))

    return tries_spaced(
        list(waiting[:50]), key="payment-declare", every=DECLARE_AGAIN, attempt=declare
    )
