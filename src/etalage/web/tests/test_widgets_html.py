"""The storefront's filter forms write their widgets in Python
(``web.widgets_html``): the same HTML, byte for byte, as Django's widget
templates, for every state of the listing's filter form and every language,
names escaped."""

import pytest
from django.forms.renderers import DjangoTemplates
from django.utils import translation

from etalage.web.forms import ListingFilterForm
from etalage.web.widgets_html import StorefrontWidgets

LANGUAGES = ("zh-hans", "fr", "nl", "en")
MERCHANTS = [("maison", 'Maison <b>"Tom" & Jerry\'s</b>'), ("brasserie", "Brasserie")]
STATES = [
    None,
    {"merchant": "maison", "price_min": "10", "price_max": "99.50", "sort": "price"},
    {"price_min": "-3", "price_max": 'x"<y>', "sort": "nonsense", "merchant": "?"},
    {"price_min": "50", "price_max": "10"},
]


def _html(form):
    return [str(form[name]) for name in form.fields]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("data", STATES)
def test_the_widgets_are_what_djangos_templates_write(language, data):
    with translation.override(language):
        ours = ListingFilterForm(data, merchants=MERCHANTS)
        theirs = ListingFilterForm(
            data, merchants=MERCHANTS, renderer=DjangoTemplates()
        )
        assert isinstance(ours.renderer, StorefrontWidgets)
        if data:
            assert ours.is_valid() == theirs.is_valid()
        assert _html(ours) == _html(theirs)
        assert str(ours) == str(theirs)  # (errors and labels: Django's own)


def test_a_merchants_name_is_escaped():
    html = str(ListingFilterForm(merchants=MERCHANTS)["merchant"])
    assert "<b>" not in html and "&lt;b&gt;&quot;Tom&quot; &amp; Jerry&#x27;s" in html
