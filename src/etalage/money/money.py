"""The one Money type of Étalage.

An amount is a ``Decimal`` with an ISO 4217 currency code. Floats are refused
everywhere (they cannot represent 0.10 exactly), and mixing currencies raises.

Amounts are kept exact through arithmetic; ``Money.rounded()`` is the single place
where an amount is rounded to its currency's minor unit (0.01 for EUR and CNY, 1 for
JPY), always with ``ROUND_HALF_UP`` — the commercial rounding buyers and customs
expect, where 0.005 CNY becomes 0.01 CNY.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

ROUNDING = ROUND_HALF_UP


class MoneyError(ValueError):
    """An amount or currency that cannot be money."""


class CurrencyMismatch(MoneyError):
    """Two amounts in different currencies were combined."""


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@cache
def minor_unit_exponent(currency: str) -> Decimal:
    """Return the quantum of the currency's minor unit, e.g. Decimal('0.01')."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def _places(currency: str) -> int:
    """The exponent of the currency's minor unit: -2 for CNY and EUR."""
    return -get_currency_precision(currency)


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, bool | float):
        kind = type(value).__name__
        raise MoneyError(
            f"amount must be a Decimal, an int or a numeric string, not {kind}"
        )
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise MoneyError(f"amount {value!r} is not a number") from None
    else:
        raise MoneyError(f"amount must be a Decimal, not {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError(f"amount {value!r} is not a finite number")
    return result


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency."""

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        code = currency.upper() if isinstance(currency, str) else currency
        if not isinstance(code, str) or code not in _known_currencies():
            raise MoneyError(f"{currency!r} is not an ISO 4217 currency code")
        object.__setattr__(self, "amount", _to_decimal(amount))
        object.__setattr__(self, "currency", code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    # Rounding: the one place where amounts meet the minor unit.
    def rounded(self) -> Money:
        """Return this amount rounded half-up to the currency's minor unit."""
        quantum = minor_unit_exponent(self.currency)
        return Money(self.amount.quantize(quantum, rounding=ROUNDING), self.currency)

    def is_rounded(self) -> bool:
        return self.amount == self.rounded().amount

    def minor_units(self) -> int:
        """The amount rounded, in whole minor units: 195.30 CNY is 19530."""
        return int(self.rounded().amount.scaleb(-_places(self.currency)))

    @classmethod
    def from_minor_units(cls, value: str | int, currency: str) -> Money:
        """``value`` whole minor units of ``currency``: 19530 CNY fen is 195.30."""
        return cls(Decimal(int(value)).scaleb(_places(currency)), currency)

    # Arithmetic.
    def _same_currency(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise MoneyError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"cannot combine {self.currency} with {other.currency}"
            )
        return other

    def __add__(self, other: object) -> Money:
        if other == 0 and not isinstance(other, Money | float):
            return self  # lets sum() start from 0
        return Money(self.amount + self._same_currency(other).amount, self.currency)

    __radd__ = __add__

    def __sub__(self, other: object) -> Money:
        return Money(self.amount - self._same_currency(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: object) -> Money:
        if isinstance(factor, Money):
            raise MoneyError("cannot multiply money by money")
        return Money(self.amount * _to_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: object) -> Money:
        if isinstance(divisor, Money):
            raise MoneyError("divide Money.amount values to get a ratio")
        value = _to_decimal(divisor)
        if value == 0:
            raise MoneyError("cannot divide money by zero")
        return Money(self.amount / value, self.currency)

    # Comparison: only within one currency.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        return self.currency == other.currency and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.currency))

    def __lt__(self, other: object) -> bool:
        return self.amount < self._same_currency(other).amount

    def __le__(self, other: object) -> bool:
        return self.amount <= self._same_currency(other).amount

    def __gt__(self, other: object) -> bool:
        return self.amount > self._same_currency(other).amount

    def __ge__(self, other: object) -> bool:
        return self.amount >= self._same_currency(other).amount

    def __bool__(self) -> bool:
        return bool(self.amount)

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
