"""A two-merchant order from the buyer's payment to the merchants' bank, to the cent,
worked by hand.

The order (ECB 7.7748 CNY a euro on 2024-06-28, FX margin 2 %: a euro sells for
7.930296 CNY, so a 10.00 EUR chocolate for 79.30 CNY):

=========  ===========  ==========  ========  =======  ========  ==========
parcel     merchant     goods EUR   goods     freight  tax       total CNY
=========  ===========  ==========  ========  =======  ========  ==========
1          First        2 x 10.00   158.60    58.00    19.71     236.31
2          Second       1 x 30.00   237.91    58.00    26.93     322.84
=========  ===========  ==========  ========  =======  ========  ==========

The buyer pays 559.15 CNY. The operator refunds 100.00 CNY of parcel 2 (a broken
bar): goods first, 100.00 x 30.00 / 237.91 = 12.6098, so 12.61 EUR comes off
Second. Both parcels are delivered: commission 15 % (recorded at placement) and
Belgian VAT 21 % on it:

- First: 20.00 - 3.00 - 0.63 = 16.37 EUR
- Second: 30.00 - 12.61 = 17.39; 15 % = 2.6085 -> 2.61; 21 % = 0.5481 -> 0.55;
  17.39 - 2.61 - 0.55 = 14.23 EUR

Thirty days later both are available; a payout run pays 16.37 and 14.23 EUR; the
bank books the first and returns the second (AC04, account closed).
"""

from datetime import date
from decimal import Decimal

import pytest
import xmlschema
from django.utils import translation

from etalage.ledger import bank, sandbox_bank
from etalage.ledger.checks import ledger_problems
from etalage.ledger.models import Payout, SubOrderBook
from etalage.ledger.payouts import PayoutRefused, payout_file_take, payout_run
from etalage.ledger.tests.conftest import balance
from etalage.merchants.models import Merchant

D = Decimal


def pending(merchant):
    return balance(f"merchant_pending:{merchant.pk}", "EUR")


def available(merchant):
    return balance(f"merchant_available:{merchant.pk}", "EUR")


@pytest.fixture
def merchants(shopping):
    first = Merchant.objects.get(name="First")
    second = Merchant.objects.get(name="Second")
    for merchant, iban in ((first, "BE71096123456769"), (second, "BE68539007547034")):
        merchant.iban, merchant.street, merchant.postal_code = (
            iban,
            "Rue Haute 1",
            "4000",
        )
        merchant.save()
    return first, second


def test_a_two_merchant_order_from_payment_to_payout(books, merchants, settings):
    first, second = merchants
    p = books.shopping.products
    order = books.place([(p["a"], 2), (p["c"], 1)])
    one, two = order.sub_orders.order_by("number")
    assert (one.total, two.total, order.total) == (
        D("236.31"),
        D("322.84"),
        D("559.15"),
    )

    books.pay(order)
    assert balance("provider_receivable:alipay", "CNY") == D("559.15")
    assert balance("cbec_tax_payable", "CNY") == D("-46.64")
    assert balance("freight_payable", "CNY") == D("-116.00")
    assert balance("fx", "CNY") == D("-396.51")
    assert balance("fx", "EUR") == D("50.00")
    assert (pending(first), pending(second)) == (D("-20.00"), D("-30.00"))

    books.refund(order, "100.00", parcels=[two])
    assert balance("provider_receivable:alipay", "CNY") == D("459.15")
    assert pending(second) == D("-17.39")
    assert balance("fx", "EUR") == D("37.39")

    books.deliver(one)
    books.deliver(two)
    assert balance("commission_revenue", "EUR") == D("-5.61")
    assert balance("commission_vat_payable", "EUR") == D("-1.18")
    assert (pending(first), pending(second)) == (D("-16.37"), D("-14.23"))
    book = SubOrderBook.objects.get(pk=two.pk)
    assert (book.commission_eur, book.commission_vat_eur, book.net_eur) == (
        261,
        55,
        1423,
    )

    assert books.mature(days=29) == 0  # still inside the return window
    assert books.mature(days=31) == 2
    assert (pending(first), available(first)) == (D("0.00"), D("-16.37"))
    assert available(second) == D("-14.23")

    settings.ETALAGE_PAYOUT_MINIMUM_EUR = D("10")
    run = payout_run(by="operator", today=date(2024, 8, 2))
    assert (run.number, run.execution_date) == ("PAYOUT-20240802-001", date(2024, 8, 5))
    assert (run.total, run.payouts_count) == (D("30.60"), 2)
    assert available(first) == D("0.00") and balance("payouts_in_transit", "EUR") == D(
        "-30.60"
    )
    pain = bytes(run.file)
    xmlschema.XMLSchema(_sepaxml_schema()).validate(pain.decode())
    assert b"<TwnNm>Li\xc3\xa8ge</TwnNm>" not in pain  # transliterated for SEPA
    assert (
        b"<TwnNm>Liege</TwnNm><Ctry>BE</Ctry>" in pain
        and b"<CtrlSum>30.60</CtrlSum>" in pain
    )

    with (
        translation.override("en"),
        pytest.raises(PayoutRefused, match="waits for its file"),
    ):
        payout_run(by="operator", today=date(2024, 8, 2))
    assert payout_file_take(run=run, by="operator") == pain
    with (
        translation.override("en"),
        pytest.raises(PayoutRefused, match="downloaded on"),
    ):
        payout_file_take(run=run, by="someone else")
    assert set(Payout.objects.values_list("state", flat=True)) == {"sent"}

    returned = Payout.objects.get(merchant=second)
    statement = sandbox_bank.statement(
        iban="BE68539007547034",
        day=date(2024, 8, 5),
        opening=D("1000.00"),
        runs=[run],
        returns={returned.end_to_end_id: "AC04"},
    )
    xmlschema.XMLSchema(str(sandbox_bank.SCHEMA)).validate(statement.decode())
    imported = bank.statement_import(name="camt053-20240805.xml", data=statement)
    assert (imported.lines_count, imported.unmatched_count) == (3, 0)
    assert imported.statement_id == "SANDBOX-STMT-20240805-1"
    assert imported.iban == "BE68539007547034"
    paid = Payout.objects.get(merchant=first)
    returned.refresh_from_db()
    assert (paid.state, paid.settled_on) == ("settled", date(2024, 8, 5))
    assert (returned.state, returned.return_reason) == ("returned", "AC04")
    assert returned.return_text == "The account is closed."
    assert balance("bank", "EUR") == D("-16.37")  # 30.60 out, 14.23 back
    assert balance("payouts_in_transit", "EUR") == D("0.00")
    assert (available(first), available(second)) == (D("0.00"), D("-14.23"))
    assert ledger_problems() == []
    with pytest.raises(bank.StatementRefused):
        bank.statement_import(name="again.xml", data=statement)
    # No payout goes to the closed account again; once Second's account changes
    # (a new IBAN approved), the next run pays it.
    with translation.override("en"), pytest.raises(PayoutRefused, match="No merchant"):
        payout_run(by="operator", today=date(2024, 8, 6))
    second.iban = "BE25068249751482"
    second.save()
    again = payout_run(by="operator", today=date(2024, 8, 6))
    assert [(p.merchant, p.amount, p.iban) for p in again.payouts.all()] == [
        (second, D("14.23"), "BE25068249751482")
    ]
    assert ledger_problems() == []


def _sepaxml_schema():
    from pathlib import Path

    import sepaxml

    return str(Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd")
