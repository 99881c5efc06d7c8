"""The operator's books in the back-office: the trial balance with each month's
commission, fees and FX, what is owed and to whom (every figure links to its
entries); debts paid to customs and carriers recorded. Payout runs, payouts and
bank statements are ``admin_payouts``'s."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from etalage.core.admin_decisions import form_page
from etalage.core.admin_read_only import ReadOnlyAdmin
from etalage.ledger import (
    admin_payouts,  # noqa: F401  (registers the payouts' pages)
)
from etalage.ledger.chart import CHART
from etalage.ledger.models import (
    Account,
    CommissionInvoice,
    Entry,
    SubOrderBook,
    Transaction,
    to_decimal,
)
from etalage.ledger.postings import debt_paid_post
from etalage.ledger.selectors import monthly_results, owed_summary, trial_balance


class ChartFilter(admin.SimpleListFilter):
    title = _("account of the chart")
    parameter_name = "chart"

    def lookups(self, request, model_admin):
        return [(name, f"{name}: {chart.label}") for name, chart in CHART.items()]

    def queryset(self, request, queryset):
        name = self.value()
        if name in CHART:
            return queryset.filter(
                Q(account__key=name) | Q(account__key__startswith=f"{name}:")
            )
        return queryset


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The trial balance (the accounts' list is the chart, summed per owner)."""

    def changelist_view(self, request, extra_context=None):
        entries = reverse("admin:ledger_entry_changelist")
        rows = trial_balance()
        totals: dict[str, list[Decimal]] = {}
        for row in rows:
            debit, credit = totals.setdefault(row.currency, [Decimal(0), Decimal(0)])
            totals[row.currency] = [debit + row.debit, credit + row.credit]
        return render(
            request,
            "admin/ledger/trial_balance.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Trial balance"),
                "opts": self.model._meta,
                "rows": rows,
                "totals": sorted(totals.items()),
                "months": monthly_results(),
                "owed": owed_summary(),
                "entries_url": entries,
            },
        )


class EntryInline(ReadOnlyAdmin, admin.TabularInline):
    model = Entry
    fields = ["account", "currency", "amount"]
    readonly_fields = fields
    extra = 0


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["posted_at", "kind", "reference", "memo", "order", "merchant"]
    list_filter = ["kind"]
    search_fields = ["reference", "memo", "order__number", "merchant__name"]
    date_hierarchy = "posted_at"
    list_select_related = ["order", "merchant"]
    inlines = [EntryInline]
    change_list_template = "admin/ledger/transaction/change_list.html"

    def get_urls(self):
        own = [
            path(
                "debt-paid/",
                self.admin_site.admin_view(self.debt_view),
                name="ledger_transaction_debt_paid",
            )
        ]
        return own + super().get_urls()

    def debt_view(self, request):
        if not request.user.has_perm("ledger.add_transaction"):
            raise PermissionDenied
        form = DebtPaidForm(request.POST or None)
        if form.is_valid():
            data = form.cleaned_data
            try:
                posted = debt_paid_post(
                    debt=data["debt"],
                    amount=data["amount"],
                    currency="CNY",
                    eur=data["eur"],
                    reference=data["reference"],
                )
            except ValueError as error:
                form.add_error(None, str(error))
            else:
                if posted is None:
                    form.add_error("reference", _("This payment was recorded already."))
                else:
                    return redirect("admin:ledger_transaction_change", posted.pk)
        return form_page(
            self,
            request,
            title=_("Record a payment to customs or a carrier"),
            intro=_(
                "The CNY debt paid, and the euros it cost from the bank: the "
                "difference with the rates the buyers paid is the FX result."
            ),
            submit=_("Record"),
            form=form,
        )


class DebtPaidForm(forms.Form):
    debt = forms.ChoiceField(
        label=_("Paid to"),
        choices=[
            ("guarantee", _("Customs guarantee (customs debits the tax bills)")),
            ("freight", _("A carrier (freight)")),
        ],
    )
    amount = forms.DecimalField(
        label=_("Amount paid (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    eur = forms.DecimalField(
        label=_("It cost (EUR, from the bank)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    reference = forms.CharField(label=_("Reference (receipt, invoice)"), max_length=60)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["posted", "transaction", "memo", "account", "currency", "amount"]
    list_filter = [ChartFilter, "currency", "transaction__kind"]
    search_fields = ["account__key", "transaction__reference", "transaction__memo"]
    list_select_related = ["transaction", "account"]
    date_hierarchy = "transaction__posted_at"

    @admin.display(description=_("posted at"), ordering="transaction__posted_at")
    def posted(self, entry):
        return entry.transaction.posted_at

    @admin.display(description=_("memo"))
    def memo(self, entry):
        return entry.transaction.memo


@admin.register(SubOrderBook)
class SubOrderBookAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "sub_order",
        "merchant",
        "paid_at",
        "goods",
        "commission",
        "net",
        "available_at",
        "matured_at",
    ]
    list_filter = ["merchant"]
    search_fields = ["sub_order__number"]
    list_select_related = ["sub_order", "merchant"]

    @admin.display(description=_("goods (EUR)"))
    def goods(self, book):
        return to_decimal(book.goods_eur)

    @admin.display(description=_("commission (EUR)"))
    def commission(self, book):
        return to_decimal(book.commission_eur)

    @admin.display(description=_("net (EUR)"))
    def net(self, book):
        return to_decimal(book.net_eur)


@admin.register(CommissionInvoice)
class CommissionInvoiceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["number", "merchant", "month", "issued_on", "commission", "vat"]
    list_filter = ["year"]
    search_fields = ["merchant__name"]

    @admin.display(description=_("commission (EUR)"))
    def commission(self, invoice):
        return to_decimal(invoice.commission_minor)

    @admin.display(description=_("VAT (EUR)"))
    def vat(self, invoice):
        return to_decimal(invoice.vat_minor)
