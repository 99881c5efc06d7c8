"""The search index: one document per product a buyer may see, with its terms
(pre-segmented and normalized by ``search.text``) and what ranks and filters it,
and the marketplace's glossary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.models import Entity


class SearchDocument(models.Model):
    """A visible product as search sees it. The engine's own index (SQLite FTS5,
    PostgreSQL tsvector) is kept from ``title`` and ``body`` by the database."""

    id = models.BigAutoField(primary_key=True)
    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.TextField()  # names, brand, merchant, categories, SKUs, HS code
    body = models.TextField()  # descriptions, ingredients, origin
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.CASCADE, related_name="+"
    )
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, related_name="+"
    )
    origin_country = models.CharField(max_length=2)
    in_stock = models.BooleanField(default=False)
    featured = models.BooleanField(default=False)
    sales = models.PositiveIntegerField(default=0)
    listed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["category", "merchant"], name="search_doc_cat")]

    def __str__(self) -> str:
        return str(self.product_id)


class PendingIndex(models.Model):
    """A product whose document must be written again, marked in the transaction
    that delivers the change; the mark goes once the document is written. The
    task that indexes it runs after commit; the clock indexes the marks a lost
    task left behind."""

    product_id = models.UUIDField(primary_key=True)  # a deleted product's too
    since = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["since"], name="search_pending_since")]

    def __str__(self) -> str:
        return str(self.product_id)


class SearchTerm(models.Model):
    """A Latin-script word of the titles: the vocabulary a mistyped word is
    corrected against."""

    term = models.CharField(max_length=64, primary_key=True)

    def __str__(self) -> str:
        return self.term


class GlossaryEntry(Entity):
    """Words the marketplace treats as one (华夫饼 = gaufre = wafel = waffle), or a
    word that also means others (精酿 → craft beer)."""

    terms = models.TextField(
        _("words"),
        help_text=_(
            "Words or phrases separated by “=” mean the same (华夫饼 = gaufre = "
            "wafel = waffle); “a → b, c” makes a query for a also find b and c."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary")

    def __str__(self) -> str:
        return self.terms
