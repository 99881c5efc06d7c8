"""The search results page's body is written by Python (``search_html``): the
same HTML as the template it replaced (``search_template.html`` beside this
test), byte for byte, in the four languages, with hostile values."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Engine
from django.utils import translation

from etalage.search.tests.test_search import shelf  # noqa: F401 (a fixture)
from etalage.web.storefront.search_html import search_body_html

TEMPLATE = (Path(__file__).parent / "search_template.html").read_text()
LANGUAGES = ("zh-hans", "fr", "nl", "en")
HOSTILE = '<b>"l\'été" & 啤酒</b>'


def _template(context: dict, currency: str) -> str:
    template = Engine.get_default().from_string(TEMPLATE)
    shop = {"market": {"currency": currency}}
    return template.render(Context({**context, "shop": shop}))


def _link(label, count, on, url):
    return {"label": label, "count": count, "on": on, "url": url}


def _contexts():
    facets = {
        "category": [_link(HOSTILE, 1234, True, "?q=%3Cb%3E&category=a&b")],
        "merchant": [_link("Brasserie <Dupont>", 5, False, '?merchant=d"u')],
        "origin": [_link("Belgique", 7, False, "?origin=BE")],
        "price": [_link("100–200", 3, True, "?price=1")],
        "in_stock": [_link("In stock", 12, False, "?in_stock=1")],
        "stars": [_link("4 stars and up", 0, False, "?stars=4")],
    }
    in_use = [f for values in facets.values() for f in values if f["on"]]
    sorts = [
        ("relevance", "?q=x", True),
        ("price_low", "?q=x&sort=price_low", False),
        ("price_high", "?q=x&sort=price_high", False),
        ("newest", "?q=x&sort=newest&x=<y>", False),
    ]
    found = SimpleNamespace(
        total=1234,
        query=SimpleNamespace(words=["x"], corrections={"x": HOSTILE, "y": "b"}),
        did_you_mean=None,
    )
    nothing = SimpleNamespace(
        total=0,
        query=SimpleNamespace(words=["x"], corrections={"x": "y"}),
        did_you_mean=HOSTILE,
    )
    related = [
        SimpleNamespace(slug="biere", name=HOSTILE),
        SimpleNamespace(slug="chocolat", name="Chocolat"),
    ]
    no_words = SimpleNamespace(
        total=0, query=SimpleNamespace(words=[], corrections={}), did_you_mean=None
    )
    base = {
        "text": HOSTILE,
        "notes": [HOSTILE, "Only <the> first"],
        "cards": [],
        "facets": {},
        "related": [],
        "in_use": [],
        "sorts": sorts,
        "pages": {},
        "results": None,
    }
    pages = {
        "number": 2,
        "last": 52,
        "previous": "?q=a&page=1",
        "next": "?q=<a>&page=3",
    }
    return [
        {**base, "text": "", "notes": []},
        {**base, "notes": []},
        {**base, "results": found, "facets": facets, "in_use": in_use, "pages": pages},
        {**base, "results": found, "facets": {**facets, "merchant": [], "price": []}},
        {**base, "results": found, "pages": {**pages, "previous": "", "number": 1}},
        {**base, "results": found, "pages": {**pages, "next": "", "number": 52}},
        {**base, "results": nothing, "related": related},
        {**base, "results": nothing, "did_you_mean": None},
        {**base, "results": no_words},
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_body_is_what_the_template_wrote(language):
    with translation.override(language):
        for context in _contexts():
            for currency in ("CNY", "E<U>R"):
                assert str(search_body_html(context, currency)) == _template(
                    context, currency
                )


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_body_is_the_templates_with_cards_and_facets(
    client,
    shelf,  # noqa: F811
    language,
):
    asked = [
        {"q": "啤酒"},
        {"q": "Brand", "category": "chocolate"},
        {"q": "Brand", "in_stock": "1", "sort": "price_low"},
        {"q": "zzzqqq"},
        {"q": "!!!"},
        {"q": HOSTILE},
        {},
    ]
    bodies = []
    for query in asked:
        prefix = "" if language == "zh-hans" else f"/{language}"
        page = client.get(f"{prefix}/search/", query)
        context = page.context[0].flatten()
        assert "body" in context
        with translation.override(language):
            shown = _template(context, context["shop"]["market"].currency)
        assert str(context["body"]) == shown
        assert shown in page.content.decode()
        bodies.append(shown)
    assert '<ul class="grid"><li' in bodies[0]  # cards,
    assert 'class="count"' in bodies[0] and "<section><h2>" in bodies[0]  # facets
    assert "aria-current" in bodies[1]  # a filter in use
