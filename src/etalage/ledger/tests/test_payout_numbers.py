"""Payout runs are numbered per execution day from a sequence: the second run of a
day is -002 whichever day the machine's clock shows, and no number comes twice."""

import datetime

from etalage.ledger.payouts import payout_file_take, payout_run


def test_the_second_run_of_a_day_takes_the_next_number(run, books):
    p = books.shopping.products
    order = books.pay(books.place([(p["a"], 2)]))
    for sub in order.sub_orders.all():
        books.deliver(sub)
    books.mature()
    second = payout_run(by="operator", today=datetime.date(2024, 8, 2))
    assert (run.number, second.number) == ("PAYOUT-20240802-001", "PAYOUT-20240802-002")
    payout_file_take(run=second, by="operator")

    order = books.pay(books.place([(p["c"], 2)]))
    for sub in order.sub_orders.all():
        books.deliver(sub)
    books.mature()
    assert payout_run(by="operator", today=datetime.date(2024, 8, 3)).number == (
        "PAYOUT-20240803-001"
    )
