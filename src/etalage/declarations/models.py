"""What Étalage declared to customs for each parcel, what came back, and the
simulator's side of the exchange.

A ``Declaration`` is one message for one sub-order (its order, payment, waybill,
inventory, cancellation or return), with the head's guid customs answers under;
its signed XML is kept encrypted (it carries the buyer's ID number). Every receipt
is kept as it came (``Receipt``) and the tax bill of each inventory too
(``TaxBill``). The ``Simulator*`` tables are the embedded single window's own
memory, never read by the declaring side.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.models import Entity
from etalage.orders.models import SubOrder


class Kind(models.TextChoices):
    ORDER = "311", _("order (CEB311)")
    PAYMENT = "411", _("payment (CEB411)")
    WAYBILL = "511", _("waybill (CEB511)")
    INVENTORY = "621", _("inventory (CEB621)")
    CANCELLATION = "623", _("cancellation (CEB623)")
    RETURN = "625", _("return (CEB625)")


class Message(Entity):
    """One message as sent: an envelope (its own guid) holding the heads of one
    kind for one or more parcels, signed; kept encrypted, as it carries the
    buyers' ID numbers. Sent again whole, under the same guid, when asked."""

    class State(models.TextChoices):
        PENDING = "pending", _("to send")
        SENT = "sent", _("sent")
        FAILED = "failed", _("not delivered")

    kind = models.CharField(_("message"), max_length=3, choices=Kind)
    guid = models.CharField(_("guid"), max_length=36, unique=True)
    state = models.CharField(_("state"), max_length=8, choices=State)
    body_encrypted = models.TextField(_("signed message (encrypted)"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    failure = models.CharField(_("failure"), max_length=500, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("customs message")
        verbose_name_plural = _("customs messages")
        indexes = [models.Index(fields=["state", "sent_at"], name="message_state")]

    def __str__(self) -> str:
        return f"CEB{self.kind} {self.guid}"


class Declaration(Entity):
    """One parcel's document in a message (its head), and where customs stands
    on it."""

    class State(models.TextChoices):
        SENT = "sent", _("sent, awaiting customs")
        ACCEPTED = "accepted", _("accepted")
        RELEASED = "released", _("released")
        REFUSED = "refused", _("refused")
        ERROR = "error", _("refused as malformed")

    # None: refused before it could be sent (``info`` says why).
    message = models.ForeignKey(
        Message,
        on_delete=models.PROTECT,
        related_name="declarations",
        null=True,
        blank=True,
    )
    sub_order = models.ForeignKey(
        SubOrder,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("parcel"),
    )
    kind = models.CharField(_("message"), max_length=3, choices=Kind)
    guid = models.CharField(_("guid"), max_length=36, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.SENT
    )
    status = models.IntegerField(_("customs status"), null=True, blank=True)
    status_at = models.DateTimeField(_("status of"), null=True, blank=True)
    info = models.CharField(_("customs' words"), max_length=1000, blank=True)
    invt_no = models.CharField(_("inventory number"), max_length=30, blank=True)
    # The platform's own number for an inventory and what withdraws it (copNo, at
    # most 20 characters: the sub-order's number without its dashes); customs'
    # receipts name the inventory by it.
    cop_no = models.CharField(
        _("copy number"), max_length=20, blank=True, db_index=True
    )
    conflict = models.CharField(_("conflicting answer"), max_length=1000, blank=True)
    queried_at = models.DateTimeField(_("asked again at"), null=True, blank=True)
    # A return (CEB625): the tax customs gives back once it accepts the return.
    tax_returned = models.DecimalField(
        _("tax given back"), max_digits=12, decimal_places=2, default=0
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("customs declaration")
        verbose_name_plural = _("customs declarations")
        constraints = [
            # Once per parcel and kind, but a parcel may come back in parts,
            # each return declared (CEB625) with its own goods and tax.
            models.UniqueConstraint(
                fields=["sub_order", "kind"],
                condition=~models.Q(kind=Kind.RETURN),
                name="declaration_once_per_kind",
            )
        ]
        indexes = [models.Index(fields=["state", "status_at"], name="declaration_open")]

    def __str__(self) -> str:
        return f"CEB{self.kind} {self.sub_order.number}"


class Receipt(models.Model):
    """One answer from customs, kept as it came (twice if it came twice)."""

    declaration = models.ForeignKey(
        Declaration, on_delete=models.CASCADE, related_name="receipts"
    )
    status = models.IntegerField(_("customs status"))
    at = models.DateTimeField(_("customs' time"))
    info = models.CharField(_("customs' words"), max_length=1000, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    duplicate = models.BooleanField(_("already received"), default=False)
    applied = models.BooleanField(_("moved the parcel"), default=False)
    raw = models.TextField(_("as received"))

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("customs receipt")
        verbose_name_plural = _("customs receipts")

    def __str__(self) -> str:
        return f"{self.status} {self.info}"


class TaxBill(models.Model):
    """The tax customs assessed on one inventory (CEB816), and when it was paid
    (debited from the operator's guarantee)."""

    declaration = models.OneToOneField(
        Declaration, on_delete=models.PROTECT, related_name="tax_bill"
    )
    tax_no = models.CharField(_("tax bill number"), max_length=30, unique=True)
    customs_tax = models.DecimalField(_("import duty"), max_digits=12, decimal_places=2)
    vat = models.DecimalField(_("import VAT"), max_digits=12, decimal_places=2)
    consumption_tax = models.DecimalField(
        _("consumption tax"), max_digits=12, decimal_places=2
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    assessed_at = models.DateTimeField(_("assessed at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    raw = models.TextField(_("as received"))

    class Meta:
        verbose_name = _("customs tax bill")
        verbose_name_plural = _("customs tax bills")

    def __str__(self) -> str:
        return self.tax_no

    @property
    def total(self) -> Decimal:
        return self.customs_tax + self.vat + self.consumption_tax


# The simulator's memory ------------------------------------------------------------


class SimulatorDocument(models.Model):
    """A head the simulated single window received and accepted, with what it
    matches the three documents on."""

    kind = models.CharField(max_length=3)
    guid = models.CharField(max_length=36, unique=True)
    order_no = models.CharField(max_length=30, db_index=True)
    facts = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    # Inventories move: entered, then audited (or refused), then released.
    stage = models.CharField(max_length=12, default="entered")
    invt_no = models.CharField(max_length=30, blank=True)
    next_at = models.DateTimeField(null=True, db_index=True)

    def __str__(self) -> str:
        return f"CEB{self.kind} {self.guid}"


class SimulatorAnswer(models.Model):
    """A receipt or tax bill the simulator will hand over when its time comes."""

    body = models.BinaryField()
    due_at = models.DateTimeField(db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    about = models.TextField()  # the guids of the heads it answers about
    tax_bill = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"answer about {self.about}"


class SimulatorInstruction(models.Model):
    """Told by a test or the demo: refuse (or inspect) the inventory of an order."""

    class Verdict(models.TextChoices):
        REFUSE = "refuse", _("refuse at audit")
        INSPECT = "inspect", _("inspect, then release")

    order_no = models.CharField(_("sub-order number"), max_length=30, unique=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict)
    reason = models.CharField(_("customs' words"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("simulator instruction (not customs)")
        verbose_name_plural = _("simulator instructions (not customs)")

    def __str__(self) -> str:
        return f"{self.verdict} {self.order_no}"
