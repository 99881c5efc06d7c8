"""Charts drawn as SVG on the server, and their data as CSV: a pure core (no
Django), so a dashboard's picture, its table and its download come from one
``Chart``.

Three kinds: ``columns`` (vertical bars, one group per row: days, months),
``line`` (one polyline per series: days) and ``bars`` (horizontal bars with the
row's name above each: rankings, whose names are long on a phone). Every text is
escaped; the picture has ``role="img"`` with its title and description, and each
bar or point its own title. Figures are drawn in a 600-wide view box that the
page scales to the screen.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

WIDTH = 600
KINDS = ("columns", "line", "bars")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a chart's data: ``key`` as the CSV writes it (an ISO date, a
    name), ``label`` as the axis and the table say it, one value per series and
    each value as people read it (``shown``); the table heads the row with
    ``heading`` (a day's full date where the axis says its number), else
    ``label``."""

    key: str
    label: str
    values: tuple[Decimal, ...]
    shown: tuple[str, ...]
    heading: str = ""

    @property
    def said(self) -> str:
        return self.heading or self.label


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart's data and words. ``columns`` names the CSV's header: the row's
    key, then each series (with its unit: ``sales_eur``, ``orders``)."""

    slug: str
    kind: str
    title: str
    description: str
    row_heading: str
    series: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        if len(self.columns) != len(self.series) + 1:
            raise ValueError("columns: the row's key, then one per series")
        for row in self.rows:
            if len(row.values) != len(self.series) or len(row.shown) != len(
                self.series
            ):
                raise ValueError(f"row {row.key!r}: one value per series")

    @property
    def empty(self) -> bool:
        return not any(value for row in self.rows for value in row.values)


def _n(value: float) -> str:
    """A coordinate as SVG reads it: a plain number, never localized."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _top(chart: Chart) -> Decimal:
    return max([v for row in chart.rows for v in row.values] + [Decimal(0)])


def chart_svg(chart: Chart, ident: str = "") -> str:
    """The chart as an SVG element (markup safe to put in a page as it is)."""
    ident = ident or f"chart-{chart.slug}"
    if chart.kind == "bars":
        height, body = _bars(chart)
    else:
        height, body = (_line if chart.kind == "line" else _columns)(chart)
    return (
        f'<svg class="chart chart-{chart.kind}" viewBox="0 0 {WIDTH} {height}"'
        f' role="img" aria-labelledby="{ident}-title {ident}-desc"'
        f' preserveAspectRatio="xMinYMin meet">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>'
        f"{body}</svg>"
    )


# The plot area of columns and lines: room below for the axis's labels, above for
# the largest value's.
_TOP, _BASE, _HEIGHT = 24, 170, 200
_LABEL_ROOM = 75


def _scale(value: Decimal, top: Decimal) -> float:
    return float((_BASE - _TOP) * max(value, Decimal(0)) / top) if top else 0.0


def _axis(chart: Chart, step: float, top_label: str) -> list[str]:
    parts = [
        f'<line class="axis" x1="0" y1="{_BASE}" x2="{WIDTH}" y2="{_BASE}"/>',
        f'<line class="grid" x1="0" y1="{_TOP}" x2="{WIDTH}" y2="{_TOP}"/>',
        f'<text class="scale" x="0" y="{_TOP - 6}">{escape(top_label)}</text>',
    ]
    # Every row's label when they fit, else every n-th (the table has them all):
    # a label has _LABEL_ROOM of the view box, so that at the phone's larger font
    # (dashboards.css: the view box is drawn at about 0.6 on a 390 px screen)
    # "12月7日" or "7 déc." never touches its neighbour.
    every = max(1, -(-len(chart.rows) * _LABEL_ROOM // WIDTH))
    for index, row in enumerate(chart.rows):
        if index % every == 0:
            x = _n(step * index + step / 2)
            parts.append(
                f'<text x="{x}" y="{_BASE + 22}" text-anchor="middle">'
                f"{escape(row.label)}</text>"
            )
    return parts


def _top_label(chart: Chart) -> str:
    top = _top(chart)
    for row in chart.rows:
        for value, shown in zip(row.values, row.shown, strict=True):
            if value == top:
                return shown
    return ""


def _columns(chart: Chart) -> tuple[int, str]:
    top = _top(chart)
    step = WIDTH / max(len(chart.rows), 1)
    width = step * 0.8 / len(chart.series)
    parts = _axis(chart, step, _top_label(chart))
    for index, row in enumerate(chart.rows):
        for s, (value, shown) in enumerate(zip(row.values, row.shown, strict=True)):
            height = _scale(value, top)
            x = step * index + step * 0.1 + width * s
            parts.append(
                f'<rect class="series-{s}" x="{_n(x)}" y="{_n(_BASE - height)}"'
                f' width="{_n(width)}" height="{_n(height)}">'
                f"<title>{escape(_said(chart, row, s, shown))}</title></rect>"
            )
    return _HEIGHT, "".join(parts)


def _line(chart: Chart) -> tuple[int, str]:
    top = _top(chart)
    step = WIDTH / max(len(chart.rows), 1)
    parts = _axis(chart, step, _top_label(chart))
    for s in range(len(chart.series)):
        points = [
            (step * index + step / 2, _BASE - _scale(row.values[s], top))
            for index, row in enumerate(chart.rows)
        ]
        parts.append(
            f'<polyline class="series-{s}" fill="none" points="'
            + " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
            + '"/>'
        )
        for (x, y), row in zip(points, chart.rows, strict=True):
            parts.append(
                f'<circle class="series-{s}" cx="{_n(x)}" cy="{_n(y)}" r="3">'
                f"<title>{escape(_said(chart, row, s, row.shown[s]))}</title>"
                "</circle>"
            )
    return _HEIGHT, "".join(parts)


_ROW = 50  # a horizontal bar's row: its name above, the bar, its value beside


def _bars(chart: Chart) -> tuple[int, str]:
    top = _top(chart)
    room = WIDTH - 130  # the value is written after the bar
    parts = []
    for index, row in enumerate(chart.rows):
        y = index * _ROW
        parts.append(f'<text x="0" y="{y + 18}">{escape(row.label)}</text>')
        for s, (value, shown) in enumerate(zip(row.values, row.shown, strict=True)):
            length = float(room * max(value, Decimal(0)) / top) if top else 0.0
            bar_y = y + 24 + s * (20 / len(chart.series))
            thick = 18 / len(chart.series)
            parts.append(
                f'<rect class="series-{s}" x="0" y="{_n(bar_y)}"'
                f' width="{_n(length)}" height="{_n(thick)}">'
                f"<title>{escape(_said(chart, row, s, shown))}</title></rect>"
                f'<text class="value" x="{_n(length + 6)}"'
                f' y="{_n(bar_y + thick - 3)}">{escape(shown)}</text>'
            )
    return max(len(chart.rows), 1) * _ROW, "".join(parts)


def _said(chart: Chart, row: Row, series: int, shown: str) -> str:
    name = chart.series[series]
    return (
        f"{row.label}, {name}: {shown}"
        if len(chart.series) > 1
        else (f"{row.label}: {shown}")
    )


def plain(value: Decimal) -> str:
    """A figure as a CSV carries it: a plain decimal with a point, no grouping."""
    return format(value, "f")


def chart_csv(chart: Chart) -> str:
    """The chart's data as CSV: its ``columns`` as the header, a row per row, keys
    as they are (ISO dates), figures as plain decimals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(chart.columns)
    for row in chart.rows:
        writer.writerow([row.key, *(plain(v) for v in row.values)])
    return out.getvalue()


def rows_of(
    items: Sequence[tuple[str, str, Sequence[Decimal], Sequence[str]]],
) -> tuple[Row, ...]:
    """Rows from ``(key, label, values, shown)`` tuples."""
    return tuple(
        Row(key=key, label=label, values=tuple(values), shown=tuple(shown))
        for key, label, values, shown in items
    )


def row(
    key: str,
    label: str,
    values: Sequence[Decimal],
    shown: Sequence[str],
    heading: str = "",
) -> Row:
    return Row(key, label, tuple(values), tuple(shown), heading)
