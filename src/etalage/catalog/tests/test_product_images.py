import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from etalage.catalog.models import ProductImage
from etalage.catalog.services import product_image_add, product_image_delete
from etalage.events.models import OutboxEvent
from etalage.events.outbox import outbox_deliver


def picture(size=(900, 600), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 60, 30)).save(buffer, fmt)
    return buffer.getvalue()


def test_an_upload_gets_a_thumbnail_and_a_medium_size(catalogue, settings):
    product = catalogue.product()
    image = product_image_add(product=product, data=picture(), is_illustration=True)
    assert (image.width, image.height) == (900, 600)
    with Image.open(image.thumbnail.path) as thumb:
        assert max(thumb.size) == 320
        assert thumb.format == "WEBP"
    with Image.open(image.medium.path) as medium:
        assert max(medium.size) == 800
    assert image.image.path.startswith(str(settings.MEDIA_ROOT))


def test_a_file_that_is_not_an_image_is_refused(catalogue):
    with pytest.raises(ValidationError, match="not a readable image"):
        product_image_add(product=catalogue.product(), data=b"%PDF-1.4 not an image")


def test_a_tiny_image_is_refused(catalogue):
    with pytest.raises(ValidationError, match="at least"):
        product_image_add(product=catalogue.product(), data=picture((100, 100)))


def test_a_gif_is_refused(catalogue):
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        product_image_add(product=catalogue.product(), data=picture(fmt="GIF"))


def test_a_deleted_picture_leaves_storage_once_its_deletion_is_delivered(catalogue):
    product = catalogue.product()
    image = product_image_add(product=product, data=picture())
    kept = product_image_add(product=product, data=picture())
    files = [Path(f.path) for f in (image.image, image.thumbnail, image.medium)]
    assert all(path.exists() for path in files)

    product_image_delete(image=image)
    assert list(product.images.all()) == [kept]
    topics = OutboxEvent.objects.filter(delivered_at__isnull=True).values_list(
        "topic", flat=True
    )
    assert {"ProductImageDeleted", "ProductsChanged"} <= set(topics)
    assert all(path.exists() for path in files)  # not before it is delivered

    outbox_deliver()
    assert not any(path.exists() for path in files)
    assert Path(kept.image.path).exists()


def test_deleting_a_picture_twice_deletes_it_once(catalogue):
    image = catalogue.picture(catalogue.product())
    product_image_delete(image=image)
    outbox_deliver()
    product_image_delete(image=image)  # a second click, a stale page
    assert not OutboxEvent.objects.filter(
        topic="ProductImageDeleted", delivered_at__isnull=True
    ).exists()


def test_a_file_another_picture_still_names_is_not_deleted(catalogue):
    product = catalogue.product()
    image = catalogue.picture(product)
    twin = ProductImage.objects.create(
        product=product, image=image.image.name, thumbnail=image.thumbnail.name,
        medium=image.medium.name, width=image.width, height=image.height,
    )  # fmt: skip
    product_image_delete(image=image)
    outbox_deliver()
    assert Path(twin.image.path).exists()
