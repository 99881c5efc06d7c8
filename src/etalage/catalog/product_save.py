"""Save a product as its editor submits it: the merchant portal's product page.

The page sends the whole product at once — its fields, its texts in every
language, the variants added or changed, perhaps a new picture — and expects all
of it written or, with the reason on the field at fault, none of it.
``product_save`` does that with the catalogue's single-purpose services
(``catalog.services``), so the portal checks and records exactly what the API and
the import do.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction

from etalage.catalog.images import process_image
from etalage.catalog.listing_prices import listings_changed, product_price_from_refresh
from etalage.catalog.models import Category, Product
from etalage.catalog.services import (
    ProductText,
    VariantData,
    product_create,
    product_image_attach,
    product_update,
    variant_add,
    variant_update,
)
from etalage.core.ids import new_id
from etalage.merchants.models import Merchant
from etalage.merchants.permissions import merchant_write_check


@dataclass(frozen=True)
class ProductFields:
    """A product's own values as its editor submits them."""

    category: Category
    brand: str
    hs_code: str
    tax_class: str
    origin_country: str = "BE"


@dataclass(frozen=True)
class VariantEdit:
    """A variant as its editor submits it: a new one (no ``variant_id``) or a
    change to one of the product's own."""

    data: VariantData
    variant_id: UUID | None = None
    is_active: bool = True


@dataclass(frozen=True)
class NewImage:
    """A picture uploaded with a product, as the file's bytes."""

    data: bytes
    is_illustration: bool = False


@contextmanager
def _naming_variant(index: int) -> Iterator[None]:
    """Name the variant in the errors raised inside: ``sku`` → ``variants.1.sku``."""
    try:
        yield
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {f"variants.{index}.{name}": e for name, e in error.error_dict.items()}
        ) from None


def product_save(
    *,
    merchant: Merchant,
    product: Product | None,
    fields: ProductFields,
    texts: dict[str, ProductText],
    variants: Sequence[VariantEdit] = (),
    image: NewImage | None = None,
) -> Product:
    """Write a product as its editor submits it — its fields and texts, the
    variants added or changed (those left out stay as they are) and a new picture —
    in one transaction: all of it or, with an error naming the field
    (``variants.1.price_eur``), nothing. Without ``product``, a new draft."""
    merchant_write_check(merchant=merchant)
    # The picture is checked and resized before anything is written.
    processed = process_image(image.data, stem=new_id().hex[:12]) if image else None
    with transaction.atomic():
        if product is None:
            product = product_create(
                merchant=merchant,
                texts=texts,
                variants=[edit.data for edit in variants],
                **vars(fields),
            )
        else:
            if product.merchant_id != merchant.pk:
                raise ValueError("a merchant saves only its own products")
            product_update(product=product, fields=dict(vars(fields)), texts=texts)
            own = {v.pk: v for v in product.variants.all()}
            for index, edit in enumerate(variants):
                with _naming_variant(index):
                    if edit.variant_id is None:
                        variant_add(product=product, data=edit.data, refresh=False)
                    else:
                        variant_update(
                            variant=own[edit.variant_id],
                            data=edit.data,
                            is_active=edit.is_active,
                            refresh=False,
                        )
            product_price_from_refresh(product=product)
        if processed is not None and image is not None:
            product_image_attach(
                product=product,
                processed=processed,
                is_illustration=image.is_illustration,
            )
            listings_changed([product])
    return product
