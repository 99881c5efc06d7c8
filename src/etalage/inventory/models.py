from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.catalog.models import Variant
from etalage.core.models import Entity
from etalage.customs.routes import WarehouseKind
from etalage.merchants.models import Merchant


class Warehouse(Entity):
    """Where stock is: a merchant's own, the Liège hub, or a bonded warehouse."""

    Kind = WarehouseKind

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="warehouses",
        help_text=_("Only for a merchant's own warehouse."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="merchant", merchant__isnull=False)
                    | (~models.Q(kind="merchant") & models.Q(merchant__isnull=True))
                ),
                name="warehouse_merchant_only_for_own",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """How many units of a variant a warehouse holds, and how many are promised."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="stock"
    )
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stock")
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    allocated = models.PositiveIntegerField(_("allocated"), default=0)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "variant"], name="stock_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(allocated__lte=models.F("on_hand")),
                name="stock_never_oversold",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.variant_id} @ {self.warehouse_id}: {self.on_hand}/{self.allocated}"
        )

    @property
    def available(self) -> int:
        return self.on_hand - self.allocated


class StockMovement(models.Model):
    """Every change of stock, with why, who and when; the movements explain it."""

    class Reason(models.TextChoices):
        RECEIVED = "received", _("Received")
        ADJUSTED = "adjusted", _("Adjusted (count)")
        ALLOCATED = "allocated", _("Allocated to an order")
        RELEASED = "released", _("Released from an order")
        SHIPPED = "shipped", _("Shipped")
        RETURNED = "returned", _("Returned")

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="movements")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason)
    on_hand_delta = models.IntegerField(_("on hand change"), default=0)
    allocated_delta = models.IntegerField(_("allocated change"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")

    def __str__(self) -> str:
        return f"{self.reason} {self.on_hand_delta:+d}/{self.allocated_delta:+d}"
