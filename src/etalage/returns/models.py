"""A buyer's return of a delivered parcel: what comes back, why, the decision, the
label, and what happened to the goods once received."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.models import Entity
from etalage.orders.models import OrderLine, SubOrder


class ReturnRequest(Entity):
    class State(models.TextChoices):
        REQUESTED = "requested", _("asked, awaiting the seller")
        APPROVED = "approved", _("approved: send it back with the label")
        REFUSED = "refused", _("refused")
        RECEIVED = "received", _("received: refunded")

    class Reason(models.TextChoices):
        DAMAGED = "damaged", _("It arrived damaged")
        NOT_AS_DESCRIBED = "not_as_described", _("It is not as described")
        WRONG_ITEM = "wrong_item", _("I received the wrong item")
        NOT_WANTED = "not_wanted", _("I no longer want it")
        OTHER = "other", _("Another reason")

    sub_order = models.ForeignKey(
        SubOrder,
        on_delete=models.PROTECT,
        related_name="returns",
        verbose_name=_("parcel"),
    )
    number = models.CharField(_("return number"), max_length=30, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.REQUESTED
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    details = models.TextField(_("what happened"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note to the buyer"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    goods_amount = models.DecimalField(
        _("goods refunded"), max_digits=12, decimal_places=2, default=0
    )
    tax_amount = models.DecimalField(
        _("tax refunded"), max_digits=12, decimal_places=2, default=0
    )
    refund_id = models.UUIDField(_("refund"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    class Outcome(models.TextChoices):
        RESTOCKED = "restocked", _("back on the shelf")
        WRITTEN_OFF = "written_off", _("written off")

    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="lines"
    )
    line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantity"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome, blank=True)
    write_off_reason = models.CharField(
        _("why written off"), max_length=200, blank=True
    )

    def __str__(self) -> str:
        return f"{self.line.sku} × {self.quantity}"


def _private_storage() -> FileSystemStorage:
    """The buyer's photos are not public: served only to the buyer, the seller and
    the operator."""
    return FileSystemStorage(location=settings.PRIVATE_ROOT)


class ReturnPhoto(models.Model):
    request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("photo"), upload_to="returns/%Y/%m/", storage=_private_storage
    )

    def __str__(self) -> str:
        return str(self.image)
