"""The operator's figures on the back-office's first page: what buyers paid and
how many orders by day and month, goods by merchant and by category, payment
outcomes, customs' verdicts, parcels late by step, refunds and the pavilion's
traffic, as charts with their tables; and each chart's data as CSV."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language

from etalage.analytics.charts import chart_csv
from etalage.analytics.operator_figures import OperatorFigures, operator_figures
from etalage.web.access import operator_required
from etalage.web.dashboards import Drawn, drawn, operator_charts


@dataclass(frozen=True)
class OperatorDashboard:
    figures: OperatorFigures
    charts: list[Drawn]


def operator_dashboard() -> OperatorDashboard:
    """The figures and charts, in the reader's language."""
    language = get_language() or "en"
    figures = operator_figures(language=language)
    url = reverse("backoffice-dashboard-csv", args=["SLUG"]).replace("SLUG", "{slug}")
    return OperatorDashboard(
        figures=figures, charts=drawn(operator_charts(figures, language), url)
    )


@operator_required
def dashboard_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One of the first page's charts as CSV (plain decimals, ISO dates)."""
    language = get_language() or "en"
    figures = operator_figures(language=language)
    chart = next(
        (c for c in operator_charts(figures, language) if c.slug == slug), None
    )
    if chart is None:
        raise Http404("no such chart")
    response = HttpResponse(chart_csv(chart), content_type="text/csv; charset=utf-8")
    name = f"etalage-{slug}-{figures.period.today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
