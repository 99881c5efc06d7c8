"""The merchant portal's money: balances, each sub-order's statement line, payouts
with their state (and the bank's reason when one came back), months in a chart,
and the monthly statement with its commission invoice as CSV and PDF. Owners and
finance people only; a merchant sees its own money only."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from etalage.ledger.models import CommissionInvoice, Payout
from etalage.ledger.selectors import (
    merchant_balances,
    merchant_months,
    merchant_statement,
    statement_totals,
)
from etalage.ledger.statements import statement_csv, statement_pdf
from etalage.merchants.permissions import MONEY_ROLES
from etalage.web.access import merchant_member


def _month(request) -> date:
    """The month asked for (``?month=2026-11``), this month by default."""
    today = timezone.localtime().date()
    text = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        chosen = date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    if not (date(2000, 1, 1) <= chosen <= today):
        return today.replace(day=1)
    return chosen


def _chart(months: list[dict]) -> dict:
    """Bars of sales and payouts per month, scaled to the largest (an SVG drawn by
    the template: no script needed)."""
    top = max([m["sales"] for m in months] + [m["payouts"] for m in months] + [1])
    bars = []
    for index, month in enumerate(months):
        sales_h = int(140 * month["sales"] / top)
        payouts_h = int(140 * month["payouts"] / top)
        bars.append(
            {
                **month,
                "x": 10 + index * 50,
                "sales_h": sales_h,
                "sales_y": 150 - sales_h,
                "payouts_h": payouts_h,
                "payouts_y": 150 - payouts_h,
            }
        )
    return {"bars": bars, "top": top, "width": 20 + 50 * len(months)}


@merchant_member(MONEY_ROLES)
def money(request):
    merchant = request.membership.merchant
    month = _month(request)
    books = merchant_statement(merchant, month)
    this_month = timezone.localtime().date().replace(day=1)
    months = merchant_months(merchant)
    return render(
        request,
        "etalage/portal/money.html",
        {
            "merchant": merchant,
            "balances": merchant_balances(merchant),
            "month": month,
            "month_over": month < this_month,
            "months": [m["month"] for m in reversed(months)],
            "books": books[:500],
            "totals": statement_totals(books),
            "payouts": Payout.objects.filter(merchant=merchant).select_related("run")[
                :50
            ],
            "invoices": CommissionInvoice.objects.filter(merchant=merchant)[:24],
            "chart": _chart(months),
        },
    )


@merchant_member(MONEY_ROLES)
def money_statement(request, kind: str):
    merchant = request.membership.merchant
    month = _month(request)
    name = f"etalage-{merchant.slug}-{month:%Y-%m}"
    if kind == "csv":
        response = HttpResponse(statement_csv(merchant, month), content_type="text/csv")
    elif kind == "pdf":
        response = HttpResponse(
            statement_pdf(merchant, month), content_type="application/pdf"
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
