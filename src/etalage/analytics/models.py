"""What analytics keeps of its own: how many times each product's page was seen
each day (the only figure no other context records). Every other figure of the
dashboards is read from the orders and the ledger where they are kept."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.catalog.models import Product


class ProductViewDay(models.Model):
    """A product's page views on one day (Europe/Brussels), counted in each
    process and added here in batches (``analytics.product_views``)."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("product views on a day")
        verbose_name_plural = _("product views by day")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "day"], name="product_view_day_once"
            )
        ]
        indexes = [models.Index(fields=["day"], name="product_view_day")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.views}"
