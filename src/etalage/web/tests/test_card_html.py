"""Every page's product cards are written by one Python renderer
(``web.storefront.cards.cards_html``): the same HTML, byte for byte, as the
template it replaced (``card_template.html`` beside this test, the storefront's
``_card.html`` as it was), in the four languages, every value escaped."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils import translation

from etalage.reviews.selectors import NO_STATS, CardStats
from etalage.web.presenters import CardImage, ProductCard
from etalage.web.storefront.cards import cards_html

LANGUAGES = ("zh-hans", "fr", "nl", "en")
TEMPLATE = (Path(__file__).parent / "card_template.html").read_text()
NASTY = '<b>"Tom & Jerry\'s"</b>'


def _by_template(cards):
    template = Engine.get_default().from_string(
        "{% for card in cards %}{% include card_template %}{% endfor %}"
    )
    one = Engine.get_default().from_string(TEMPLATE)
    return template.render(Context({"cards": cards, "card_template": one}))


def _cards():
    image = CardImage("/media/t/a.jpg?x=1&y=2", False)
    drawn = CardImage('/media/t/"b".jpg', True)
    return [
        ProductCard("a", "/en/p/a/", "Pralines", "Maison", "/en/m/maison/", image,
                    "¥128.00", False),
        ProductCard("b", "/en/p/b/?x=<1>", NASTY, NASTY, "/en/m/<x>/", drawn,
                    "€7,07", True, True, CardStats(Decimal("4.5"), 1234, 7)),
        ProductCard("c", "/p/c/", "Gaufre", "Shop", "/m/s/", None, None, False,
                    False, CardStats(None, 0, 3)),
        ProductCard("d", "/p/d/", "Bière", "Shop", "/m/s/", None, "<€1>", True,
                    False, CardStats(Decimal("5.0"), 2, 0)),
        ProductCard("e", "/p/e/", "Tripel", "Shop", "/m/s/", image, "$1", False,
                    True, NO_STATS),
    ]  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_renderer_writes_what_the_card_template_wrote(language):
    with translation.override(language):
        assert str(cards_html(_cards())) == _by_template(_cards())


def test_every_value_is_escaped():
    html = str(cards_html(_cards()))
    assert NASTY not in html and "&lt;b&gt;&quot;Tom &amp; Jerry&#x27;s&quot;" in html
    assert "/en/p/b/?x=&lt;1&gt;" in html and "&lt;€1&gt;" in html


def test_the_words_are_the_readers_language():
    with translation.override("fr"):
        html = str(cards_html(_cards()))
    assert "★ 4,5 (1234)" in html and "7 vendus ce mois-ci" in html
