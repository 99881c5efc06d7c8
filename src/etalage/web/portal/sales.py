"""The merchant's sales on its first page: charts of sales and parcels by day and
month, payouts, top products with their views and conversion, returns by reason
and the shop's rating; and each chart's data as CSV. Owners and finance people
only (the roles that see the money); a merchant sees its own figures only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language

from etalage.analytics.charts import chart_csv
from etalage.analytics.merchant_figures import MerchantFigures, merchant_figures
from etalage.merchants.models import Merchant, MerchantMember
from etalage.merchants.permissions import MONEY_ROLES
from etalage.reviews.rating import Rating
from etalage.reviews.selectors import merchant_rating
from etalage.web.access import merchant_member
from etalage.web.dashboards import Drawn, drawn, merchant_charts


@dataclass(frozen=True)
class SalesDashboard:
    figures: MerchantFigures
    charts: list[Drawn]
    rating: Rating

    @property
    def rating_average(self) -> Decimal | None:
        return self.rating.average


def sales_dashboard(membership: MerchantMember) -> SalesDashboard | None:
    """The sales part of the dashboard for ``membership``'s merchant, or None for
    the roles that do not see the money."""
    if membership.role not in MONEY_ROLES:
        return None
    merchant = membership.merchant
    language = get_language() or "en"
    figures = merchant_figures(merchant=merchant, language=language)
    url = reverse("web:portal-sales-csv", args=["SLUG"]).replace("SLUG", "{slug}")
    return SalesDashboard(
        figures=figures,
        charts=drawn(merchant_charts(figures, language), url),
        rating=merchant_rating(merchant),
    )


def _csv_name(merchant: Merchant, slug: str, figures: MerchantFigures) -> str:
    return f"etalage-{merchant.slug}-{slug}-{figures.period.today.isoformat()}.csv"


@merchant_member(MONEY_ROLES)
def sales_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """One of the dashboard's charts as CSV (plain decimals, ISO dates)."""
    merchant = request.membership.merchant  # type: ignore[attr-defined]
    language = get_language() or "en"
    figures = merchant_figures(merchant=merchant, language=language)
    chart = next(
        (c for c in merchant_charts(figures, language) if c.slug == slug), None
    )
    if chart is None:
        raise Http404("no such chart")
    response = HttpResponse(chart_csv(chart), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{_csv_name(merchant, slug, figures)}"'
    )
    return response
