"""The PDFs a merchant downloads (the monthly statement with its commission invoice,
the shipping label, the packing list) write their figures as the merchant's
language does, by the same helper as the pages (Babel's CLDR data)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pypdfium2
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from etalage.core.pdf import pdf_money, pdf_number
from etalage.money import Money
from etalage.web.tests.test_money_pages import delivered, member  # noqa: F401
from etalage.web.tests.test_shipping_pages import paid, sign_in  # noqa: F401


def text_of(pdf: bytes) -> str:
    """Every page's text, its no-break spaces read as spaces."""
    document = pypdfium2.PdfDocument(pdf)
    pages = [page.get_textpage().get_text_range() for page in document]
    return " ".join(pages).replace("\xa0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    ("language", "money", "grams"),
    [
        ("fr", "1\xa0234,56\xa0€", "1\xa0350"),
        ("nl", "€\xa01.234,56", "1.350"),
        ("en", "€1,234.56", "1,350"),
    ],
)
def test_a_pdf_writes_figures_as_the_reader_s_language_does(language, money, grams):
    assert pdf_money(Money(Decimal("1234.56"), "EUR"), language) == money
    assert pdf_number(1350, language) == grams


@pytest.mark.parametrize(
    ("language", "goods", "net"),
    [
        ("fr", "20,00 €", "15,34 €"),
        ("nl", "€ 20,00", "€ 15,34"),
        ("en", "€20.00", "€15.34"),
    ],
)
def test_the_statement_and_its_invoice_show_amounts_in_the_merchant_s_locale(
    client,
    delivered,  # noqa: F811 (the fixture imported above)
    monkeypatch,
    language,
    goods,
    net,
):
    first = delivered.sub_orders.order_by("number").first()
    member(client, first.merchant, "owner")
    month = timezone.localtime().date().replace(day=1)
    statement = text_of(client.get(f"/{language}/portal/money/statement.pdf").content)
    assert goods in statement and net in statement, statement
    assert "20.00" not in statement or language == "en"
    later = timezone.now() + timedelta(days=40)  # the month is over: its invoice
    monkeypatch.setattr(timezone, "now", lambda: later)
    owner = get_user_model().objects.get(username=f"{first.merchant.slug}-owner")
    client.force_login(owner)  # the session is no older than the clock
    invoice = text_of(
        client.get(
            f"/{language}/portal/money/statement.pdf?month={month:%Y-%m}"
        ).content
    )
    commission = {"fr": "2,81 €", "nl": "€ 2,81", "en": "€2.81"}[language]
    assert commission in invoice, invoice


@pytest.mark.parametrize(
    ("language", "weight"), [("fr", "1 350 g"), ("nl", "1.350 g"), ("en", "1,350 g")]
)
def test_the_label_and_packing_list_write_the_weight_in_the_merchant_s_locale(
    client,
    paid,  # noqa: F811 (the fixture imported above)
    language,
    weight,
):
    sign_in(client, paid.merchant, "fulfilment")
    client.post(f"/{language}/portal/orders/{paid.number}/pack/", {"grams": "1350"})
    for document in ("label.pdf", "packing-list.pdf"):
        pdf = client.get(f"/{language}/portal/orders/{paid.number}/{document}")
        assert weight in text_of(pdf.content), document


def test_the_statement_says_tva_in_french_whatever_language_is_active(
    delivered,  # noqa: F811 (the fixture imported above)
):
    """Made in French (a merchant's language) while another is active, as a job
    would: its words are French too, not only its figures."""
    from django.utils import translation

    from etalage.ledger.statements import statement_pdf

    merchant = delivered.sub_orders.order_by("number").first().merchant
    month = timezone.localtime().date()
    with translation.override("en"):
        text = text_of(statement_pdf(merchant, month, "fr"))
    assert "Relevé" in text and "TVA" in text and "Statement" not in text, text
