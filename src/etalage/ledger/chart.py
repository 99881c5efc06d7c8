"""The chart of accounts: every account the ledger keeps, its kind and its currency.
Pure.

An account is named by a key: the chart's name, and for the accounts kept per
provider or per merchant, that owner after a colon (``merchant_available:<id>``).
Amounts are signed: a debit is positive, a credit negative; every transaction's
entries sum to zero in each currency. Assets and expenses carry debit balances,
liabilities, revenue and the FX position credit balances.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    REVENUE = "revenue"
    EXPENSE = "expense"
    FX = "fx"  # the conversion position, one account per currency


@dataclass(frozen=True, slots=True)
class Chart:
    kind: Kind
    # None: in the currency the buyer paid (CNY for the Chinese market), or for
    # the FX position in each currency it meets.
    currency: str | None
    per: str | None  # "provider" or "merchant" when kept per owner
    label: str


PROVIDER_RECEIVABLE = "provider_receivable"
MANUAL_RECEIPTS = "manual_receipts"
CBEC_TAX_PAYABLE = "cbec_tax_payable"
FREIGHT_PAYABLE = "freight_payable"
REFUNDS_DUE = "refunds_due"
FX = "fx"
MERCHANT_PENDING = "merchant_pending"
MERCHANT_AVAILABLE = "merchant_available"
COMMISSION = "commission_revenue"
COMMISSION_VAT = "commission_vat_payable"
PROVIDER_SETTLEMENT = "provider_settlement"
PROVIDER_FEES = "provider_fees"
PROMOTIONS = "promotions_expense"
PAYOUTS_IN_TRANSIT = "payouts_in_transit"
BANK = "bank"
CUSTOMS_GUARANTEE = "customs_guarantee"
TAX_DIFFERENCES = "customs_tax_differences"

CHART: dict[str, Chart] = {
    PROVIDER_RECEIVABLE: Chart(
        Kind.ASSET, None, "provider", "Receivable from the payment provider"
    ),
    MANUAL_RECEIPTS: Chart(
        Kind.ASSET, None, None, "Payments recorded by the operator, to reconcile"
    ),
    CBEC_TAX_PAYABLE: Chart(
        Kind.LIABILITY, None, None, "CBEC tax withheld, payable to customs"
    ),
    CUSTOMS_GUARANTEE: Chart(
        Kind.ASSET, None, None, "Guarantee with customs, debited for each tax bill"
    ),
    TAX_DIFFERENCES: Chart(
        Kind.EXPENSE, None, None, "Tax assessed by customs beyond what was withheld"
    ),
    FREIGHT_PAYABLE: Chart(
        Kind.LIABILITY, None, None, "Freight collected, payable to carriers"
    ),
    REFUNDS_DUE: Chart(
        Kind.LIABILITY,
        None,
        None,
        "Refunds owed to buyers (payments after cancellation)",
    ),
    FX: Chart(Kind.FX, None, None, "FX conversion position"),
    MERCHANT_PENDING: Chart(
        Kind.LIABILITY, "EUR", "merchant", "Merchant payable, pending (return window)"
    ),
    MERCHANT_AVAILABLE: Chart(
        Kind.LIABILITY, "EUR", "merchant", "Merchant payable, available for payout"
    ),
    COMMISSION: Chart(Kind.REVENUE, "EUR", None, "Commission revenue"),
    COMMISSION_VAT: Chart(
        Kind.LIABILITY, "EUR", None, "Belgian VAT on commission, payable"
    ),
    PROVIDER_SETTLEMENT: Chart(
        Kind.ASSET, "EUR", "provider", "Settled by the provider, on its way to the bank"
    ),
    PROVIDER_FEES: Chart(Kind.EXPENSE, "EUR", None, "Payment provider fees"),
    PROMOTIONS: Chart(
        Kind.EXPENSE, None, None, "Promotions paid by the platform (non-cash)"
    ),
    PAYOUTS_IN_TRANSIT: Chart(
        Kind.LIABILITY, "EUR", None, "Payouts sent, not yet debited by the bank"
    ),
    BANK: Chart(Kind.ASSET, "EUR", None, "Bank account (EUR)"),
}


def account_key(name: str, owner: object = None) -> str:
    """The key of chart account ``name``, for ``owner`` when it is kept per owner."""
    chart = CHART[name]
    if (chart.per is None) != (owner is None):
        raise ValueError(f"{name} is kept per {chart.per or 'nobody'}")
    return name if owner is None else f"{name}:{owner}"


def chart_of(key: str) -> Chart:
    return CHART[key.split(":", 1)[0]]
