from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.ids import new_id
from etalage.core.languages import Language
from etalage.core.models import Entity
from etalage.customs.routes import Route


class Market(Entity):
    """Where buyers buy: a country, its currency, its language and the FX margin."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=80)
    country = models.CharField(_("country (ISO 3166)"), max_length=2)
    currency = models.CharField(_("currency (ISO 4217)"), max_length=3)
    default_language = models.CharField(
        _("default language"), max_length=8, choices=Language
    )
    fx_margin_percent = models.DecimalField(
        _("FX margin %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("50"))],
        help_text=_("Added to the ECB reference rate when converting EUR prices."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    warehouse_priority = models.JSONField(
        _("warehouse priority"),
        default=list,
        blank=True,
        help_text=_(
            "Kinds of warehouse an order line is taken from, first choice first: "
            "bonded, hub, merchant."
        ),
    )

    hold_minutes = models.PositiveSmallIntegerField(
        _("stock hold (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_(
            "How long a placed order keeps its stock while the buyer pays; unpaid "
            "orders are cancelled after it."
        ),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")

    def __str__(self) -> str:
        return f"{self.code} ({self.currency})"


class ExchangeRate(models.Model):
    """One ECB euro reference rate: 1 EUR = ``rate`` units of ``currency`` on a day."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    currency = models.CharField(_("currency"), max_length=3)
    rate_date = models.DateField(_("date"))
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=6)
    source = models.CharField(_("source file"), max_length=255)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        ordering = ["-rate_date", "currency"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "rate_date"], name="exchange_rate_unique_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"1 EUR = {self.rate} {self.currency} on {self.rate_date}"


class ExchangeRateImport(Entity):
    """A record of one ECB file imported, by whom, and what it changed."""

    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=32)
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    created = models.PositiveIntegerField(_("rates added"))
    updated = models.PositiveIntegerField(_("rates corrected"))
    unchanged = models.PositiveIntegerField(_("rates unchanged"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ECB file import")
        verbose_name_plural = _("ECB file imports")

    def __str__(self) -> str:
        return self.file_name


class FreightRate(Entity):
    """A weight band of a shipping route's price list, in CNY, from a date on."""

    Route = Route

    route = models.CharField(_("route"), max_length=16, choices=Route)
    max_grams = models.PositiveIntegerField(
        _("up to (g)"), null=True, blank=True, help_text=_("Empty: no upper bound.")
    )
    price_cny = models.DecimalField(
        _("price per parcel (CNY)"), max_digits=10, decimal_places=2
    )
    effective_from = models.DateField(_("in force from"))

    class Meta:
        ordering = ["route", "-effective_from", "max_grams"]
        verbose_name = _("freight rate")
        verbose_name_plural = _("freight rates")

    def __str__(self) -> str:
        return f"{self.route} ≤ {self.max_grams} g: {self.price_cny} CNY"
