"""The journal (accounts, transactions, entries), each sub-order's figures, payouts
and bank statements.

Amounts are integers in minor units (``*_minor``): the database sums them exactly,
on SQLite as on PostgreSQL, and its triggers (migration 0002) hold the invariant:
a transaction's entries sum to zero in each currency, an entry is in its account's
currency, nothing is added to a transaction once posted, nothing posted changes,
and each account's balance is the sum of its entries.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from etalage.catalog.models import Category
from etalage.core.models import Entity
from etalage.ledger.chart import CHART, Kind
from etalage.ledger.reasons import return_reason_text
from etalage.merchants.models import Merchant
from etalage.orders.models import Order, SubOrder


def to_decimal(minor: int) -> Decimal:
    return Decimal(minor).scaleb(-2)


class Account(Entity):
    """One account of the chart, for one owner and currency; its balance is kept by
    the database from its entries."""

    key = models.CharField(_("account"), max_length=80)
    currency = models.CharField(_("currency"), max_length=3)
    kind = models.CharField(_("kind"), max_length=10, choices=[(k, k) for k in Kind])
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
        verbose_name=_("merchant"),
    )
    balance_minor = models.BigIntegerField(_("balance (minor units)"), default=0)

    class Meta:
        ordering = ["key", "currency"]
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["key", "currency"], name="ledger_account_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.currency}"

    @property
    def balance(self) -> Decimal:
        return to_decimal(self.balance_minor)

    @property
    def label(self) -> str:
        return CHART[self.key.split(":", 1)[0]].label


class Transaction(models.Model):
    """A journal transaction: two or more entries that sum to zero per currency.
    ``reference`` names what caused it, once: a second posting of the same cause is
    refused by the database."""

    id = models.UUIDField(primary_key=True, editable=False)
    reference = models.CharField(_("reference"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=24, db_index=True)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    posted_at = models.DateTimeField(_("posted at"), db_index=True)
    order = models.ForeignKey(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("order"),
    )
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merchant"),
    )
    entries_count = models.PositiveSmallIntegerField(_("entries"))

    class Meta:
        ordering = ["-posted_at"]
        verbose_name = _("journal transaction")
        verbose_name_plural = _("journal transactions")

    def __str__(self) -> str:
        return self.reference


class Entry(models.Model):
    """One line of a transaction: an amount (debit positive) on one account."""

    id = models.BigAutoField(primary_key=True)
    transaction = models.ForeignKey(
        Transaction,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("transaction"),
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("account"),
    )
    currency = models.CharField(_("currency"), max_length=3)
    amount_minor = models.BigIntegerField(_("amount (minor units, debit +)"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        indexes = [models.Index(fields=["account", "id"], name="ledger_entry_account")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount_minor}"

    @property
    def amount(self) -> Decimal:
        return to_decimal(self.amount_minor)


class SubOrderBook(models.Model):
    """One sub-order's figures in the ledger: what it brought in, what was refunded,
    the commission at the rate recorded at placement, and when the merchant may be
    paid. The merchant's statement reads these; the entries are the truth they
    summarize (``etalage check`` compares them)."""

    sub_order = models.OneToOneField(
        SubOrder,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="book",
        verbose_name=_("sub-order"),
    )
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    paid_at = models.DateTimeField(_("paid at"))
    goods_paid = models.BigIntegerField()
    freight_paid = models.BigIntegerField()
    tax_paid = models.BigIntegerField()
    goods_eur = models.BigIntegerField()
    commission_percent = models.DecimalField(max_digits=5, decimal_places=2)
    vat_percent = models.DecimalField(max_digits=5, decimal_places=2)
    refunded_goods_paid = models.BigIntegerField(default=0)
    refunded_freight_paid = models.BigIntegerField(default=0)
    refunded_tax_paid = models.BigIntegerField(default=0)
    refunded_goods_eur = models.BigIntegerField(default=0)
    # The platform's non-cash discount (promotions it funds) in the goods and
    # freight paid, and what of it came back with refunds.
    discount_paid = models.BigIntegerField(default=0)
    refunded_discount_paid = models.BigIntegerField(default=0)
    commission_eur = models.BigIntegerField(default=0)
    commission_vat_eur = models.BigIntegerField(default=0)
    net_eur = models.BigIntegerField(default=0)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    available_at = models.DateTimeField(_("available from"), null=True, blank=True)
    matured_at = models.DateTimeField(_("available since"), null=True, blank=True)

    class Meta:
        ordering = ["-paid_at"]
        verbose_name = _("sub-order in the ledger")
        verbose_name_plural = _("sub-orders in the ledger")
        indexes = [
            # A merchant's books by when they were paid, with the goods in EUR:
            # its statement, and its dashboard's sales by day and month read from
            # this index alone (analytics.merchant_figures).
            models.Index(
                fields=["merchant", "paid_at", "goods_eur"],
                name="ledger_book_merchant_paid",
            ),
            # Every merchant's books of a period (the operator's dashboard).
            models.Index(
                fields=["paid_at", "merchant", "goods_paid"], name="ledger_book_paid"
            ),
            models.Index(
                fields=["available_at"],
                condition=models.Q(matured_at__isnull=True, available_at__isnull=False),
                name="ledger_book_maturing",
            ),
        ]

    def __str__(self) -> str:
        return str(self.sub_order_id)


class DailySales(models.Model):
    """The ledger's own summary of its books (``SubOrderBook``): one row per day
    in Brussels a parcel was paid, merchant and buyers' currency, added to in the
    transaction of each book it summarises (at payment, at each refund) by an
    atomic increment (``ledger.daily``), and compared with the books by
    ``etalage check``. The dashboards read it instead of a year of books."""

    day = models.DateField(_("day"))
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    currency = models.CharField(_("currency"), max_length=3)
    books = models.PositiveIntegerField(_("parcels"), default=0)
    goods_paid = models.BigIntegerField(default=0)
    goods_eur = models.BigIntegerField(default=0)
    refunded_goods_paid = models.BigIntegerField(default=0)
    refunded_goods_eur = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["day", "merchant", "currency"]
        verbose_name = _("day's sales in the ledger")
        verbose_name_plural = _("days' sales in the ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "merchant", "currency"], name="ledger_daily_sales"
            )
        ]
        indexes = [
            models.Index(fields=["merchant", "day"], name="ledger_daily_merchant")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.merchant_id} {self.currency}"


class DailyCategorySales(models.Model):
    """The same books' order lines by their product's category at payment: one row
    per day in Brussels, merchant, category and buyers' currency, with the parcels
    that had a line of the category and those lines' goods (unit price × quantity,
    minor units of the buyers' currency, and in EUR at the merchant's prices)."""

    day = models.DateField(_("day"))
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    currency = models.CharField(_("currency"), max_length=3)
    books = models.PositiveIntegerField(_("parcels"), default=0)
    goods_paid = models.BigIntegerField(default=0)
    goods_eur = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["day", "merchant", "category", "currency"]
        verbose_name = _("day's sales by category in the ledger")
        verbose_name_plural = _("days' sales by category in the ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "merchant", "category", "currency"],
                name="ledger_daily_category",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.merchant_id} {self.category_id} {self.currency}"


class PayoutRun(Entity):
    """One payout run: a SEPA credit-transfer file for every merchant owed enough.
    Only one run is open at a time; its file is downloaded once; it is settled once
    the bank's statements account for every payout (booked, or returned)."""

    class State(models.TextChoices):
        PREPARED = "prepared", _("prepared")
        SENT = "sent", _("file downloaded for the bank")
        SETTLED = "settled", _("settled by the bank")

    number = models.CharField(_("number"), max_length=32, unique=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State, default=State.PREPARED
    )
    message_id = models.CharField(_("message id"), max_length=35, blank=True)
    # The file's PmtInfId: a bank booking the run as one entry names it (or MsgId).
    payment_info_id = models.CharField(
        _("payment information id"), max_length=35, blank=True, db_index=True
    )
    execution_date = models.DateField(_("execution date"))
    total_minor = models.BigIntegerField(_("total (cents)"), default=0)
    payouts_count = models.PositiveIntegerField(_("payouts"), default=0)
    file = models.BinaryField(_("pain.001 file"), editable=False)
    file_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    downloaded_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    downloaded_by = models.CharField(_("downloaded by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payout run")
        verbose_name_plural = _("payout runs")
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="prepared"),
                name="ledger_one_open_payout_run",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total(self) -> Decimal:
        return to_decimal(self.total_minor)


class Payout(Entity):
    """One merchant's payout in a run: a SEPA credit transfer of its available
    balance. Its end-to-end id comes back on the bank's statement."""

    class State(models.TextChoices):
        PREPARED = "prepared", _("prepared")
        SENT = "sent", _("sent to the bank")
        SETTLED = "settled", _("paid")
        RETURNED = "returned", _("returned by the bank")

    run = models.ForeignKey(
        PayoutRun,
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("run"),
    )
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        related_name="payouts",
        verbose_name=_("merchant"),
    )
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, unique=True)
    amount_minor = models.BigIntegerField(_("amount (cents)"))
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State, default=State.PREPARED
    )
    return_reason = models.CharField(_("bank's reason"), max_length=8, blank=True)
    settled_on = models.DateField(_("booked on"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")

    def __str__(self) -> str:
        return self.end_to_end_id

    @property
    def amount(self) -> Decimal:
        return to_decimal(self.amount_minor)

    @property
    def return_text(self) -> str:
        """The bank's reason, in the reader's language."""
        return return_reason_text(self.return_reason) if self.return_reason else ""


class BankStatement(Entity):
    """A camt.053 statement of the operator's bank account, imported once (a large
    one waits, queued, for the background import)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to be imported")
        IMPORTED = "imported", _("imported")
        REFUSED = "refused", _("refused")

    name = models.CharField(_("file"), max_length=200)
    digest = models.CharField(_("SHA-256"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=State, default=State.IMPORTED
    )
    statement_id = models.CharField(_("statement id"), max_length=35, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    lines_count = models.PositiveIntegerField(_("lines"), default=0)
    unmatched_count = models.PositiveIntegerField(_("for the operator"), default=0)
    refusal = models.TextField(_("why it was refused"), blank=True)
    # The file while it waits for the background import (emptied once done).
    data = models.BinaryField(_("file"), null=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        constraints = [
            models.UniqueConstraint(
                fields=["digest"],
                condition=~models.Q(state="refused"),
                name="ledger_bank_statement_once",
            )
        ]

    def __str__(self) -> str:
        return self.name


class BankLine(models.Model):
    """One booked entry of a statement and what it was matched to (a payout paid
    or returned, a provider's settlement), or why it was not."""

    statement = models.ForeignKey(
        BankStatement,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("statement"),
    )
    booked_on = models.DateField(_("booked on"), null=True, blank=True)
    credit = models.BooleanField(_("credit"))
    amount_minor = models.BigIntegerField(_("amount (cents)"))
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(_("reference"), max_length=140, blank=True)
    end_to_end_id = models.CharField(_("end-to-end id"), max_length=35, blank=True)
    return_reason = models.CharField(_("return reason"), max_length=8, blank=True)
    counterparty = models.CharField(_("counterparty"), max_length=140, blank=True)
    payout = models.ForeignKey(
        Payout,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bank_lines",
        verbose_name=_("payout"),
    )
    settlement = models.ForeignKey(
        "payments.SettlementReport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settlement report"),
    )
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    for_operator = models.BooleanField(_("for the operator"), default=False)

    class Meta:
        ordering = ["statement", "id"]
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")

    def __str__(self) -> str:
        return f"{self.booked_on} {self.amount_minor}"

    @property
    def amount(self) -> Decimal:
        return to_decimal(self.amount_minor)


class CommissionCharge(models.Model):
    """The commission (and its VAT) one posting charged a merchant for one sub-order:
    positive at delivery, negative when a refund gives part of it back. A month's
    charges make the merchant's commission invoice (or credit note)."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    sub_order = models.ForeignKey(
        SubOrder,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sub-order"),
    )
    transaction = models.ForeignKey(
        Transaction,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("transaction"),
    )
    at = models.DateTimeField(_("at"))
    goods_minor = models.BigIntegerField(_("goods (cents)"))
    commission_minor = models.BigIntegerField(_("commission (cents)"))
    vat_minor = models.BigIntegerField(_("VAT (cents)"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("commission charge")
        verbose_name_plural = _("commission charges")
        indexes = [models.Index(fields=["merchant", "at"], name="ledger_charge_month")]

    def __str__(self) -> str:
        return f"{self.sub_order_id} {self.commission_minor}"


class CommissionInvoice(models.Model):
    """The operator's monthly invoice of commission to a merchant, numbered without
    gaps per year (a credit note when refunds gave more back than was charged)."""

    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        related_name="commission_invoices",
        verbose_name=_("merchant"),
    )
    month = models.DateField(_("month"))
    issued_on = models.DateField(_("issued on"))
    goods_minor = models.BigIntegerField(_("goods (cents)"))
    commission_minor = models.BigIntegerField(_("commission (cents)"))
    vat_minor = models.BigIntegerField(_("VAT (cents)"))
    vat_percent = models.DecimalField(_("VAT %"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("commission invoice")
        verbose_name_plural = _("commission invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "sequence"], name="ledger_invoice_number"
            ),
            models.UniqueConstraint(
                fields=["merchant", "month"], name="ledger_invoice_month"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.year}-{self.sequence:06d}"

    @property
    def credit_note(self) -> bool:
        return self.commission_minor < 0
