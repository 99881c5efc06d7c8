"""Money and currencies: one Money type over Decimal. Pure Python, no Django."""

from etalage.money.formatting import format_money, format_number
from etalage.money.money import (
    CurrencyMismatch,
    Money,
    MoneyError,
    minor_unit_exponent,
)

__all__ = [
    "CurrencyMismatch",
    "Money",
    "MoneyError",
    "format_money",
    "format_number",
    "minor_unit_exponent",
]
