from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.catalog.validators import validate_gtin
from etalage.core.ids import new_id
from etalage.core.languages import Language
from etalage.core.models import Entity
from etalage.core.text import validate_multiline_text, validate_text
from etalage.customs.cbec import NetContent, NetUnit
from etalage.customs.hs_codes import validate_hs_code
from etalage.customs.tax_classes import TaxClass  # noqa: F401  (catalogue field choices)
from etalage.merchants.models import Merchant

NET_UNIT_CHOICES = [
    (NetUnit.GRAM.value, _("g (net weight)")),
    (NetUnit.MILLILITRE.value, _("ml (volume)")),
    (NetUnit.PIECE.value, _("pieces")),
]


class Category(Entity):
    """A node of the catalogue's category tree."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    slug = models.SlugField(max_length=80, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    default_commission_percent = models.DecimalField(
        _("default commission %"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Proposed to the operator when approving a merchant that sells here."
        ),
    )

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.slug


class CategoryTranslation(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=8, choices=Language)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("category translation")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language"], name="category_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Product(Entity):
    """A merchant's product, with its listing status on the marketplace."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        LIVE = "live", _("Live")
        REJECTED = "rejected", _("Rejected")

    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("merchant"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
    )
    slug = models.SlugField(max_length=160, unique=True)
    merchant_ref = models.CharField(
        _("merchant's product reference"),
        max_length=64,
        blank=True,
        help_text=_("The merchant's own key for the product; imports update by it."),
    )
    brand = models.CharField(_("brand"), max_length=120, validators=[validate_text])
    hs_code = models.CharField(
        _("HS code"), max_length=10, validators=[validate_hs_code]
    )
    origin_country = models.CharField(
        _("country of origin"), max_length=2, default="BE"
    )
    tax_class = models.CharField(
        _("CBEC tax class"),
        max_length=16,
        choices=TaxClass,
        default=TaxClass.ORDINARY_13,
    )
    status = models.CharField(
        _("listing status"), max_length=16, choices=Status, default=Status.DRAFT
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    # The lowest active variant price, kept by the catalogue services so that
    # listing pages can filter and sort by price without reading every variant.
    price_from_eur = models.DecimalField(
        _("price from (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    active_variant_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # The shipping weight of that cheapest variant, for the estimated freight and tax.
    price_from_weight_grams = models.PositiveIntegerField(default=0, editable=False)
    # And its net content, for the thresholds and per-tonne tax in that estimate.
    price_from_net_content = models.PositiveIntegerField(default=0, editable=False)
    price_from_net_unit = models.CharField(
        max_length=8, choices=NET_UNIT_CHOICES, default=NetUnit.GRAM, editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["status", "category", "-created_at"]),
            models.Index(fields=["status", "category", "price_from_eur"]),
            models.Index(fields=["merchant", "status"]),
            # Which merchants sell in a category (the listing's merchant filter).
            models.Index(fields=["status", "category", "merchant"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "merchant_ref"],
                condition=~models.Q(merchant_ref=""),
                name="product_merchant_ref_unique",
            )
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def price_from_net(self) -> NetContent | None:
        """The cheapest variant's net content (None before it has a variant)."""
        if not self.price_from_net_content:
            return None
        return NetContent(
            self.price_from_net_content, NetUnit(self.price_from_net_unit)
        )


class ProductTranslation(models.Model):
    """A product's name and texts in one language."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=8, choices=Language)
    name = models.CharField(_("name"), max_length=200, validators=[validate_text])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_multiline_text]
    )
    ingredients = models.TextField(
        _("ingredients or materials"),
        blank=True,
        validators=[validate_multiline_text],
    )

    class Meta:
        verbose_name = _("product translation")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "language"], name="product_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    """A sellable version of a product (size, flavour, volume) with its own SKU."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants"
    )
    # Denormalised from the product so that a SKU can be unique per merchant.
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(_("SKU"), max_length=64, validators=[validate_text])
    gtin = models.CharField(
        _("GTIN"), max_length=14, blank=True, validators=[validate_gtin]
    )
    # {"flavour": {"en": "Dark 72%", "fr": "Noir 72 %", ...}, "volume": "330 ml"}:
    # a value is either language-neutral text or a text per language.
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    price_eur = models.DecimalField(
        _("price (EUR)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    weight_grams = models.PositiveIntegerField(
        _("shipping weight (g)"), validators=[MinValueValidator(1)]
    )
    # What one unit holds, as customs counts it: 330 ml of beer, 250 g of pralines,
    # 10 sheet masks. The cosmetics thresholds (per ml or g, or per piece), beer's
    # per-tonne tax and the positive list's yearly caps read it.
    net_content = models.PositiveIntegerField(
        _("net content"), validators=[MinValueValidator(1)]
    )
    net_unit = models.CharField(
        _("net content unit"), max_length=8, choices=NET_UNIT_CHOICES
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "sku"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "sku"], name="variant_sku_unique"
            )
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def net(self) -> NetContent:
        return NetContent(self.net_content, NetUnit(self.net_unit))


def _image_path(instance: "ProductImage", filename: str) -> str:
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    """A product photo or illustration, with thumbnails made at upload."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(_("image"), upload_to=_image_path, max_length=255)
    thumbnail = models.ImageField(upload_to=_image_path, max_length=255, editable=False)
    medium = models.ImageField(upload_to=_image_path, max_length=255, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    source_name = models.CharField(
        _("uploaded file name"), max_length=255, blank=True, editable=False
    )
    is_illustration = models.BooleanField(
        _("illustration"),
        default=False,
        help_text=_("Drawn, not photographed: the storefront says so."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("product image")

    def __str__(self) -> str:
        return str(self.image)


class PavilionEntry(models.Model):
    """A merchant or a product featured in the pavilion, curated by the operator."""

    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merchant"),
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)
    story_zh_hans = models.TextField(_("story (简体中文)"), blank=True)
    story_fr = models.TextField(_("story (français)"), blank=True)
    story_nl = models.TextField(_("story (Nederlands)"), blank=True)
    story_en = models.TextField(_("story (English)"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("pavilion entry")
        verbose_name_plural = _("pavilion")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(merchant__isnull=False, product__isnull=True)
                    | models.Q(merchant__isnull=True, product__isnull=False)
                ),
                name="pavilion_entry_features_one_thing",
            )
        ]

    def __str__(self) -> str:
        return str(self.merchant or self.product)

    def story(self, language: str) -> str:
        for code in (language, "en", "fr"):
            text = getattr(self, "story_" + code.replace("-", "_"), "")
            if text:
                return text
        return ""


def _private_storage() -> FileSystemStorage:

    return FileSystemStorage(location=settings.PRIVATE_ROOT)


def _import_path(instance: "ProductImportRun", filename: str) -> str:
    return f"imports/{instance.merchant_id}/{instance.pk}-{filename}"


class ProductImportRun(Entity):
    """A catalogue file a merchant imported: what it did, or why it was refused."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        CHECKING = "checking", _("Checking")
        WRITING = "writing", _("Importing")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="import_runs"
    )
    file_name = models.CharField(_("file"), max_length=255)
    upload = models.FileField(
        storage=_private_storage, upload_to=_import_path, blank=True, editable=False
    )
    submit_for_review = models.BooleanField(default=False, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    summary = models.JSONField(_("summary"), default=dict)
    errors = models.JSONField(_("errors"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in (
            self.Status.QUEUED,
            self.Status.CHECKING,
            self.Status.WRITING,
        )


class ListingChange(Entity):
    """Changes a merchant made to the reviewed fields of a live listing (names, HS
    code, tax class, origin, category, net content), waiting for the operator. The
    approved version stays on sale until the change is approved; a product has at
    most one change pending, later edits join it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("product"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.PENDING
    )
    # {"hs_code": "2203000000", "tax_class": "beer", "origin_country": "FR",
    #  "category": "<category id>"}
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    # {"zh-hans": {"name": "…"}}; a language the listing did not have yet carries
    # its description and ingredients too.
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    # {"<variant id>": [330, "ml"]}
    nets = models.JSONField(_("net contents"), default=dict, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("change to a live listing")
        verbose_name_plural = _("changes to live listings")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(status="pending"),
                name="listing_change_one_pending",
            )
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.product} ({self.get_status_display()})"


class ListingPrice(models.Model):
    """What a listing's card shows in one market (the cheapest variant, converted,
    with its estimated CBEC tax where the market has one), kept by the catalogue so
    that listings filter and sort by the price buyers see."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="listing_prices"
    )
    market_code = models.CharField(max_length=8)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    computed_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "market_code"], name="listing_price_one_per_market"
            )
        ]
        indexes = [
            models.Index(fields=["market_code", "amount"]),
            models.Index(fields=["computed_on"]),
            # Search reads every match's price in one market from this index alone
            # (PostgreSQL; the covered column is ignored elsewhere).
            models.Index(
                fields=["market_code", "product"],
                include=["amount"],
                name="listing_price_by_market",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.amount} {self.currency}"
