"""The portal's money chart is a valid SVG document in every language: parsed as
XML (lxml, no recovery), each bar's coordinates are numbers and the bars stand on
the axis inside the picture."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from etalage.web.tests.test_money_pages import delivered, member  # noqa: F401

SVG = "{http://www.w3.org/2000/svg}"


def chart(html: str) -> etree._Element:
    """The page's ``<svg>``, parsed as the XML it must be (its namespace added, as
    an HTML page leaves it implied)."""
    found = re.search(r'<figure class="money-chart">\s*(<svg\b.*?</svg>)', html, re.S)
    assert found, "no chart on the page"
    source = found.group(1).replace(
        "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1
    )
    return etree.fromstring(source.encode(), etree.XMLParser(recover=False))


def number(element: etree._Element, name: str) -> float:
    value = element.get(name)
    assert value is not None and re.fullmatch(r"-?\d+(\.\d+)?", value), (
        f"{etree.tostring(element)[:120]!r}: {name}={value!r} is not a number"
    )
    return float(value)


@pytest.mark.parametrize("language", ["fr", "nl", "en", "zh-hans"])
def test_the_money_chart_is_valid_svg_with_numbers_for_every_coordinate(
    client,
    delivered,  # noqa: F811 (the fixture imported above)
    language,
):
    first = delivered.sub_orders.order_by("number").first()
    member(client, first.merchant, "owner")
    # Chinese, the storefront's default, has no prefix: the browser's language says
    prefix = "" if language == "zh-hans" else f"/{language}"
    page = client.get(f"{prefix}/portal/money/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200 and f'lang="{language}"' in page.content.decode()
    svg = chart(page.content.decode())
    _x, _y, width, height = (float(v) for v in svg.get("viewBox").split())
    axis = svg.find(f"{SVG}line")
    base = number(axis, "y1")
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 24  # twelve months, sales and payouts
    for bar in bars:
        x, y = number(bar, "x"), number(bar, "y")
        w, h = number(bar, "width"), number(bar, "height")
        assert h >= 0 and w > 0 and x >= 0 and x + w <= width
        assert y >= 0 and y + h == base <= height  # standing on the axis
        assert bar.find(f"{SVG}title").text  # what the bar is worth, said
    assert any(number(bar, "height") > 0 for bar in bars)
    for label in svg.findall(f"{SVG}text"):
        number(label, "x"), number(label, "y")
