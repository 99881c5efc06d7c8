"""Currency conversion for the price a buyer sees. Pure Python over Decimal.

A merchant prices in EUR. A market in another currency shows

    price = EUR price × ECB reference rate × (1 + FX margin / 100)

rounded once, half-up, to the market currency's minor unit (0.01 CNY). The margin is
the operator's cover for the cost and risk of converting the buyer's payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from etalage.money import Money, MoneyError

BASE_CURRENCY = "EUR"
_HUNDRED = Decimal(100)


class NoRateInForce(LookupError):
    """No exchange rate was published on or before the day asked for."""


@dataclass(frozen=True, slots=True)
class FxQuote:
    """The rate used for a market on a day: ECB rate plus the operator's margin."""

    currency: str
    rate: Decimal
    rate_date: date | None
    margin_percent: Decimal

    @classmethod
    def identity(cls, currency: str = BASE_CURRENCY) -> FxQuote:
        return cls(currency, Decimal(1), None, Decimal(0))

    @property
    def effective_rate(self) -> Decimal:
        return self.rate * (1 + self.margin_percent / _HUNDRED)

    def convert(self, price: Money) -> Money:
        """Return ``price`` (in EUR) in this quote's currency, rounded."""
        if price.currency != BASE_CURRENCY:
            raise MoneyError(f"prices are converted from EUR, not {price.currency}")
        if self.currency == BASE_CURRENCY:
            return price.rounded()
        return Money(price.amount * self.effective_rate, self.currency).rounded()

    def base_bounds(
        self, low: Decimal | None, high: Decimal | None
    ) -> tuple[Decimal | None, Decimal | None]:
        """Return EUR bounds that select exactly the prices within [low, high].

        Used to filter listings by a price range typed in the market's currency
        without converting every product in the database.
        """
        rate = self.effective_rate
        quantum = Decimal("0.01")
        base_low = (
            (low / rate).quantize(quantum, ROUND_FLOOR) if low is not None else None
        )
        base_high = (
            (high / rate).quantize(quantum, ROUND_CEILING) if high is not None else None
        )
        return base_low, base_high
