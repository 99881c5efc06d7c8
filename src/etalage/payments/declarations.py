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

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from etalage.customs.identity_crypto import decrypt_id_number
from etalage.money import Money
from etalage.orders import states
from etalage.orders.models import Order
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
