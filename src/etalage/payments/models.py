"""Payments and the raw notifications of the providers."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from etalage.core.models import Entity
from etalage.orders.models import Order


class Provider(models.TextChoices):
    ALIPAY = "alipay", _("Alipay")
    WECHAT = "wechat", _("WeChat Pay")


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
    # Where the buyer pays from (provider.SCENES): a QR code, WeChat's own browser
    # or a mini-program (JSAPI), a phone's browser (H5, WAP), a desktop, an app.
    scene = models.CharField(_("scene"), max_length=16, blank=True)
    redirect_url = models.TextField(_("cashier address"), blank=True)
    qr_code = models.TextField(_("QR code"), blank=True)
    # A JSAPI payment: what a WeChat client starts it with, for the app (an
    # official account or a mini-program) whose buyer's openid ordered it.
    prepay_id = models.CharField(_("prepay id"), max_length=64, blank=True)
    app_id = models.CharField(_("app id"), max_length=32, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    queried_at = models.DateTimeField(_("last asked about"), null=True, blank=True)
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
        indexes = [
            # The operator's dashboard: what buyers paid by day and month, read
            # from this index alone (analytics.operator_figures).
            models.Index(
                fields=["paid_at", "state", "currency", "amount"],
                name="payment_paid",
            ),
            # ... and the attempts started in the 30 days, by outcome.
            models.Index(fields=["created_at", "state"], name="payment_started"),
        ]

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
        DEFERRED = "deferred", _("waiting for the payment's own notification")
        ERROR = "error", _("processing failed: tried again later")

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
    # Processing that raised: how often, and when it is tried again (none: given up).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

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

    class Misbehaviour(models.TextChoices):
        NONE = "", _("none")
        DUPLICATE = "duplicate", _("send each notification twice")
        DELAY = "delay", _("send the payment notification a minute late")
        REORDER = "reorder", _("send the payment notification after the refund's")
        CORRUPT = "corrupt", _("corrupt the first notification's signature")

    provider = models.CharField(
        max_length=16, choices=Provider, default=Provider.ALIPAY
    )
    payment_id = models.CharField(max_length=64, unique=True)
    request_id = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=64)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=256, blank=True)
    notify_url = models.URLField(max_length=500)
    redirect_url = models.URLField(max_length=500)
    state = models.CharField(max_length=16, choices=State, default=State.WAITING)
    paid_at = models.DateTimeField(null=True, blank=True)
    notifications_sent = models.PositiveSmallIntegerField(default=0)
    # {refund request id: [refund id, value in minor units, time]}: a refund asked
    # twice is answered twice the same, and refunds never pass what was paid.
    refunds = models.JSONField(default=dict)
    # The tester said the payer is someone else than the person the order names:
    # a customs declaration's identity check then fails, as the provider's would.
    payer_other = models.BooleanField(default=False)
    misbehaviour = models.CharField(
        max_length=16, choices=Misbehaviour, default=Misbehaviour.NONE, blank=True
    )
    # How the payment was asked for: WeChat Pay's trade_type (NATIVE, JSAPI, MWEB)
    # or Antom's terminal type (WEB, WAP, APP); for JSAPI, the app and the payer's
    # openid, and the prepay id the client starts it with.
    scene = models.CharField(max_length=16, blank=True)
    app_id = models.CharField(max_length=32, blank=True)
    payer_openid = models.CharField(max_length=128, blank=True)
    prepay_id = models.CharField(max_length=64, blank=True)

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
        # The provider cannot tell (WeChat Pay's ABNORMAL), or reported a refund it
        # had failed as made: the operator decides, nothing moves by itself.
        HELD = "held", _("held for the operator")

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
    # The parcels (sub-order ids) that read refunded once the provider refunds.
    parcels = models.JSONField(_("parcels"), default=list, blank=True)
    # Of the amount, the CBEC tax given back (a return: customs cancels the tax
    # of the goods coming back); the rest falls on goods, then freight.
    tax_part = models.DecimalField(
        _("of which tax"), max_digits=12, decimal_places=2, default=0
    )
    # The platform's non-cash discount (CEB311 ``discount``) on what is given back:
    # the refund's value is its amount plus this. Recorded by the services that
    # know the lines (a return: the returned units' share of the discount recorded
    # at placement; a cancelled or refused parcel: all of its discount). Null on
    # refunds made before it was recorded and on the operator's own refunds: the
    # ledger then spreads the parcel's discount in proportion to the cash refunded.
    discount_part = models.DecimalField(
        _("non-cash discount (CEB311)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return self.request_id


class CustomsDeclaration(Entity):
    """One sub-order's share of a payment declared to customs through the provider
    (the payment order of the CBEC messages): what customs will read of it."""

    class State(models.TextChoices):
        PENDING = "pending", _("to declare")
        SUBMITTED = "submitted", _("submitted")
        SUCCEEDED = "succeeded", _("accepted")
        FAILED = "failed", _("failed")

    class Identity(models.TextChoices):
        SAME = "same", _("the payer is the person named")
        DIFFERENT = "different", _("the payer is someone else")
        UNCHECKED = "unchecked", _("not checked")

    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("payment"),
    )
    sub_order = models.OneToOneField(
        "orders.SubOrder",
        on_delete=models.PROTECT,
        related_name="payment_declaration",
        verbose_name=_("parcel"),
    )
    request_id = models.CharField(_("request id"), max_length=64, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    customs = models.CharField(_("customs office"), max_length=32)
    state = models.CharField(
        _("state"), max_length=16, choices=State, default=State.SUBMITTED
    )
    identity = models.CharField(
        _("payer check"), max_length=16, choices=Identity, default=Identity.UNCHECKED
    )
    provider_declaration_id = models.CharField(
        _("provider's declaration id"), max_length=64, blank=True
    )
    pay_transaction_id = models.CharField(
        _("payment transaction id"), max_length=64, blank=True
    )
    verifying_department = models.CharField(
        _("verifying department"), max_length=32, blank=True
    )
    failure = models.TextField(_("provider's answer"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customs payment declaration")
        verbose_name_plural = _("customs payment declarations")
        indexes = [  # the few still to make: what the clock looks at every round
            models.Index(
                fields=["updated_at"],
                name="declaration_to_make",
                condition=Q(state__in=["pending", "failed"]),
            )
        ]

    def __str__(self) -> str:
        return self.request_id


class SettlementReport(Entity):
    """A provider's daily settlement report, imported and matched line by line."""

    provider = models.CharField(_("provider"), max_length=16, choices=Provider)
    name = models.CharField(_("file"), max_length=200)
    digest = models.CharField(_("SHA-256"), max_length=64, unique=True)
    lines_count = models.PositiveIntegerField(_("lines"), default=0)
    differences_count = models.PositiveIntegerField(_("differences"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("settlement report")
        verbose_name_plural = _("settlement reports")

    def __str__(self) -> str:
        return self.name


class SettlementLine(Entity):
    """One transaction the provider settled, the payment or refund it matched, and
    what differs (empty when nothing does)."""

    report = models.ForeignKey(
        SettlementReport,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("report"),
    )
    kind = models.CharField(_("kind"), max_length=8)
    request_id = models.CharField(_("request id"), max_length=64, db_index=True)
    provider_id = models.CharField(_("provider's id"), max_length=64, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    settlement_amount = models.DecimalField(
        _("settled"), max_digits=12, decimal_places=2
    )
    settlement_currency = models.CharField(_("settlement currency"), max_length=3)
    fee = models.DecimalField(_("fee"), max_digits=12, decimal_places=2)
    rate = models.DecimalField(_("provider's rate"), max_digits=16, decimal_places=8)
    payment = models.ForeignKey(
        Payment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlement_lines",
        verbose_name=_("payment"),
    )
    refund = models.ForeignKey(
        Refund,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="settlement_lines",
        verbose_name=_("refund"),
    )
    difference = models.TextField(_("difference"), blank=True)

    class Meta:
        ordering = ["report", "request_id"]
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")

    def __str__(self) -> str:
        return self.request_id


class PlatformCertificate(Entity):
    """A certificate a provider signs its answers and notifications with (WeChat Pay's
    platform certificates), downloaded from the provider and kept by serial: several
    are in force while the provider renews them."""

    provider = models.CharField(_("provider"), max_length=16, choices=Provider)
    serial_no = models.CharField(_("serial"), max_length=64)
    certificate = models.TextField(_("certificate (PEM)"))
    effective_at = models.DateTimeField(_("in force from"))
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        ordering = ["-expires_at"]
        verbose_name = _("platform certificate")
        verbose_name_plural = _("platform certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "serial_no"], name="platform_certificate_serial"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.serial_no}"


class DailyPayments(models.Model):
    """What buyers paid, by day in Brussels (of ``paid_at``) and currency: the
    payments' own summary, added to in the transaction in which a payment
    succeeds (``payments.daily``), compared with the payments by ``etalage
    check``. The operator's dashboard reads a year of it instead of a year of
    payments."""

    day = models.DateField(_("day"))
    currency = models.CharField(_("currency"), max_length=3)
    payments = models.PositiveIntegerField(_("payments"), default=0)
    amount_minor = models.BigIntegerField(_("amount (minor units)"), default=0)

    class Meta:
        ordering = ["day", "currency"]
        verbose_name = _("day's payments")
        verbose_name_plural = _("days' payments")
        constraints = [
            models.UniqueConstraint(fields=["day", "currency"], name="payments_daily")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.currency}"
