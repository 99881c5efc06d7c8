from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.models import Entity
from etalage.customs.cbec import ConsumptionBasis
from etalage.customs.tax_classes import TaxClass

_RATE = [MinValueValidator(0), MaxValueValidator(1)]


class TaxClassRate(Entity):
    """The CBEC rates of a tax class from a date on; history is kept, never edited away.

    The rates in force on a day are those of the latest ``effective_from`` on or
    before it, so an old order is explained with the rates of its day.
    """

    class Basis(models.TextChoices):
        NONE = ConsumptionBasis.NONE, _("No consumption tax")
        AD_VALOREM = ConsumptionBasis.AD_VALOREM, _("Ad valorem")
        PER_TONNE = ConsumptionBasis.PER_TONNE, _("Per tonne")

    tax_class = models.CharField(_("tax class"), max_length=16, choices=TaxClass)
    effective_from = models.DateField(_("in force from"))
    vat_rate = models.DecimalField(
        _("VAT rate"), max_digits=6, decimal_places=4, validators=_RATE
    )
    consumption_basis = models.CharField(
        _("consumption tax basis"), max_length=16, choices=Basis, default=Basis.NONE
    )
    consumption_rate = models.DecimalField(
        _("consumption tax rate (ad valorem)"),
        max_digits=6,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(0.99)],
    )
    consumption_per_tonne = models.DecimalField(
        _("consumption tax per tonne (CNY)"), max_digits=10, decimal_places=2, default=0
    )
    threshold_per_gram = models.DecimalField(
        _("taxed from CNY per ml or g"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("High-end cosmetics: the consumption tax applies from this price."),
    )
    threshold_per_piece = models.DecimalField(
        _("taxed from CNY per piece"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    source = models.CharField(_("legal source"), max_length=200, blank=True)

    class Meta:
        ordering = ["tax_class", "-effective_from"]
        verbose_name = _("tax class rate")
        verbose_name_plural = _("tax class rates")
        constraints = [
            models.UniqueConstraint(
                fields=["tax_class", "effective_from"], name="tax_class_rate_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tax_class} from {self.effective_from}"


class TariffRate(Entity):
    """The import tariff of an HS code prefix; the single-item exception pays it."""

    hs_prefix = models.CharField(_("HS code or prefix"), max_length=10)
    rate = models.DecimalField(_("tariff rate"), max_digits=6, decimal_places=4,
                               validators=_RATE)  # fmt: skip
    effective_from = models.DateField(_("in force from"))

    class Meta:
        ordering = ["hs_prefix", "-effective_from"]
        verbose_name = _("tariff rate")
        verbose_name_plural = _("tariff rates")
        constraints = [
            models.UniqueConstraint(
                fields=["hs_prefix", "effective_from"], name="tariff_rate_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hs_prefix}: {self.rate}"


class PositiveListEntry(Entity):
    """A tariff line of the CBEC retail import goods list, with its remarks.

    Only goods whose HS code is on the list may be sold to China under CBEC; the
    operator loads and keeps the official list (about 1,476 lines in 2022).
    """

    hs_code = models.CharField(_("HS code"), max_length=10, unique=True)
    description = models.CharField(_("description"), max_length=300)
    remarks = models.TextField(_("remarks"), blank=True)
    bonded_only = models.BooleanField(_("bonded import (1210) only"), default=False)
    yearly_cap = models.CharField(
        _("yearly cap per person"),
        max_length=100,
        blank=True,
        help_text=_("For example: 2 kg."),
    )
    list_version = models.CharField(_("list"), max_length=40)

    class Meta:
        ordering = ["hs_code"]
        verbose_name = _("positive list entry")
        verbose_name_plural = _("positive list")

    def __str__(self) -> str:
        return f"{self.hs_code} {self.description}"
