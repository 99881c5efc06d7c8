"""The operator approves the payout account they saw: the confirmation shows the
pending IBAN and BIC and posts them back, refused if the owner changed it since;
every owner is emailed when an account is entered and when it is approved; the
first payout to a new account waits a few days."""

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
NEW = {"iban": "BE62510007547061", "bic": "VAPEBE22"}
OTHER = {"iban": "BE68539007547034", "bic": "GKCCBEBB"}
URL = "/backoffice/merchants/merchant/"


@pytest.fixture
def owners(client, catalogue):
    merchant = catalogue.merchant("Maison")
    merchant.iban, merchant.bic = "BE71096123456769", "GKCCBEBB"
    merchant.contact_email = "anne@maison.example"
    merchant.save()
    users = []
    for name in ("anne", "bert"):
        user = get_user_model().objects.create_user(name, f"{name}@maison.example")
        MerchantMember.objects.create(merchant=merchant, user=user, role="owner")
        users.append(user)
    client.force_login(users[0])
    client.merchant = merchant
    return client


def _approve_page(client, merchant):
    return client.post(
        URL, {"action": "approve_bank_account", "_selected_action": [merchant.pk]}
    )


def test_the_operator_approves_the_account_they_saw_not_a_later_one(
    owners, django_capture_on_commit_callbacks
):
    merchant = owners.merchant
    with django_capture_on_commit_callbacks(execute=True):
        owners.post("/en/portal/company/", {**DETAILS, **NEW})
    entered = [m for m in mail.outbox if NEW["iban"][-4:] in m.body]
    assert {"anne@maison.example", "bert@maison.example"} <= {
        r for m in entered for r in m.to
    }  # every owner told an account was entered
    operator = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    operator_client = owners.__class__()
    operator_client.force_login(operator)
    page = _approve_page(operator_client, merchant).content.decode()
    assert NEW["iban"] in page and NEW["bic"] in page  # shown before approving
    assert merchant.__class__.objects.get(pk=merchant.pk).iban == DETAILS["iban"]
    # The owner changes it between the operator's look and the click.
    owners.post("/en/portal/company/", {**DETAILS, **OTHER})
    confirm = {
        "action": "approve_bank_account",
        "_selected_action": [merchant.pk],
        "confirm": "1",
        f"iban_{merchant.pk}": NEW["iban"],
        f"bic_{merchant.pk}": NEW["bic"],
    }
    operator_client.post(URL, confirm)
    merchant.refresh_from_db()
    assert merchant.iban == DETAILS["iban"]  # nothing approved
    assert merchant.pending_iban == OTHER["iban"]
    # Approving what is pending now, as shown, works; every owner is told.
    mail.outbox.clear()
    confirm.update(
        {f"iban_{merchant.pk}": OTHER["iban"], f"bic_{merchant.pk}": OTHER["bic"]}
    )
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(URL, confirm)
    merchant.refresh_from_db()
    assert (merchant.iban, merchant.pending_iban) == (OTHER["iban"], "")
    assert {"anne@maison.example", "bert@maison.example"} <= {
        r for m in mail.outbox for r in m.to
    }


def test_the_first_payout_to_a_new_account_waits(owners, settings):
    from datetime import timedelta

    from django.utils import timezone

    from etalage.ledger.payouts import payout_held
    from etalage.merchants.services import merchant_bank_account_approve

    settings.ETALAGE_NEW_ACCOUNT_HOLD_DAYS = 5
    merchant = owners.merchant
    owners.post("/en/portal/company/", {**DETAILS, **NEW})
    operator = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    merchant_bank_account_approve(
        merchant=merchant, operator=operator, iban=NEW["iban"], bic=NEW["bic"]
    )
    merchant.refresh_from_db()
    assert payout_held(merchant, now=timezone.now())
    assert not payout_held(merchant, now=timezone.now() + timedelta(days=5, hours=1))
