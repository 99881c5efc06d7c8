"""Promotions, the coupons buyers claim, what each order took, and sale prices.

The rules an offer follows are in ``core.py`` (pure); these tables keep its terms,
its window, its budget and limits (spent and used, changed only by conditional
updates under the promotion's row lock) and, per order, what it took off where —
the figures customs, the ledger and refunds read back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from etalage.catalog.models import Product, Variant
from etalage.core.models import Entity
from etalage.merchants.models import Merchant

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _money(
    label: StrOrPromise, default: int | None = None
) -> models.DecimalField[Decimal | int, Decimal]:
    """An amount of money; ``default`` when it has one (none: it is required)."""
    if default is None:
        return models.DecimalField(label, max_digits=12, decimal_places=2)
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=default)


class Promotion(Entity):
    """One offer: a coupon, a spend-and-save (满减) or free shipping over a
    threshold, with its window, budget, limits and who pays for it."""

    class Kind(models.TextChoices):
        COUPON = "coupon", _("coupon")
        SPEND_AND_SAVE = "spend_and_save", _("spend and save")
        FREE_SHIPPING = "free_shipping", _("free shipping")

    class Funder(models.TextChoices):
        PLATFORM = "platform", _("the platform")
        MERCHANT = "merchant", _("the merchant")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    funder = models.CharField(_("paid for by"), max_length=10, choices=Funder)
    # None: across the whole pavilion (the platform's offers only).
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promotions",
    )
    name = models.CharField(_("name"), max_length=120)
    # A coupon typed at checkout (upper case); empty for claim-only coupons.
    code = models.CharField(_("code"), max_length=32, blank=True)
    claimable = models.BooleanField(_("claimable on the product page"), default=False)
    amount_off = _money(_("amount off"), default=0)
    percent_off = models.DecimalField(
        _("percent off"), max_digits=5, decimal_places=2, default=0
    )
    cap = models.DecimalField(
        _("at most"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    threshold = _money(_("minimum spend, step or threshold"), default=0)
    products = models.ManyToManyField(
        Product, blank=True, related_name="+", verbose_name=_("products")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    ended_at = models.DateTimeField(_("ended early"), null=True, blank=True)
    # Paused by its shop or the operator: not offered nor taken until resumed.
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    budget = _money(_("budget"))
    spent = _money(_("spent"), default=0)
    total_limit = models.PositiveIntegerField(_("uses in all"), null=True, blank=True)
    used = models.PositiveIntegerField(_("used"), default=0)
    per_buyer_limit = models.PositiveSmallIntegerField(_("uses per buyer"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        constraints = [
            models.CheckConstraint(
                condition=Q(spent__lte=F("budget")), name="promotion_within_budget"
            ),
            models.CheckConstraint(
                condition=Q(total_limit__isnull=True) | Q(used__lte=F("total_limit")),
                name="promotion_within_limit",
            ),
            models.CheckConstraint(
                condition=~Q(funder="merchant") | Q(merchant__isnull=False),
                name="promotion_merchant_funds_its_own",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="promotion_window"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="promotion_code_unique"
            ),
        ]
        indexes = [models.Index(fields=["kind", "ends_at"], name="promotion_live")]

    def __str__(self) -> str:
        return self.name


class CouponClaim(Entity):
    """A claimable coupon a buyer took: it waits in *My account* until used."""

    promotion = models.ForeignKey(
        Promotion, on_delete=models.CASCADE, related_name="claims"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("claimed coupon")
        verbose_name_plural = _("claimed coupons")
        constraints = [
            models.UniqueConstraint(
                fields=["promotion", "buyer"], name="coupon_claim_once"
            )
        ]


class Redemption(Entity):
    """What one promotion took off one order (all its parcels): counted once
    against the promotion's uses and its budget; given back if the order is
    cancelled before it is paid."""

    promotion = models.ForeignKey(
        Promotion, on_delete=models.PROTECT, related_name="redemptions"
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="redemptions"
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount = _money(_("amount"))
    funder = models.CharField(max_length=10, choices=Promotion.Funder)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        constraints = [
            models.UniqueConstraint(
                fields=["promotion", "order"], name="redemption_once_per_order"
            )
        ]
        indexes = [models.Index(fields=["promotion", "buyer"], name="redemption_buyer")]


class LineDiscount(models.Model):
    """What promotions took off one order line (its sub-order's line of a
    variant): the seller's part (lowers the declared price) and the platform's (a
    non-cash payment, CEB311 discount)."""

    sub_order = models.ForeignKey(
        "orders.SubOrder", on_delete=models.CASCADE, related_name="line_discounts"
    )
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+")
    merchant = _money(_("by the merchant"), default=0)
    platform = _money(_("by the platform"), default=0)

    class Meta:
        verbose_name = _("line discount")
        verbose_name_plural = _("line discounts")
        constraints = [
            models.UniqueConstraint(
                fields=["sub_order", "variant"], name="line_discount_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}: {self.merchant} + {self.platform}"


class ParcelDiscount(models.Model):
    """A sub-order's promotions as declared: its goods and freight before them,
    the freight waived by each funder, and the non-cash ``discount`` of CEB311."""

    sub_order = models.OneToOneField(
        "orders.SubOrder", on_delete=models.CASCADE, related_name="discount"
    )
    goods_shown = _money(_("goods at the prices shown"))
    freight_shown = _money(_("freight before free shipping"))
    freight_merchant = _money(_("freight waived by the merchant"), default=0)
    freight_platform = _money(_("freight waived by the platform"), default=0)
    noncash = _money(_("non-cash discount (CEB311)"), default=0)
    # The seller's reduction in the merchant's currency (EUR), at the order's rate.
    merchant_eur = _money(_("merchant's discount (EUR)"), default=0)

    class Meta:
        verbose_name = _("parcel discount")
        verbose_name_plural = _("parcel discounts")

    def __str__(self) -> str:
        return f"{self.sub_order_id}: {self.noncash}"


class SalePrice(Entity):
    """A timed sale price on a variant (a flash sale): while it runs, it is the
    variant's price, with the regular one shown struck through."""

    variant = models.ForeignKey(
        Variant, on_delete=models.CASCADE, related_name="sale_prices"
    )
    price_eur = _money(_("sale price (EUR)"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    ended_at = models.DateTimeField(_("ended early"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("sale price")
        verbose_name_plural = _("sale prices")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="sale_window"
            ),
            models.CheckConstraint(
                condition=Q(price_eur__gt=0), name="sale_price_positive"
            ),
        ]
        indexes = [models.Index(fields=["variant", "ends_at"], name="sale_live")]
