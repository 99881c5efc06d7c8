"""The dashboards' figures (a chart's caption, CSV link, key, SVG and table) are
written by Python (``web.dashboards.figure_html``): the same HTML, byte for byte,
as the template it replaced (``chart_template.html`` beside this test, the
``etalage/_chart.html`` the portal and the back-office included per chart), in
the four languages, every value escaped."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils import translation
from django.utils.safestring import mark_safe

from etalage.analytics.charts import Chart, chart_svg, row
from etalage.analytics.merchant_figures import (
    MerchantFigures,
    ReturnReason,
    Sales,
    TopProduct,
)
from etalage.analytics.periods import period
from etalage.money.money import Money
from etalage.web.dashboards import charts_html, drawn, figure_html, merchant_charts

LANGUAGES = ("zh-hans", "fr", "nl", "en")
TEMPLATE = (Path(__file__).parent / "chart_template.html").read_text()
NASTY = '<b>"Tom & Jerry\'s"</b>'


def _by_template(charts):
    one = Engine.get_default().from_string(TEMPLATE)
    return "".join(one.render(Context({"drawn": d})) for d in charts)


def _chart(kind="columns", series=("Sales (EUR)",), rows=2, **words) -> Chart:
    return Chart(
        slug=words.get("slug", "sales-by-month"),
        kind=kind,
        title=words.get("title", "Sales by month"),
        description=words.get("description", "What sold"),
        row_heading=words.get("row_heading", "Month"),
        series=series,
        columns=("month", *(f"s{n}" for n in range(len(series)))),
        rows=tuple(
            row(
                f"2026-{m:02d}",
                words.get("label", f"{m}月"),
                [Decimal(m * 10 + s) for s in range(len(series))],
                [words.get("shown", f"€{m},{s}0") for s in range(len(series))],
                words.get("heading", ""),
            )
            for m in range(1, rows + 1)
        ),
    )


def _charts():
    return [
        _chart(),
        _chart(series=("Sales (EUR)", "Payouts (EUR)"), rows=12),
        _chart(kind="line", rows=30, heading="7 décembre 2026"),
        _chart(kind="bars", rows=0, slug="returns-by-reason"),
        _chart(series=(NASTY, "b", "c"), rows=0),
        _chart(
            kind="bars",
            series=(NASTY, f"{NASTY} 2"),
            slug='x"><script>',
            title=NASTY,
            description=NASTY,
            row_heading=NASTY,
            label=NASTY,
            shown="<€1> & ¥2",
            heading=f"{NASTY}!",
        ),
        # A text already marked safe stays as it is, as the template left it.
        _chart(title=mark_safe("<em>Sales</em>"), label=mark_safe("<i>7</i>")),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_renderer_writes_what_the_chart_template_wrote(language):
    with translation.override(language):
        figures = drawn(_charts(), '/portal/sales/{slug}.csv?x=1&y="2"')
        assert charts_html(figures) == _by_template(figures)
        for one in figures:
            assert figure_html(one) == _by_template([one])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_merchants_charts_are_written_as_the_template_wrote_them(language):
    """The dashboards' own charts, with their days, months and money in the
    reader's words."""
    when = period(date(2026, 12, 8))
    euros = Money(Decimal("1234.50"), "EUR")
    figures = MerchantFigures(
        period=when,
        days=tuple(Sales(d, euros, n, euros) for n, d in enumerate(when.days)),
        months=tuple(
            Sales(m, euros, 1000 + n, euros) for n, m in enumerate(when.months)
        ),
        views=12,
        top_products=(TopProduct("p", NASTY, 3, euros, 2, 12),),
        returns=(ReturnReason("damaged", 2),),
    )
    with translation.override(language):
        charts = drawn(merchant_charts(figures, language), "/{slug}.csv")
        assert charts_html(charts) == _by_template(charts)


def test_every_value_is_escaped():
    html = figure_html(drawn(_charts(), "/{slug}.csv?a=<1>")[5])
    assert NASTY not in html.replace(chart_svg(_charts()[5]), "")
    assert "&lt;b&gt;&quot;Tom &amp; Jerry&#x27;s&quot;&lt;/b&gt;" in html
    assert 'id="x&quot;&gt;&lt;script&gt;"' in html and "a=&lt;1&gt;" in html
    assert "<td>&lt;€1&gt; &amp; ¥2</td>" in html


def test_the_words_are_the_readers_language():
    with translation.override("fr"):
        html = figure_html(drawn([_chart()], "/{slug}.csv")[0])
    assert "<summary>Les chiffres sous forme de tableau</summary>" in html
    with translation.override("zh-hans"):
        html = figure_html(drawn([_chart(rows=0)], "/{slug}.csv")[0])
    assert "<p>暂无数据。</p>" in html
