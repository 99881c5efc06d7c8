"""The dashboards' charts in the reader's words: the merchant's and the operator's
figures (``analytics``) made into ``Chart``s whose titles, axes, tables and
figures are in the reader's language, money formatted as it writes it (and
labelled with its currency: merchants are paid in euros, buyers pay in yuan).
The portal's first page and the back-office's draw them; their CSV downloads
are the same charts' data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import NamedTuple

from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from etalage.analytics.charts import Chart, chart_svg, row
from etalage.analytics.merchant_figures import MerchantFigures, Sales
from etalage.analytics.operator_figures import Named, OperatorFigures, Paid
from etalage.logistics.selectors import LATE_AFTER
from etalage.money.formatting import format_money, format_number
from etalage.money.money import Money
from etalage.returns.models import ReturnRequest


@dataclass(frozen=True)
class Drawn:
    """A chart with its picture and its CSV's address; ``html`` is the whole
    figure as the page shows it."""

    chart: Chart
    svg: str
    csv_url: str

    @cached_property
    def html(self) -> SafeString:
        return figure_html(self)


def drawn(charts: list[Chart], csv_url: str) -> list[Drawn]:
    """Each chart with its SVG and its CSV's address (``csv_url`` has ``{slug}``)."""
    return [Drawn(c, chart_svg(c), csv_url.format(slug=c.slug)) for c in charts]


# --- the figure's HTML -------------------------------------------------------------
# What the template ``etalage/_chart.html`` wrote for each chart (its caption and
# CSV link, its key, its SVG, its table for screen readers), written by Python:
# the operator's ten charts' tables (150 rows) through the template engine cost
# more CPU than drawing them. ``web/tests/test_chart_html.py`` holds it to that
# template's output (kept beside the test), byte for byte.


class _FigureWords(NamedTuple):
    csv: str
    nothing: str
    table: str


@lru_cache(maxsize=16)
def _figure_words(language: str | None) -> _FigureWords:
    with translation.override(language):
        return _FigureWords(
            conditional_escape(_("CSV")),
            conditional_escape(_("Nothing yet.")),
            conditional_escape(_("The figures as a table")),
        )


def figure_html(drawn: Drawn) -> SafeString:
    """The chart's ``<figure>``: caption, CSV link, key, picture and table, every
    text escaped, in the active language."""
    chart, e = drawn.chart, conditional_escape
    words = _figure_words(translation.get_language())
    title = e(chart.title)
    parts = [
        f'\n<figure class="dash-chart" id="{e(chart.slug)}">\n'
        f"  <figcaption><strong>{title}</strong> "
        f'<a href="{e(drawn.csv_url)}" download>{words.csv}</a></figcaption>\n  '
    ]
    if len(chart.series) > 1:
        parts.append(
            '<p class="chart-key">'
            + " · ".join(
                f'<span class="key series-{s}"></span> {e(name)}'
                for s, name in enumerate(chart.series)
            )
            + "</p>"
        )
    if not chart.rows:
        parts.append(f"\n  <p>{words.nothing}</p>\n  \n</figure>\n")
        return mark_safe("".join(parts))  # noqa: S308 (every text escaped above)
    heads = "".join(f'<th scope="col">{e(name)}</th>' for name in chart.series)
    parts.append(
        f"\n  {drawn.svg}\n"
        '  <details class="chart-data">\n'
        f"    <summary>{words.table}</summary>\n"
        '    <div class="table-scroll"><table>\n'
        f'      <caption class="visually-hidden">{title}</caption>\n'
        f'      <thead><tr><th scope="col">{e(chart.row_heading)}</th>{heads}'
        "</tr></thead>\n      <tbody>"
    )
    parts += [
        f'<tr><th scope="row">{e(r.said)}</th>'
        + "".join(f"<td>{e(shown)}</td>" for shown in r.shown)
        + "</tr>"
        for r in chart.rows
    ]
    parts.append("</tbody>\n    </table></div>\n  </details>\n</figure>\n")
    return mark_safe("".join(parts))  # noqa: S308 (every text escaped above)


def charts_html(charts: list[Drawn]) -> SafeString:
    """The figures of a page's charts, one after the other."""
    return mark_safe("".join(d.html for d in charts))  # noqa: S308 (figure_html)


# --- the rows' words ----------------------------------------------------------------
# A day's and a month's words, and a count, as the reader's language writes them:
# the same 30 days, 12 months and small counts on every load of every dashboard,
# and Django's date formatting (its format string read character by character)
# was a fifth of the charts' making. Kept per language: the answer is Django's and
# Babel's own.


@lru_cache(maxsize=2048)
def _day_words(day: date, language: str) -> tuple[str, str]:
    with translation.override(language):
        return str(day.day), date_format(day, "DATE_FORMAT")


@lru_cache(maxsize=512)
def _month_words(month: date, language: str) -> tuple[str, str]:
    with translation.override(language):
        return date_format(month, "M"), date_format(month, "YEAR_MONTH_FORMAT")


def _day_row(day: date, values, shown) -> object:
    label, heading = _day_words(day, translation.get_language())
    return row(day.isoformat(), label, values, shown, heading)


def _month_row(month: date, values, shown) -> object:
    label, heading = _month_words(month, translation.get_language())
    return row(month.isoformat()[:7], label, values, shown, heading)


def _money(amount: Money, language: str) -> str:
    return format_money(amount, language)


@lru_cache(maxsize=4096)
def _count(n: int, language: str) -> str:
    return format_number(n, language)


def merchant_charts(figures: MerchantFigures, language: str) -> list[Chart]:
    """The merchant's charts: sales and parcels by day and by month, payouts,
    top products and returns by reason."""

    def days(pick, shown) -> tuple:
        return tuple(_day_row(d.when, [pick(d)], [shown(d)]) for d in figures.days)

    def months(picks, shown) -> tuple:
        return tuple(
            _month_row(m.when, [p(m) for p in picks], [s(m) for s in shown])
            for m in figures.months
        )

    def sales(s: Sales) -> str:
        return _money(s.sales, language)

    return [
        Chart(
            slug="sales-by-day",
            kind="line",
            title=_("Sales by day, the last 30 days (EUR, at your prices)"),
            description=_(
                "The goods of the parcels paid each day, at the prices you listed, "
                "in euros."
            ),
            row_heading=_("Day"),
            series=(_("Sales (EUR)"),),
            columns=("day", "sales_eur"),
            rows=days(lambda d: d.sales.amount, sales),
        ),
        Chart(
            slug="orders-by-day",
            kind="columns",
            title=_("Parcels paid by day, the last 30 days"),
            description=_("How many of your parcels buyers paid for each day."),
            row_heading=_("Day"),
            series=(_("Parcels paid"),),
            columns=("day", "parcels"),
            rows=days(
                lambda d: Decimal(d.orders), lambda d: _count(d.orders, language)
            ),
        ),
        Chart(
            slug="sales-by-month",
            kind="columns",
            title=_("Sales and payouts by month, the last 12 months (EUR)"),
            description=_(
                "Each month, the goods of the parcels paid at your prices, and the "
                "payouts sent to your bank, in euros."
            ),
            row_heading=_("Month"),
            series=(_("Sales (EUR)"), _("Payouts (EUR)")),
            columns=("month", "sales_eur", "payouts_eur"),
            rows=months(
                (lambda m: m.sales.amount, lambda m: m.payouts.amount),
                (sales, lambda m: _money(m.payouts, language)),
            ),
        ),
        Chart(
            slug="orders-by-month",
            kind="columns",
            title=_("Parcels paid by month, the last 12 months"),
            description=_("How many of your parcels buyers paid for each month."),
            row_heading=_("Month"),
            series=(_("Parcels paid"),),
            columns=("month", "parcels"),
            rows=months(
                (lambda m: Decimal(m.orders),), (lambda m: _count(m.orders, language),)
            ),
        ),
        Chart(
            slug="top-products",
            kind="bars",
            title=_("Top products, the last 30 days (EUR, at your prices)"),
            description=_("The products that sold the most, by the goods paid."),
            row_heading=_("Product"),
            series=(_("Sales (EUR)"),),
            columns=("product", "sales_eur"),
            rows=tuple(
                row(p.name, p.name, [p.sales.amount], [_money(p.sales, language)])
                for p in figures.top_products
            ),
        ),
        Chart(
            slug="returns-by-reason",
            kind="bars",
            title=_("Returns asked by reason, the last 12 months"),
            description=_("Why buyers asked to send your parcels back."),
            row_heading=_("Reason"),
            series=(_("Returns"),),
            columns=("reason", "returns"),
            rows=tuple(
                row(
                    r.reason,
                    str(ReturnRequest.Reason(r.reason).label),
                    [Decimal(r.count)],
                    [_count(r.count, language)],
                )
                for r in figures.returns
            ),
        ),
    ]


def _paid_days(paid: tuple[Paid, ...], language: str, amounts: bool) -> tuple:
    return tuple(
        _day_row(
            p.when,
            [p.amount.amount if amounts else Decimal(p.orders)],
            [_money(p.amount, language) if amounts else _count(p.orders, language)],
        )
        for p in paid
    )


def _named_rows(named: tuple[Named, ...], language: str) -> tuple:
    return tuple(
        row(n.key, n.name, [n.amount.amount], [_money(n.amount, language)])
        for n in named
    )


def _counts(pairs: list[tuple[str, str, int]], language: str) -> tuple:
    return tuple(
        row(key, label, [Decimal(n)], [_count(n, language)]) for key, label, n in pairs
    )


def operator_charts(figures: OperatorFigures, language: str) -> list[Chart]:
    """The operator's charts: buyers' payments and orders by day and month, goods
    by merchant and by category (per buyers' currency), payment outcomes, customs'
    verdicts, parcels late by step, refunds and the pavilion's traffic."""
    charts: list[Chart] = []
    for currency in figures.currencies:
        charts.extend(_money_charts(figures, currency, language))
    states = {"succeeded": _("paid"), "failed": _("failed"),
              "pending": _("waiting for the buyer"),
              "held": _("held for the operator")}  # fmt: skip
    steps = {"hub": _("handed over, not received at the hub"),
             "departure": _("received, not flown"),
             "arrival": _("flying, not arrived"),
             "release": _("arrived, not released by customs"),
             "delivery": _("with the carrier, not delivered")}  # fmt: skip
    charts += [
        Chart(
            slug="payments-by-outcome",
            kind="bars",
            title=_("Payment attempts by outcome, the last 30 days"),
            description=_("Payment attempts buyers started, by where they stand."),
            row_heading=_("Outcome"),
            series=(_("Attempts"),),
            columns=("outcome", "attempts"),
            rows=_counts(
                [(s, states.get(s, s), n) for s, n in sorted(figures.payments.items())],
                language,
            ),
        ),
        Chart(
            slug="customs-verdicts",
            kind="bars",
            title=_("Customs' verdicts, the last 30 days"),
            description=_("Parcels customs released or refused."),
            row_heading=_("Verdict"),
            series=(_("Parcels"),),
            columns=("verdict", "parcels"),
            rows=_counts(
                [
                    ("released", _("released"), figures.customs["released"]),
                    ("refused", _("refused"), figures.customs["refused"]),
                ],
                language,
            ),  # fmt: skip
        ),
        Chart(
            slug="parcels-late",
            kind="bars",
            title=_("Parcels late now, by step"),
            description=_("Parcels that have waited too long at a step of their way."),
            row_heading=_("Step"),
            series=(_("Parcels"),),
            columns=("step", "parcels"),
            rows=_counts(
                [(s, steps[s], figures.late[s]) for s in LATE_AFTER], language
            ),
        ),
        Chart(
            slug="views-by-day",
            kind="line",
            title=_("The pavilion's traffic: product page views by day"),
            description=_("How many times buyers opened a product's page each day."),
            row_heading=_("Day"),
            series=(_("Views"),),
            columns=("day", "views"),
            rows=tuple(
                _day_row(day, [Decimal(n)], [_count(n, language)])
                for day, n in figures.views
            ),
        ),
    ]
    return charts


def _money_charts(
    figures: OperatorFigures, currency: str, language: str
) -> list[Chart]:
    code = currency.lower()
    days = figures.days.get(currency) or _empty(figures.period.days, currency)
    refunds = figures.refunds.get(currency) or _empty(figures.period.days, currency)
    months = figures.months.get(currency) or _empty(figures.period.months, currency)
    return [
        Chart(
            slug=f"paid-by-day-{code}",
            kind="line",
            title=_("Paid by buyers by day, the last 30 days (%(currency)s)")
            % {"currency": currency},
            description=_("What buyers paid each day: goods, freight and tax."),
            row_heading=_("Day"),
            series=(_("Paid (%(currency)s)") % {"currency": currency},),
            columns=("day", f"paid_{code}"),
            rows=_paid_days(days, language, amounts=True),
        ),
        Chart(
            slug=f"orders-by-day-{code}",
            kind="columns",
            title=_("Orders paid by day, the last 30 days"),
            description=_("How many orders buyers paid each day."),
            row_heading=_("Day"),
            series=(_("Orders paid"),),
            columns=("day", "orders"),
            rows=_paid_days(days, language, amounts=False),
        ),
        Chart(
            slug=f"paid-by-month-{code}",
            kind="columns",
            title=_("Paid by buyers by month, the last 12 months (%(currency)s)")
            % {"currency": currency},
            description=_("What buyers paid each month: goods, freight and tax."),
            row_heading=_("Month"),
            series=(_("Paid (%(currency)s)") % {"currency": currency},),
            columns=("month", f"paid_{code}"),
            rows=tuple(
                _month_row(p.when, [p.amount.amount], [_money(p.amount, language)])
                for p in months
            ),
        ),
        Chart(
            slug=f"goods-by-merchant-{code}",
            kind="bars",
            title=_("Goods sold by merchant, the last 30 days (%(currency)s)")
            % {"currency": currency},
            description=_("What buyers paid for each merchant's goods."),
            row_heading=_("Merchant"),
            series=(_("Goods (%(currency)s)") % {"currency": currency},),
            columns=("merchant", f"goods_{code}"),
            rows=_named_rows(figures.by_merchant.get(currency, ()), language),
        ),
        Chart(
            slug=f"goods-by-category-{code}",
            kind="bars",
            title=_("Goods sold by category, the last 30 days (%(currency)s)")
            % {"currency": currency},
            description=_("What buyers paid for the goods of each category."),
            row_heading=_("Category"),
            series=(_("Goods (%(currency)s)") % {"currency": currency},),
            columns=("category", f"goods_{code}"),
            rows=_named_rows(figures.by_category.get(currency, ()), language),
        ),
        Chart(
            slug=f"refunds-by-day-{code}",
            kind="columns",
            title=_("Refunds by day, the last 30 days (%(currency)s)")
            % {"currency": currency},
            description=_("What was given back to buyers each day."),
            row_heading=_("Day"),
            series=(_("Refunded (%(currency)s)") % {"currency": currency},),
            columns=("day", f"refunded_{code}"),
            rows=_paid_days(refunds, language, amounts=True),
        ),
    ]


def _empty(slots: tuple[date, ...], currency: str) -> tuple[Paid, ...]:
    return tuple(Paid(slot, 0, Money.zero(currency)) for slot in slots)
