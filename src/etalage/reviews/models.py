"""Reviews of delivered order lines, their photos, reports and the ratings they
make (``reviews.rating``), kept per product and per merchant."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from etalage.catalog.models import Product
from etalage.core.models import Entity
from etalage.merchants.models import Merchant
from etalage.orders.models import OrderLine
from etalage.reviews.rating import Rating


class HideReason(models.TextChoices):
    """Why the operator hides a review or a reply (the author reads it, with the
    operator's own words)."""

    ADVERTISING = "advertising", _("Advertising or contact details")
    OFFENSIVE = "offensive", _("Offensive, abusive or hateful")
    PERSONAL_DATA = "personal_data", _("Shows someone's personal data")
    OFF_TOPIC = "off_topic", _("Not about this product or this purchase")
    NOT_GENUINE = "not_genuine", _("Not a genuine opinion (paid for or a conflict)")
    ILLEGAL = "illegal", _("Against the law")
    OTHER = "other", _("Another reason")


class Review(Entity):
    """A buyer's stars and words on one line of a delivered parcel: one per line,
    so every review is of a verified purchase."""

    line = models.OneToOneField(
        OrderLine, on_delete=models.PROTECT, related_name="review",
        verbose_name=_("order line"),
    )  # fmt: skip
    # The line's product and merchant, kept on the review for the lists by product
    # and by merchant (a line's variant belongs to one product for ever).
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="reviews",
        verbose_name=_("product"),
    )  # fmt: skip
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="reviews",
        verbose_name=_("merchant"),
    )  # fmt: skip
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews",
        verbose_name=_("buyer"),
    )  # fmt: skip
    stars = models.PositiveSmallIntegerField(_("stars"))
    text = models.TextField(_("review"), max_length=2000, blank=True)
    language = models.CharField(_("written in"), max_length=16)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), max_length=2000, blank=True)
    follow_up_language = models.CharField(max_length=16, blank=True)
    follow_up_at = models.DateTimeField(_("follow-up at"), null=True, blank=True)
    reply = models.TextField(_("merchant's reply"), max_length=1000, blank=True)
    reply_language = models.CharField(max_length=16, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_code = models.CharField(
        _("why hidden"), max_length=16, choices=HideReason, blank=True
    )
    hidden_reason = models.CharField(_("operator's words"), max_length=500, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reply_hidden_at = models.DateTimeField(_("reply hidden at"), null=True, blank=True)
    reply_hidden_code = models.CharField(
        _("why the reply is hidden"), max_length=16, choices=HideReason, blank=True
    )
    reply_hidden_reason = models.CharField(
        _("operator's words on the reply"), max_length=500, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="review_stars_1_to_5"
            )
        ]
        indexes = [
            # A product's page of shown reviews, newest first.
            models.Index(
                fields=["product", "-created_at"],
                name="review_product_shown",
                condition=Q(hidden_at__isnull=True),
            ),  # fmt: skip
            models.Index(fields=["merchant", "-created_at"], name="review_merchant"),
        ]

    def __str__(self) -> str:
        return f"{self.stars}★ {self.line_id}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def hidden_why(self) -> str:
        """Why the operator hid it: the reason, then the operator's words."""
        code = self.get_hidden_code_display() if self.hidden_code else ""
        return " — ".join(part for part in (code, self.hidden_reason) if part)

    @property
    def reply_hidden_why(self) -> str:
        code = self.get_reply_hidden_code_display() if self.reply_hidden_code else ""
        return " — ".join(part for part in (code, self.reply_hidden_reason) if part)

    @property
    def reply_is_hidden(self) -> bool:
        return self.reply_hidden_at is not None

    @property
    def shown_reply(self) -> str:
        """The shop's reply as readers see it ('' when none or hidden)."""
        return "" if self.reply_hidden_at is not None else self.reply


def _photo_path(instance: ReviewPhoto, filename: str) -> str:
    return f"reviews/{instance.review_id}/{filename}"


class ReviewPhoto(models.Model):
    """A buyer's photo, public with its review, in the catalogue's sizes."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=_photo_path, max_length=255)
    thumbnail = models.ImageField(upload_to=_photo_path, max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("review photo")

    def __str__(self) -> str:
        return str(self.image)


class ReviewReport(Entity):
    """Someone (a buyer, a merchant) told the operator a review breaks the rules."""

    class Reason(models.TextChoices):
        OFFENSIVE = "offensive", _("Offensive or abusive")
        NOT_ABOUT_PRODUCT = "off_topic", _("Not about this product")
        PERSONAL_DATA = "personal_data", _("Shows personal data")
        SPAM = "spam", _("Advertising or spam")
        FALSE = "false", _("False or misleading")
        OTHER = "other", _("Another reason")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("reported by"),
    )  # fmt: skip
    reason = models.CharField(_("reason"), max_length=16, choices=Reason)
    details = models.CharField(_("details"), max_length=500, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review report")
        verbose_name_plural = _("review reports")
        constraints = [
            models.UniqueConstraint(fields=["review", "by"], name="review_report_once")
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="review_report_open",
                condition=Q(resolved_at__isnull=True),
            )  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.reason} on {self.review_id}"


class ModerationDecision(Entity):
    """One decision of the operator on a review or its reply, kept for good: who,
    when, what and why (the author and the shop read the why)."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Review hidden")
        SHOW = "show", _("Review shown again")
        HIDE_REPLY = "hide_reply", _("Reply hidden")
        SHOW_REPLY = "show_reply", _("Reply shown again")
        KEEP = "keep", _("Review kept, reports closed")

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="decisions",
        verbose_name=_("review"),
    )  # fmt: skip
    action = models.CharField(_("decision"), max_length=16, choices=Action)
    code = models.CharField(_("reason"), max_length=16, choices=HideReason, blank=True)
    reason = models.CharField(_("operator's words"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    reports_closed = models.PositiveIntegerField(_("reports closed"), default=0)
    # Who was told by email (the address, '' when nobody could be).
    told = models.CharField(_("told by email"), max_length=254, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")

    def __str__(self) -> str:
        return f"{self.action} on {self.review_id}"


class Tally(models.Model):
    """The shown reviews' stars by value, kept by the review services in the
    transaction of each change (never recounted by a page)."""

    one = models.PositiveIntegerField(default=0)
    two = models.PositiveIntegerField(default=0)
    three = models.PositiveIntegerField(default=0)
    four = models.PositiveIntegerField(default=0)
    five = models.PositiveIntegerField(default=0)
    count = models.PositiveIntegerField(_("reviews"), default=0)
    # The mean to one decimal, kept for sorting and for the "4 stars and up" filter.
    average = models.DecimalField(
        _("average stars"), max_digits=2, decimal_places=1, null=True, blank=True
    )

    class Meta:
        abstract = True

    def as_rating(self) -> Rating:
        return Rating((self.one, self.two, self.three, self.four, self.five))


STAR_FIELDS = ("one", "two", "three", "four", "five")


class ProductRating(Tally):
    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, primary_key=True, related_name="rating"
    )

    class Meta:
        verbose_name = _("product rating")

    def __str__(self) -> str:
        return f"{self.product_id}: {self.average} ({self.count})"


class MerchantRating(Tally):
    merchant = models.OneToOneField(
        Merchant, on_delete=models.CASCADE, primary_key=True, related_name="rating"
    )

    class Meta:
        verbose_name = _("merchant rating")

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.average} ({self.count})"
