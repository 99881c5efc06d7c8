"""A drawn picture says so in the reader's language: the card's badge, the product
page's caption and the picture's alternative text (the drawing itself carries no
words, only a pencil)."""

import re

import pytest

from etalage.catalog.services import product_image_add
from etalage.demo.illustrations import draw_illustration

SAID = {
    "en": ("Illustration", "an illustration"),
    "fr": ("Illustration", "une illustration"),
    "nl": ("Illustratie", "een illustratie"),
    "zh-hans": ("插画", "（插画）"),
}


@pytest.mark.parametrize("language", SAID)
def test_a_drawn_picture_is_called_an_illustration_in_the_reader_s_language(
    client, shopping, language
):
    product = shopping.products["a"]
    drawing = draw_illustration(
        category="chocolate", colour=(90, 50, 30), seed="s", variant=1
    )
    product_image_add(product=product, data=drawing, is_illustration=True)
    prefix = "" if language == "zh-hans" else f"/{language}"
    badge, alt = SAID[language]
    listing = client.get(f"{prefix}/c/{product.category.slug}/").content.decode()
    assert f'<span class="badge">{badge}</span>' in listing
    page = client.get(f"{prefix}/p/{product.slug}/").content.decode()
    described = re.search(r'<figure>\s*<img [^>]*alt="([^"]+)"', page).group(1)
    assert alt in described
    assert "<figcaption>" in page
