"""The storefront's header and footer are rendered once per language, market,
category and signed-in state and kept (``web.chrome``): a page shows what it
showed when they were rendered for it alone, and nothing of one visitor (their
CSRF token, their search, their address, their being signed in) ever appears on
another's page."""

import re

import pytest
from django.test import Client

from etalage.search.tests.test_search import shelf  # noqa: F401 (a fixture)
from etalage.web import chrome

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def kept(settings):
    """The chrome kept, as in production (the tests otherwise render it anew)."""
    settings.ETALAGE_REFERENCE_CACHE_SECONDS = 60
    chrome._KEPT.clear()
    yield chrome._KEPT
    chrome._KEPT.clear()


def _page(client, path, data=None):
    answer = client.get(path, data or {})
    assert answer.status_code == 200
    return answer.content.decode()


def _header(html):
    return html[html.index("<header") : html.index("</header>")]


def _without_tokens(html):
    return TOKEN.sub("TOKEN", html)


PAGES = [
    ("/en/search/", {"q": "pralines <b>&\"'"}),
    ("/fr/search/", {"q": "bière", "sort": "price_low"}),  # (page 2: past the last)
    ("/nl/", {}),
    ("/c/chocolate/", {"sort": "price"}),
]


@pytest.mark.parametrize(("path", "data"), PAGES)
def test_a_kept_chrome_shows_what_one_rendered_for_the_page_shows(
    client,
    shelf,  # noqa: F811
    settings,
    path,
    data,
):
    settings.ETALAGE_REFERENCE_CACHE_SECONDS = 0
    alone = _page(client, path, data)
    settings.ETALAGE_REFERENCE_CACHE_SECONDS = 60
    chrome._KEPT.clear()
    _page(Client(), path, {"q": "another"} if "q" in data else {})  # kept
    assert chrome._KEPT
    again = _page(client, path, data)
    assert _without_tokens(again) == _without_tokens(alone)
    chrome._KEPT.clear()


def test_nothing_of_one_visitor_appears_on_anothers_page(
    client,
    shelf,  # noqa: F811
    kept,
    django_user_model,
):
    buyer = django_user_model.objects.create_user("ann", "ann@example.com", "pw")
    client.force_login(buyer)
    secret = "ann-searches-for-this"
    hers = _page(client, "/en/search/", {"q": secret})
    her_tokens = set(TOKEN.findall(hers))
    assert her_tokens and "My account" in _header(hers) and secret in _header(hers)
    other = Client()
    theirs = _page(other, "/en/search/", {"q": "bière"})
    header = _header(theirs)
    assert secret not in theirs
    assert not her_tokens & set(TOKEN.findall(theirs))
    assert "My account" not in header and "Sign in" in header
    assert "bière" in header and 'value="/en/search/?q=bi%C3%A8re"' in header
    again = _header(_page(client, "/en/search/", {"q": "bière"}))
    assert "My account" in again and "Sign in" not in again


def test_a_search_cannot_fill_a_slot(
    client,
    shelf,  # noqa: F811
    kept,
):
    _page(client, "/en/search/", {"q": "x"})
    html = _page(client, "/en/search/", {"q": "<chrome-next/><csrf-slot/>"})
    assert "&lt;chrome-next/&gt;&lt;csrf-slot/&gt;" in _header(html)
    assert "<chrome-" not in html and "<csrf-slot/>" not in html


def test_the_language_links_keep_the_pages_address(
    client,
    shelf,  # noqa: F811
    kept,
):
    _page(client, "/en/search/", {"q": "a"})
    header = _header(_page(client, "/en/search/", {"q": "b&c"}))
    assert 'href="/fr/search/?q=b%26c"' in header
    assert 'href="/nl/search/?q=b%26c"' in header
