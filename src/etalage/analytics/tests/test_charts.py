"""The chart core draws valid SVG (parsed as XML, no recovery) with a bar or a
point per figure, each titled, escaped text, and writes the same data as CSV with
plain decimals and ISO dates. No database."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from etalage.analytics.charts import Chart, chart_csv, chart_svg, rows_of

SVG = "{http://www.w3.org/2000/svg}"


def parsed(markup: str) -> etree._Element:
    source = markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return etree.fromstring(source.encode(), etree.XMLParser(recover=False))


def months(values, kind="columns", series=("Sales", "Payouts")):
    return Chart(
        slug="months",
        kind=kind,
        title='Sales & payouts <by month> "EUR"',
        description="The last twelve months",
        row_heading="Month",
        series=series,
        columns=("month", *(f"{s.lower()}_eur" for s in series)),
        rows=rows_of(
            [
                (
                    f"2026-{m:02d}-01",
                    f"{m:02d}",
                    [Decimal(v)] * len(series),
                    [f"€{v}"] * len(series),
                )
                for m, v in enumerate(values, start=1)
            ]
        ),
    )


NUMBER = re.compile(r"-?\d+(\.\d+)?")


def test_columns_are_valid_svg_with_two_bars_a_month_standing_on_the_axis():
    chart = months(["10.00", "0", "1234.56", "7.5"] * 3)
    svg = parsed(chart_svg(chart))
    assert svg.get("role") == "img"
    ids = svg.get("aria-labelledby").split()
    assert [svg.find(f"{SVG}title").get("id"), svg.find(f"{SVG}desc").get("id")] == ids
    assert svg.find(f"{SVG}title").text == 'Sales & payouts <by month> "EUR"'
    bars = svg.findall(f"{SVG}rect")
    assert len(bars) == 24
    base = float(svg.find(f"{SVG}line").get("y1"))
    for bar in bars:
        values = [bar.get(name) for name in ("x", "y", "width", "height")]
        assert all(NUMBER.fullmatch(v) for v in values), values
        x, y, w, h = (float(v) for v in values)
        assert h >= 0 and x >= 0 and x + w <= 600 and y + h == pytest.approx(base)
        assert re.fullmatch(
            r"\d\d, (Sales|Payouts): €[\d.]+", bar.find(f"{SVG}title").text
        )
    tallest = max(bars, key=lambda b: float(b.get("height")))
    assert "€1234.56" in tallest.find(f"{SVG}title").text


def test_a_line_has_a_point_per_day_and_horizontal_bars_a_bar_per_row():
    line = parsed(chart_svg(months(["1", "2", "3"], kind="line", series=("Views",))))
    assert len(line.findall(f"{SVG}circle")) == 3
    assert len(line.findall(f"{SVG}polyline")) == 1
    bars = parsed(chart_svg(months(["5", "9"], kind="bars", series=("Goods",))))
    assert len(bars.findall(f"{SVG}rect")) == 2
    widths = [float(r.get("width")) for r in bars.findall(f"{SVG}rect")]
    assert widths[1] > widths[0] > 0


def test_nothing_sold_draws_flat_bars_and_says_the_chart_is_empty():
    chart = months(["0"] * 12)
    assert chart.empty
    bars = parsed(chart_svg(chart)).findall(f"{SVG}rect")
    assert {b.get("height") for b in bars} == {"0"}


def test_a_row_with_a_value_missing_is_refused():
    with pytest.raises(ValueError, match="one value per series"):
        Chart("x", "columns", "t", "d", "h", ("a", "b"), ("k", "a", "b"),
              rows_of([("k", "l", [Decimal(1)], ["1"])]))  # fmt: skip


def test_the_csv_has_plain_decimals_and_iso_dates_whatever_the_language():
    chart = months(["1234.56", "0.50"])
    rows = list(csv.reader(io.StringIO(chart_csv(chart))))
    assert rows == [
        ["month", "sales_eur", "payouts_eur"],
        ["2026-01-01", "1234.56", "1234.56"],
        ["2026-02-01", "0.50", "0.50"],
    ]


@given(
    st.lists(
        st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from(["columns", "line", "bars"]),
)
def test_any_figures_give_valid_svg_inside_the_picture(values, kind):
    chart = Chart(
        slug="any", kind=kind, title="t", description="d", row_heading="r",
        series=("v",), columns=("k", "v"),
        rows=rows_of([(str(i), f"<{i}>", [v], [str(v)]) for i, v in enumerate(values)]),
    )  # fmt: skip
    svg = parsed(chart_svg(chart))
    _x, _y, width, height = (float(v) for v in svg.get("viewBox").split())
    marks = svg.findall(f"{SVG}rect") + svg.findall(f"{SVG}circle")
    assert len(marks) == len(values)
    for mark in svg.findall(f"{SVG}rect"):
        x, y = float(mark.get("x")), float(mark.get("y"))
        w, h = float(mark.get("width")), float(mark.get("height"))
        assert x >= 0 and x + w <= width and y >= 0 and y + h <= height
