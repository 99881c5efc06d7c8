import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from etalage.merchants.models import MerchantMember

DETAILS = {
    "street": "Rue Neuve 2",
    "postal_code": "4000",
    "city": "Liège",
    "contact_name": "Anne",
    "phone": "+32 4 222 22 22",
    "iban": "BE71096123456769",
    "bic": "GKCCBEBB",
    "language": "en",
}


@pytest.fixture
def owner(client, catalogue):
    merchant = catalogue.merchant("Maison")
    merchant.iban, merchant.bic = "BE71096123456769", "GKCCBEBB"
    merchant.contact_email = "anne@maison.example"
    merchant.save()
    user = get_user_model().objects.create_user("anne")
    MerchantMember.objects.create(merchant=merchant, user=user, role="owner")
    client.force_login(user)
    client.merchant = merchant
    return client


def test_the_owner_updates_the_address_and_contacts(owner):
    owner.post("/en/portal/company/", DETAILS)
    owner.merchant.refresh_from_db()
    assert (owner.merchant.city, owner.merchant.phone) == ("Liège", "+3242222222")
    assert owner.merchant.pending_iban == ""


def test_a_new_iban_waits_for_the_operator(owner, django_capture_on_commit_callbacks):
    owner.post(
        "/en/portal/company/",
        {**DETAILS, "iban": "BE62510007547061", "bic": "VAPEBE22"},
    )
    owner.merchant.refresh_from_db()
    assert owner.merchant.iban == "BE71096123456769"
    assert owner.merchant.pending_iban == "BE62510007547061"
    assert "waits for our approval" in owner.get("/en/portal/company/").content.decode()

    operator = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    owner.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        owner.post(
            "/backoffice/merchants/merchant/",
            {"action": "approve_bank_account", "_selected_action": [owner.merchant.pk],
             "confirm": "1", f"iban_{owner.merchant.pk}": "BE62510007547061",
             f"bic_{owner.merchant.pk}": "VAPEBE22"},
        )  # fmt: skip
    owner.merchant.refresh_from_db()
    assert (owner.merchant.iban, owner.merchant.bic) == ("BE62510007547061", "VAPEBE22")
    assert owner.merchant.pending_iban == ""
    decision = owner.merchant.decisions.get()
    assert (decision.action, decision.decided_by) == ("bank_account", operator)
    assert "BE62510007547061" in mail.outbox[-1].body


def test_a_wrong_account_is_refused_and_nothing_changes(owner):
    html = owner.post(
        "/en/portal/company/",
        {**DETAILS, "iban": "BE62510007547061", "bic": "GKCCBEBB"},
    ).content.decode()
    assert "This IBAN belongs to the bank VAPEBE22" in html
    owner.merchant.refresh_from_db()
    assert owner.merchant.pending_iban == ""


def test_only_the_owner_sees_the_company_details(owner):
    clerk = get_user_model().objects.create_user("clerk")
    MerchantMember.objects.create(merchant=owner.merchant, user=clerk, role="finance")
    owner.force_login(clerk)
    assert owner.get("/en/portal/company/").status_code == 403
