"""What every market-dependent endpoint reads first: the market and language asked
for, and how money and the pricing in force are answered."""

from __future__ import annotations

from typing import overload

from django.utils import translation
from ninja import Schema
from pydantic import Field

from etalage.api.errors import ApiError
from etalage.api.schemas import MoneyOut, PricingOut
from etalage.core.languages import LANGUAGE_CODES
from etalage.money import Money, format_money
from etalage.pricing.models import Market
from etalage.pricing.selectors import market_strategy
from etalage.pricing.strategy import MarketStrategy


class MarketQuery(Schema):
    market: str = Field("CN", description="Market code, e.g. CN or BE.")
    lang: str | None = Field(
        None, description="zh-hans, fr, nl or en; default: the market's language."
    )


def market_context(query: MarketQuery) -> tuple[MarketStrategy, str]:
    market = Market.objects.filter(code=query.market.upper(), is_active=True).first()
    if market is None:
        raise ApiError(
            404, "unknown_market", f"market {query.market!r} does not exist", "market"
        )
    language = (query.lang or market.default_language).lower()
    if language not in LANGUAGE_CODES:
        raise ApiError(
            422,
            "invalid",
            f"lang must be one of {', '.join(LANGUAGE_CODES)}",
            "lang",
        )
    return market_strategy(market=market), language


@overload
def money_out(money: Money, language: str) -> MoneyOut: ...
@overload
def money_out(money: None, language: str) -> None: ...
@overload
def money_out(money: Money | None, language: str) -> MoneyOut | None: ...


def money_out(money: Money | None, language: str) -> MoneyOut | None:
    if money is None:
        return None
    return MoneyOut(
        amount=money.amount,
        currency=money.currency,
        formatted=format_money(money, language),
    )


def pricing_out(pricing: MarketStrategy, language: str) -> PricingOut:
    with translation.override(language):
        note = str(pricing.tax_note)
    fx = pricing.fx
    return PricingOut(
        market=pricing.market_code,
        currency=pricing.currency,
        language=language,
        rate=fx.rate if fx else None,
        rate_date=fx.rate_date if fx else None,
        fx_margin_percent=fx.margin_percent if fx else None,
        tax_note=note,
    )
