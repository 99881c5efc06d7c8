"""An email greets its reader by name when Étalage knows one, and plainly when not
(never "Bonjour ," with the name missing)."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from etalage.merchants.models import Merchant


@pytest.mark.parametrize(
    ("name", "said"), [("Claire", "Bonjour Claire,"), ("", "Bonjour,")]
)
def test_a_merchant_email_greets_by_name_or_plainly(name, said):
    merchant = Merchant(name="Maison Test", contact_name=name)
    with translation.override("fr"):
        body = render_to_string(
            "etalage/merchants/email/decision_approve.txt",
            {"merchant": merchant, "site_url": "https://etalage.example"},
        )
    assert body.startswith(said) and "Bonjour ," not in body
