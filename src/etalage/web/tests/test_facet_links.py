"""A search page's facet links are written by Python (``{% facet_links %}``):
the same HTML as the template loop they replaced, values escaped."""

from django.template import Context, Engine
from django.utils import translation

from etalage.web.templatetags.facets import facet_links

LOOP = (
    '{% for f in items %}<li><a href="{{ f.url }}"{% if f.on %} '
    'aria-current="true"{% endif %}>{{ f.label }}</a> <span class="count">'
    "{{ f.count }}</span></li>{% endfor %}"
)
ITEMS = [
    {"url": "?q=a&category=b<c>", "label": 'Bière "<b>"', "count": 1234, "on": True},
    {"url": "?q=a", "label": "4 ★ & up", "count": 0, "on": False},
    {"url": "?price=2", "label": "¥100–¥200", "count": 7, "on": False},
]


def test_the_links_are_what_the_template_loop_wrote():
    loop = Engine.get_default().from_string(LOOP)
    for language in ("zh-hans", "fr", "nl", "en"):
        with translation.override(language):
            assert str(facet_links(ITEMS)) == loop.render(Context({"items": ITEMS}))
    assert str(facet_links(None)) == ""
    assert "&lt;b&gt;" in str(facet_links(ITEMS))
