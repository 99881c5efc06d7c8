"""Payments and the raw notifications of the providers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.models import Entity
from etalage.orders.models import Order


class Provider(models.TextChoices):
    ALIPAY = "alipay", _("Alipay (Antom)")


class Payment(Entity):
    """One attempt to pay an order with a provider. Its ``request_id`` is the
    provider's idempotency key (Antom's ``paymentRequestId``): asking again with it
    gives the same payment."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for the buyer")
        SUCCEEDED = "succeeded", _("paid")
        FAILED = "failed", _("failed")
        HELD = "held", _("held for the operator")

    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("order"),
    )
    provider = models.CharField(_("provider"), max_length=16, choices=Provider)
    state = models.CharField(
        _("state"), max_length=16, choices=State, default=State.PENDING
    )
    request_id = models.CharField(_("request id"), max_length=64, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    provider_payment_id = models.CharField(
        _("provider's payment id"), max_length=64, blank=True, db_index=True
    )
    redirect_url = models.TextField(_("cashier address"), blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    settlement_amount = models.DecimalField(
        _("settlement amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    settlement_currency = models.CharField(
        _("settlement currency"), max_length=3, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return self.request_id


class Notification(Entity):
    """A provider's notification, kept as it came (headers, body, sender) before
    anything else is done with it, then what became of it."""

    class Verdict(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSED = "processed", _("processed")
        DUPLICATE = "duplicate", _("duplicate")
        FORGED = "forged", _("signature refused")
        STALE = "stale", _("outside the time tolerance")
        HELD = "held", _("amount or currency differs: held")
        UNKNOWN = "unknown", _("unknown payment")
        MALFORMED = "malformed", _("malformed")

    provider = models.CharField(_("provider"), max_length=16, choices=Provider)
    headers = models.JSONField(_("headers"), default=dict)
    body = models.TextField(_("body"))
    remote_addr = models.CharField(_("sender address"), max_length=64, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=16, choices=Verdict, default=Verdict.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    # What the notification reports, once verified: "PAYMENT_RESULT:<paymentId>".
    event_key = models.CharField(_("event"), max_length=200, blank=True, db_index=True)
    payment = models.ForeignKey(
        Payment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("payment"),
    )
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("provider notification")
        verbose_name_plural = _("provider notifications")

    def __str__(self) -> str:
        return f"{self.provider} {self.created_at:%Y-%m-%d %H:%M:%S} {self.verdict}"


class SandboxPayment(Entity):
    """The embedded Antom sandbox's own record of a payment it was asked for (the
    stand-in's side: never the real provider's, and named so in every page)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting for the payer")
        PAID = "paid", _("paid")
        DECLINED = "declined", _("declined")

    payment_id = models.CharField(max_length=64, unique=True)
    request_id = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=64)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=256, blank=True)
    notify_url = models.URLField(max_length=500)
    redirect_url = models.URLField(max_length=500)
    state = models.CharField(max_length=16, choices=State, default=State.WAITING)
    notifications_sent = models.PositiveSmallIntegerField(default=0)
    # {refundRequestId: [refundId, value in minor units]}: a refund asked twice is
    # answered twice the same, and refunds never pass what was paid.
    refunds = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("sandbox payment")
        verbose_name_plural = _("sandbox payments")

    def __str__(self) -> str:
        return self.payment_id


class Refund(Entity):
    """Money given back from a payment, in full or in part. Its ``request_id`` is the
    provider's idempotency key (Antom's ``refundRequestId``)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("requested")
        SUCCEEDED = "succeeded", _("refunded")
        FAILED = "failed", _("failed")

    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        related_name="refunds",
        verbose_name=_("payment"),
    )
    request_id = models.CharField(_("request id"), max_length=64, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    state = models.CharField(
        _("state"), max_length=16, choices=State, default=State.REQUESTED
    )
    reason = models.TextField(_("reason"), blank=True)
    provider_refund_id = models.CharField(
        _("provider's refund id"), max_length=64, blank=True
    )
    failure = models.TextField(_("provider's answer"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return self.request_id
