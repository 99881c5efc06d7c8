"""`etalage payouts run` and `etalage payouts statement` as the operator runs them,
and after a crash between writing the file and recording it."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from etalage.ledger import sandbox_bank
from etalage.ledger.models import Payout, PayoutRun
from etalage.merchants.models import Merchant


@pytest.fixture
def owed(books, settings):
    settings.ETALAGE_PAYOUT_MINIMUM_EUR = Decimal("1")
    for n, merchant in enumerate(Merchant.objects.order_by("name")):
        merchant.iban = ["BE71096123456769", "BE68539007547034"][n]
        merchant.save()
    p = books.shopping.products
    order = books.pay(books.place([(p["a"], 1), (p["c"], 1)]))
    for sub in order.sub_orders.all():
        books.deliver(sub)
    books.mature()


def test_the_command_writes_the_file_once_and_imports_the_statement(owed, tmp_path):
    out = StringIO()
    call_command("payouts", "run", "--dir", str(tmp_path), stdout=out)
    run = PayoutRun.objects.get()
    path = tmp_path / f"{run.number}.pain.001.xml"
    assert path.read_bytes() == bytes(run.file) and run.state == "sent"
    assert f"{run.number}: 2 payouts" in out.getvalue()
    with pytest.raises(CommandError, match="No merchant is owed"):
        call_command("payouts", "run", "--dir", str(tmp_path), stdout=StringIO())
    camt = tmp_path / "statement.xml"
    camt.write_bytes(
        sandbox_bank.statement(
            iban="BE68539007547034",
            day=run.execution_date,
            opening=Decimal(0),
            runs=[run],
        )
    )
    out = StringIO()
    call_command("payouts", "statement", str(camt), stdout=out)
    assert (
        "2 lines, 0 not matched" in out.getvalue() and "payout paid" in out.getvalue()
    )
    assert set(Payout.objects.values_list("state", flat=True)) == {"settled"}
    with pytest.raises(CommandError, match="imported already"):
        call_command("payouts", "statement", str(camt), stdout=StringIO())


def test_a_file_written_before_a_crash_is_taken_again_not_written_twice(owed, tmp_path):
    from etalage.ledger.payouts import payout_run

    run = payout_run(by="operator")  # prepared; then the command dies after writing
    path = tmp_path / f"{run.number}.pain.001.xml"
    path.write_bytes(bytes(run.file))
    call_command("payouts", "run", "--dir", str(tmp_path), stdout=StringIO())
    run.refresh_from_db()
    assert run.state == "sent" and PayoutRun.objects.count() == 1
    assert path.read_bytes() == bytes(run.file)
    assert not list(tmp_path.glob("*.partial"))


def test_a_different_file_in_the_way_is_never_overwritten(owed, tmp_path):
    from etalage.ledger.payouts import payout_run

    run = payout_run(by="operator")
    path = tmp_path / f"{run.number}.pain.001.xml"
    path.write_bytes(b"something else")
    with pytest.raises(CommandError, match="other content"):
        call_command("payouts", "run", "--dir", str(tmp_path), stdout=StringIO())
    run.refresh_from_db()
    assert run.state == "prepared" and path.read_bytes() == b"something else"
