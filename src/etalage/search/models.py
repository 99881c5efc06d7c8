"""What search keeps in the database: the log of changes each node's index
follows, where each node's index stands, and the marketplace's glossary. The
index itself (tantivy) lives on each node's disk (``search.index``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.core.models import Entity


class IndexChange(models.Model):
    """What the index must take in, in the order it happened: a product to index
    again (or to take out), or every product (``product_id`` empty: their prices
    changed). Written by the search's event handlers in the outbox's delivery
    transaction; read by each node's index follower from its own position
    (``search.feed``), like a log: nothing here is ever marked done."""

    class Reason(models.TextChoices):
        LISTING = "listing"  # texts, variants, whether buyers may see it
        FIGURES = "figures"  # stock or units sold: what ranks it
        PRICES = "prices"  # what it costs in each market

    seq = models.BigAutoField(primary_key=True)
    product_id = models.UUIDField(null=True)  # a deleted product's too
    reason = models.CharField(max_length=8, choices=Reason)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["at"], name="search_change_at")]

    def __str__(self) -> str:
        return f"{self.seq} {self.reason} {self.product_id or 'all'}"


class IndexReplica(models.Model):
    """One node's index as its follower last reported it: where it is in the log
    of changes, how many documents and bytes it holds. For the back-office and
    ``etalage check``; the position the follower resumes from is the index's own
    (kept beside it on the node's disk)."""

    node = models.CharField(max_length=100, primary_key=True)
    position = models.BigIntegerField(default=0)
    documents = models.BigIntegerField(default=0)
    size_bytes = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(null=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.node


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
