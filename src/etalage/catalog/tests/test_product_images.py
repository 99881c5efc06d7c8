import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from etalage.catalog.services import product_image_add


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
