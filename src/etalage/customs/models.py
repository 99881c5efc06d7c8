from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.models import Entity
from etalage.core.text import validate_text
from etalage.customs.caps import parse_cap
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
    consumption_per_tonne_lower = models.DecimalField(
        _("consumption tax per tonne below the class A price (CNY)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Beer: 220 CNY a tonne below 3,000 CNY a tonne (class B)."),
    )
    per_tonne_class_a_from = models.DecimalField(
        _("class A from CNY per tonne"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Beer: the dutiable value and duty per tonne from which the higher rate "
            "applies (3,000 CNY)."
        ),
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
    rate = models.DecimalField(
        _("tariff rate"), max_digits=6, decimal_places=4, validators=_RATE
    )
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
    # The yearly cap read from its text (see customs/caps.py), kept in step on save.
    cap_amount = models.DecimalField(
        max_digits=12, decimal_places=3, null=True, blank=True, editable=False
    )
    cap_unit = models.CharField(max_length=8, blank=True, editable=False)

    class Meta:
        ordering = ["hs_code"]
        verbose_name = _("positive list entry")
        verbose_name_plural = _("positive list")

    def __str__(self) -> str:
        return f"{self.hs_code} {self.description}"

    def clean(self) -> None:

        try:
            parse_cap(self.yearly_cap)
        except ValueError as error:
            raise ValidationError({"yearly_cap": str(error)}) from None

    def save(self, *args: Any, **kwargs: Any) -> None:

        cap = parse_cap(self.yearly_cap)
        self.cap_amount = cap.amount if cap else None
        self.cap_unit = cap.unit if cap else ""
        super().save(*args, **kwargs)


class BuyerIdentity(Entity):
    """A buyer's real name and resident ID number, for customs; the number encrypted.

    The plain number is never stored, logged or shown: ``id_number_encrypted`` holds
    its ciphertext, ``id_number_hmac`` its keyed hash (the yearly limit counts by it)
    and ``id_number_masked`` what pages may show.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities"
    )
    real_name = models.CharField(
        _("real name"), max_length=60, validators=[validate_text]
    )
    id_number_encrypted = models.TextField(editable=False)
    id_number_hmac = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    mobile = models.CharField(_("mobile"), max_length=20)
    consent_at = models.DateTimeField(_("consent to customs use given at"))
    # Deleted by the buyer: no longer offered, but the number stays the account's
    # (its yearly usage still counts, and no other account may add it).
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("buyer identity")
        verbose_name_plural = _("buyer identities")
        constraints = [
            # An ID number belongs to one account (compared by its keyed hash).
            models.UniqueConstraint(
                fields=["id_number_hmac"], name="buyer_identity_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.real_name} {self.id_number_masked}"


class DeliveryAddress(Entity):
    """Where a buyer's parcels go, in China.

    ``region_code`` is the GB/T 2260 code of its district (or of its city, where the
    city has no district: ``etalage.addresses.regions``), which customs (CEB311's
    ``consigneeDistrict``) and carriers read; the names beside it are the table's.
    An address kept before codes were asked for may have none (its names as typed).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    recipient = models.CharField(
        _("recipient"), max_length=60, validators=[validate_text]
    )
    phone = models.CharField(_("phone"), max_length=20)
    province = models.CharField(
        _("province"), max_length=30, validators=[validate_text]
    )
    city = models.CharField(_("city"), max_length=30, validators=[validate_text])
    district = models.CharField(
        _("district"), max_length=30, blank=True, validators=[validate_text]
    )
    region_code = models.CharField(
        _("region code (GB/T 2260)"), max_length=6, blank=True
    )
    street = models.CharField(
        _("street address"), max_length=200, validators=[validate_text]
    )
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        ordering = ["-is_default", "created_at"]
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="delivery_address_one_default",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient}, {self.province}{self.city}{self.district}"


class YearlyQuantity(models.Model):
    """How much of a capped positive-list line one person bought in a year.

    Keyed by the HMAC of the ID number and the HS code; in the cap's unit (grams,
    millilitres or pieces)."""

    id_number_hmac = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    hs_code = models.CharField(max_length=10)
    used = models.DecimalField(max_digits=14, decimal_places=3, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hmac", "year", "hs_code"],
                name="yearly_quantity_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.hs_code}: {self.used}"


class YearlyUsage(models.Model):
    """What counts toward one person's 26,000 CNY for one calendar year.

    Keyed by the HMAC of the ID number, never the number. ``reserved`` holds orders
    placed but not yet released by customs; ``confirmed`` those released.
    """

    id_number_hmac = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    reserved = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    confirmed = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hmac", "year"], name="yearly_usage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.reserved} + {self.confirmed}"

    @property
    def used(self) -> Decimal:
        return self.reserved + self.confirmed
