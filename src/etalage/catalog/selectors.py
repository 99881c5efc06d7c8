"""Reads of the catalogue for the storefront and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import F, FilteredRelation, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from etalage.catalog.models import (
    Category,
    ListingChange,
    PavilionEntry,
    Product,
    ProductImage,
    ProductTranslation,
    Variant,
)
from etalage.core.languages import FALLBACKS, Language, pick_translation
from etalage.core.prepared import PreparedRead
from etalage.customs.cbec import NetContent, NetUnit
from etalage.merchants.models import Merchant, MerchantTranslation


class Sort:
    NEWEST = "newest"
    PRICE_LOW = "price"
    PRICE_HIGH = "-price"
    CHOICES = (NEWEST, PRICE_LOW, PRICE_HIGH)


@dataclass
class CategoryNode:
    """A category with its name in the reader's language and its place in the tree."""

    id: UUID
    slug: str
    name: str
    parent_id: UUID | None
    children: list[CategoryNode] = field(default_factory=list)
    parent: CategoryNode | None = None
    url: str = ""  # set by the storefront, which knows its own URLs

    @property
    def ancestors(self) -> list[CategoryNode]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def descendant_ids(self) -> list[UUID]:
        ids = [self.id]
        for child in self.children:
            ids.extend(child.descendant_ids())
        return ids


@dataclass
class CategoryTree:
    roots: list[CategoryNode]
    by_slug: dict[str, CategoryNode]
    by_id: dict[UUID, CategoryNode]


def category_tree(*, language: str) -> CategoryTree:
    """Return the whole category tree named in ``language`` (two queries)."""
    categories = list(Category.objects.prefetch_related("translations"))
    nodes = {}
    for category in categories:
        translation = pick_translation(category.translations.all(), language)
        nodes[category.id] = CategoryNode(
            id=category.id,
            slug=category.slug,
            name=translation.name if translation else category.slug,
            parent_id=category.parent_id,
        )
    roots = []
    for node in nodes.values():
        if node.parent_id is None:
            roots.append(node)
        else:
            node.parent = nodes[node.parent_id]
            node.parent.children.append(node)
    return CategoryTree(
        roots=roots,
        by_slug={node.slug: node for node in nodes.values()},
        by_id=nodes,
    )


def products_with_card_data(queryset: QuerySet[Product]) -> QuerySet[Product]:
    """Fetch what a product card shows: names, the merchant and the first images
    (the catalogue's listings and search's result pages alike)."""
    return queryset.select_related("merchant").prefetch_related(
        Prefetch(
            "translations",
            queryset=ProductTranslation.objects.only("product_id", "language", "name"),
        ),
        Prefetch(
            "images",
            queryset=ProductImage.objects.only(
                "product_id", "thumbnail", "is_illustration", "position"
            ).order_by("position", "id"),
        ),
    )


def visible_products() -> QuerySet[Product]:
    """Products a buyer may see: live listings of approved merchants."""
    return Product.objects.filter(
        status=Product.Status.LIVE, merchant__status=Merchant.Status.APPROVED
    )


def storefront_products(
    *,
    category_ids: list[UUID] | None = None,
    merchant: Merchant | None = None,
    merchant_slug: str | None = None,
    market_code: str = "",
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    sort: str = Sort.NEWEST,
) -> QuerySet[Product]:
    """Return the visible products matching the filters, ready for listing pages.

    Prices filter and sort by what the cards show in ``market_code`` (the stored
    ``ListingPrice``: with the estimated tax where the market has one)."""
    queryset = visible_products()
    if category_ids:
        queryset = queryset.filter(category_id__in=category_ids)
    if merchant is not None:
        queryset = queryset.filter(merchant=merchant)
    if merchant_slug:
        queryset = queryset.filter(merchant__slug=merchant_slug)
    by_price = price_min is not None or price_max is not None or sort != Sort.NEWEST
    if by_price:
        queryset = queryset.annotate(
            shown=FilteredRelation(
                "listing_prices", condition=Q(listing_prices__market_code=market_code)
            )
        )
    # (keywords of the annotated relation, out of the type checker's sight)
    if price_min is not None:
        queryset = queryset.filter(**{"shown__amount__gte": price_min})
    if price_max is not None:
        queryset = queryset.filter(**{"shown__amount__lte": price_max})
    order: list[Any] = {
        Sort.PRICE_LOW: [F("shown__amount").asc(nulls_last=True), "id"],
        Sort.PRICE_HIGH: [F("shown__amount").desc(nulls_last=True), "-id"],
    }.get(sort, ["-created_at", "-id"])
    return products_with_card_data(queryset.order_by(*order))


def storefront_product(*, slug: str) -> Product:
    """Return a visible product with all its page shows, or raise DoesNotExist."""
    return (
        visible_products()
        .select_related("merchant", "category")
        .prefetch_related(
            "translations",
            "merchant__translations",
            Prefetch(
                "images", queryset=ProductImage.objects.order_by("position", "id")
            ),
            "variants",
        )
        .get(slug=slug)
    )


def storefront_merchant(*, slug: str) -> Merchant:
    return Merchant.objects.prefetch_related("translations").get(
        slug=slug, status=Merchant.Status.APPROVED
    )


def storefront_merchants() -> list[Merchant]:
    return list(
        Merchant.objects.filter(status=Merchant.Status.APPROVED).prefetch_related(
            "translations"
        )
    )


def merchant_choices(
    category_ids: list[UUID] | None = None,
) -> list[tuple[str, str]]:
    """Return (slug, name) of the merchants with products on sale (in the categories
    ``category_ids``, when given), for filters: no choice leads to an empty page."""
    # The merchants of the live products, read from an index that holds them
    # (status, category, merchant): no join in the subquery.
    live = Product.objects.filter(status=Product.Status.LIVE)
    if category_ids:
        live = live.filter(category_id__in=category_ids)
    return list(
        Merchant.objects.filter(
            status=Merchant.Status.APPROVED, pk__in=live.values("merchant_id")
        )
        .order_by("name")
        .values_list("slug", "name")
    )


def pavilion_entries() -> tuple[list[PavilionEntry], list[PavilionEntry]]:
    """Return the shown pavilion entries, (merchants, products), in curated order."""
    entries = list(
        PavilionEntry.objects.filter(is_active=True)
        .select_related("merchant", "product__merchant")
        .prefetch_related(
            "merchant__translations",
            "product__translations",
            Prefetch(
                "product__images",
                queryset=ProductImage.objects.order_by("position", "id"),
            ),
        )
    )
    merchants = [
        e
        for e in entries
        if e.merchant is not None and e.merchant.status == Merchant.Status.APPROVED
    ]
    products = [
        e
        for e in entries
        if e.product is not None
        and e.product.status == Product.Status.LIVE
        and e.product.merchant.status == Merchant.Status.APPROVED
    ]
    return merchants, products


# How a product's pictures and variants read, for pages and the API -----------------


@dataclass(frozen=True)
class ImageView:
    thumbnail: str
    medium: str
    large: str
    width: int
    height: int
    is_illustration: bool


def image_view(image: ProductImage | None) -> ImageView | None:
    if image is None:
        return None
    return ImageView(
        thumbnail=image.thumbnail.url,
        medium=image.medium.url,
        large=image.image.url,
        width=image.width,
        height=image.height,
        is_illustration=image.is_illustration,
    )


def product_thumbnails(product_ids: Iterable[Any]) -> dict[Any, str]:
    """Each product's first picture as a thumbnail address (one query): the cart
    and the checkout show what is in them."""
    shown: dict[Any, str] = {}
    images = ProductImage.objects.filter(product_id__in=set(product_ids)).only(
        "product_id", "thumbnail", "position"
    )
    for image in images.order_by("product_id", "position", "id"):
        shown.setdefault(image.product_id, image.thumbnail.url)
    return shown


def net_content_text(variant: Variant) -> str:
    """What one unit holds, in words of the active language: "330 ml", "10 pieces"."""
    return net_text(variant.net_content, variant.net_unit)


def variant_label(variant: Variant, language: str) -> str:
    parts = []
    for value in variant.attributes.values():
        if isinstance(value, dict):
            parts.append(
                value.get(language) or value.get("en") or next(iter(value.values()), "")
            )
        else:
            parts.append(str(value))
    return " · ".join(p for p in parts if p) or variant.sku


def listings_in_review_count() -> int:
    return Product.objects.filter(status=Product.Status.IN_REVIEW).count()


def listing_changes_pending_count() -> int:
    return ListingChange.objects.filter(status=ListingChange.Status.PENDING).count()


def net_text(content: int, unit: str) -> str:
    """A net content in words of the active language: "330 ml", "10 pieces"."""
    if unit == NetUnit.PIECE:
        return ngettext("%(n)d piece", "%(n)d pieces", content) % {"n": content}
    return f"{content} {unit}"


def listing_change_pending(product: Product) -> ListingChange | None:
    """The change to a live listing waiting for the operator, if any."""
    return ListingChange.objects.filter(
        product=product, status=ListingChange.Status.PENDING
    ).first()


def listing_change_latest(product: Product) -> ListingChange | None:
    """The most recent change put up for a listing, whatever became of it."""
    return ListingChange.objects.filter(product=product).order_by("-created_at").first()


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


def listing_change_rows(change: ListingChange, language: str) -> list[ChangeRow]:
    """What a change changes, a row per field, in the reader's language."""
    product = change.product
    rows = []
    for name, value in change.fields.items():
        model_field = Product._meta.get_field(name)
        label = str(getattr(model_field, "verbose_name", name))
        before, after = str(getattr(product, name if name != "category" else
                                    "category_id")), value  # fmt: skip
        if name == "category":
            names = {
                str(c.pk): _category_name(c, language)
                for c in Category.objects.filter(pk__in=[before, after])
                .prefetch_related("translations")
            }  # fmt: skip
            before, after = names.get(before, before), names.get(after, after)
        rows.append(ChangeRow(label[:1].upper() + label[1:], before, after))
    names = {t.language: t.name for t in product.translations.all()}
    labels = dict(Language.choices)
    for lang, text in change.texts.items():
        label = _("Name (%(language)s)") % {"language": labels.get(lang, lang)}
        rows.append(ChangeRow(label, names.get(lang, "—"), text.get("name", "")))
    variants = {str(v.pk): v for v in product.variants.all()}
    for variant_id, (content, unit) in change.nets.items():
        variant = variants.get(variant_id)
        if variant is None:
            continue
        rows.append(
            ChangeRow(
                _("Net content · %(sku)s") % {"sku": variant.sku},
                net_text(variant.net_content, variant.net_unit),
                net_text(content, unit),
            )
        )
    return rows


def _category_name(category: Category, language: str) -> str:
    translation = pick_translation(category.translations.all(), language)
    return translation.name if translation else category.slug


# The product page's read: plain values, a query a table ----------------------------


@dataclass(frozen=True)
class PageText:
    language: str
    name: str
    description: str
    ingredients: str


@dataclass(frozen=True)
class PageImage:
    medium: str
    is_illustration: bool


@dataclass(frozen=True)
class PageVariant:
    """An active variant as the product page shows and prices it."""

    id: UUID
    sku: str
    gtin: str
    attributes: dict[str, Any]
    price_eur: Decimal
    weight_grams: int
    net_content: int
    net_unit: str
    position: int

    @property
    def pk(self) -> UUID:
        return self.id

    @property
    def net(self) -> NetContent:
        return NetContent(self.net_content, NetUnit(self.net_unit))


@dataclass(frozen=True)
class ProductPage:
    """What a product page shows of the catalogue, in every language: kept whole
    by the storefront (the same for each reader and market until the product
    changes), shaped per language and market when a page is rendered."""

    id: UUID
    slug: str
    brand: str
    hs_code: str
    origin_country: str
    tax_class: str
    category_id: UUID
    merchant_id: UUID
    merchant_slug: str
    merchant_name: str
    texts: tuple[PageText, ...]
    merchant_stories: tuple[tuple[str, str], ...]  # (language, story)
    images: tuple[PageImage, ...]
    variants: tuple[PageVariant, ...]  # the active ones, in their order

    def text(self, language: str) -> PageText | None:
        return pick_translation(self.texts, language)

    def name(self, language: str) -> str:
        text = self.text(language)
        return text.name if text else self.slug

    def merchant_story(self, language: str) -> str:
        by_language = dict(self.merchant_stories)
        for code in (language, *FALLBACKS):
            if code in by_language:
                return by_language[code]
        return ""

    def in_language(self, language: str) -> ProductPage:
        """This page with only what it shows in ``language`` (its text and its
        merchant's story there, or their fallbacks): what a page in one language
        keeps, a quarter of the whole."""
        text = self.text(language)
        story = self.merchant_story(language)
        return replace(
            self,
            texts=(text,) if text else (),
            merchant_stories=((language, story),) if story else (),
        )


_PRODUCT_PAGE_FIELDS = (
    "id", "slug", "brand", "hs_code", "origin_country", "tax_class", "category_id",
    "merchant_id", "merchant__slug", "merchant__name",
)  # fmt: skip
_VARIANT_FIELDS = (
    "id", "sku", "gtin", "attributes", "price_eur", "weight_grams", "net_content",
    "net_unit", "position",
)  # fmt: skip


def _product_field(model: Any) -> Any:
    return model._meta.get_field("product")


# The page's five reads are the same SQL for every product: compiled once
# (``core.prepared``), run with the slug and then the product's key.
_PAGE_PRODUCT = PreparedRead(
    lambda slug: (
        visible_products().filter(slug=slug).values_list(*_PRODUCT_PAGE_FIELDS)[:1]
    ),
    Product._meta.get_field("slug"),
)
_PAGE_TEXTS = PreparedRead(
    lambda product_id: ProductTranslation.objects.filter(
        product_id=product_id
    ).values_list("language", "name", "description", "ingredients"),
    _product_field(ProductTranslation),
)
_PAGE_STORIES = PreparedRead(
    lambda merchant_id: MerchantTranslation.objects.filter(
        merchant_id=merchant_id
    ).values_list("language", "story"),
    MerchantTranslation._meta.get_field("merchant"),
)
_PAGE_IMAGES = PreparedRead(
    lambda product_id: (
        ProductImage.objects.filter(product_id=product_id)
        .order_by("position", "id")
        .values_list("medium", "is_illustration")
    ),
    _product_field(ProductImage),
)
_PAGE_VARIANTS = PreparedRead(
    lambda product_id: (
        Variant.objects.filter(product_id=product_id, is_active=True)
        .order_by("position", "sku")
        .values_list(*_VARIANT_FIELDS)
    ),
    _product_field(Variant),
)


def product_page(*, slug: str) -> ProductPage | None:
    """A visible product's page data (None if there is none): five small reads of
    values, no model built, their SQL compiled once."""
    rows = _PAGE_PRODUCT(slug)
    if not rows:
        return None
    found = rows[0]
    product_id, merchant_id = found[0], found[7]
    medium = ProductImage._meta.get_field("medium").storage
    return ProductPage(
        id=product_id,
        slug=found[1],
        brand=found[2],
        hs_code=found[3],
        origin_country=found[4],
        tax_class=found[5],
        category_id=found[6],
        merchant_id=merchant_id,
        merchant_slug=found[8],
        merchant_name=found[9],
        texts=tuple(PageText(*t) for t in _PAGE_TEXTS(product_id)),
        merchant_stories=tuple(_PAGE_STORIES(merchant_id)),
        images=tuple(
            PageImage(medium.url(name), illustration)
            for name, illustration in _PAGE_IMAGES(product_id)
        ),
        variants=tuple(PageVariant(*v) for v in _PAGE_VARIANTS(product_id)),
    )
