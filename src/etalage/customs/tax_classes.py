"""The CBEC tax classes a product belongs to; their rates are data (TaxClassRate)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaxClass(models.TextChoices):
    """How the CBEC tax treats a product; the rates are data of the customs context."""

    ORDINARY_13 = "ordinary-13", _("Ordinary goods (VAT 13%)")
    FOOD_9 = "food-9", _("Foods and books (VAT 9%)")
    WINE = "wine", _("Wine and spirits (consumption tax)")
    BEER = "beer", _("Beer (consumption tax per tonne)")
    COSMETICS = "cosmetics", _("Cosmetics (high-end: consumption tax)")
    JEWELLERY = "jewellery", _("Jewellery and diamonds (consumption tax)")
