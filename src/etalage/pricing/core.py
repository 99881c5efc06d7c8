"""Currency conversion for the price a buyer sees. Pure Python over Decimal.

A merchant prices in EUR. A market in another currency shows

    price = EUR price × ECB reference rate × (1 + FX margin / 100)

rounded once, half-up, to the market currency's minor unit (0.01 CNY). The margin is
the operator's cover for the cost and risk of converting the buyer's payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from etalage.money import Money, MoneyError

BASE_CURRENCY = "EUR"
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")  # merchants price in whole euro cents


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


def business_days_after(earlier: date, later: date) -> int:
    """How many weekdays (Monday to Friday) come after ``earlier`` up to ``later``:
    a rate of Friday read on Monday is one business day old. TARGET holidays, when
    the ECB publishes nothing either, are counted as business days."""
    days = (later - earlier).days
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for offset in range(1, rest + 1):
        if (earlier.toordinal() + offset) % 7 not in (0, 6):  # ordinal 1 is a Monday
            count += 1
    return count
