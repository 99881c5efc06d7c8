"""A producer applies, confirms its email, and the operator decides."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from etalage.merchants.models import Merchant, MerchantDecision
from etalage.merchants.services import merchant_approve

GOOD = {
    "name": "Chocolaterie Test",
    "legal_name": "Chocolaterie Test SRL",
    "enterprise_number": "0403.019.261",
    "vat_number": "BE0403019261",
    "street": "Grand-Place 1",
    "postal_code": "1000",
    "city": "Bruxelles",
    "contact_name": "Anne Dupont",
    "email": "Anne@Chocolaterie.example",
    "phone": "02 511 11 11",
    "password": "a long and decent passphrase",
    "iban": "BE71 0961 2345 6769",
    "bic": "GKCCBEBB",
    "language": "fr",
    "story_fr": "Des pralines faites main à Bruxelles.",
}


@pytest.fixture
def chocolate(catalogue):
    category = catalogue.category("chocolate")
    category.default_commission_percent = Decimal("12.50")
    category.save()
    return category


@pytest.fixture
def operator(db):
    return get_user_model().objects.create_superuser("op", "op@example.com", "pw")


def apply(client, chocolate, **changes):
    data = {**GOOD, "categories": [str(chocolate.pk)], **changes}
    return client.post("/fr/portal/apply/", data)


def verification_link():
    return re.search(r"http://\S+/portal/verify/\S+/", mail.outbox[-1].body).group(0)


def test_a_producer_applies_confirms_and_is_approved_at_its_categorys_commission(
    client, chocolate, operator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, chocolate)
    assert "Candidature reçue" in response.content.decode()
    merchant = Merchant.objects.get()
    assert merchant.status == Merchant.Status.APPLIED
    assert (merchant.enterprise_number, merchant.vat_number) == (
        "0403019261",
        "BE0403019261",
    )
    assert (merchant.iban, merchant.phone) == ("BE71096123456769", "+3225111111")
    assert merchant.members.get().user.username == "anne@chocolaterie.example"
    assert mail.outbox[0].to == ["anne@chocolaterie.example"]
    assert "confirmez" in mail.outbox[0].subject.lower()

    path = verification_link().split("8000", 1)[1]
    assert "Adresse e-mail confirmée" in client.get(path).content.decode()
    merchant.refresh_from_db()
    assert merchant.email_verified_at is not None

    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/backoffice/merchants/merchant/",
            {
                "action": "approve",
                "_selected_action": [merchant.pk],
                "confirm": "1",
                "commission_percent": "",
            },
        )
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.APPROVED
    assert merchant.default_commission_percent == Decimal("12.50")
    decision = merchant.decisions.get()
    assert (decision.action, decision.decided_by) == ("approve", operator)
    assert decision.decided_at is not None
    assert "La commission sur vos ventes est de 12,50 %." in mail.outbox[-1].body
    assert mail.outbox[-1].subject == "Étalage : Chocolaterie Test est approuvé"


def test_an_application_cannot_be_approved_before_the_email_is_confirmed(
    client, chocolate, operator
):
    from django.utils import translation

    apply(client, chocolate)
    with (
        translation.override("en"),
        pytest.raises(Exception, match="not verified its email"),
    ):
        merchant_approve(merchant=Merchant.objects.get(), operator=operator)


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"vat_number": "BE0417497106"}, "Numéro de TVA", "BE0403019261"),
        (
            {"enterprise_number": "0403019262"},
            "Numéro d&#x27;entreprise",
            "n&#x27;est pas",
        ),
        ({"iban": "BE71096123456768"}, "IBAN", "n&#x27;est pas un IBAN valide"),
        ({"bic": "KREDBEBB"}, "BIC", "GKCCBEBB"),
        ({"phone": "12345"}, "Téléphone", "numéro de téléphone"),
        ({"postal_code": "100"}, "Code postal", "4 chiffres"),
        ({"story_fr": ""}, "Histoire de la marque en français", "au moins une langue"),
        ({"password": "123"}, "Mot de passe", ""),
    ],
)
def test_a_wrong_answer_names_the_field_and_the_reason_and_saves_nothing(
    client, chocolate, changes, field, reason
):
    html = apply(client, chocolate, **changes).content.decode()
    summary = html[html.index('id="error-summary"') :]
    assert field.lower() in summary.lower()
    assert reason in summary
    assert not Merchant.objects.exists()
    assert not get_user_model().objects.filter(email__contains="chocolaterie").exists()
    assert not mail.outbox


def test_applying_twice_with_the_same_enterprise_number_is_refused(
    client, chocolate, catalogue
):
    apply(client, chocolate)
    html = apply(client, chocolate, email="other@example.com").content.decode()
    assert "Un marchand avec ce numéro d&#x27;entreprise existe" in html
    assert Merchant.objects.count() == 1


def test_a_tampered_verification_link_is_refused(client, chocolate):
    apply(client, chocolate)
    response = client.get("/fr/portal/verify/not-a-real-token/")
    assert response.status_code == 400
    assert "Ce lien n&#x27;est pas valide." in response.content.decode()
    assert Merchant.objects.get().email_verified_at is None


def test_the_operator_asks_for_more_information_rejects_and_suspends_with_reasons(
    client, chocolate, operator, catalogue, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    asked = catalogue.merchant(status="applied")
    rejected = catalogue.merchant(status="applied")
    suspended = catalogue.merchant(status="approved")
    shown = catalogue.product(merchant=suspended)
    for merchant in (asked, rejected, suspended):
        merchant.contact_email = f"{merchant.slug}@example.com"
        merchant.save()
    url = "/backoffice/merchants/merchant/"
    with django_capture_on_commit_callbacks(execute=True):
        form = client.post(url, {"action": "reject", "_selected_action": [rejected.pk]})
        assert "Reason, sent to the merchant in its language" in form.content.decode()
        client.post(
            url,
            {
                "action": "request_info",
                "_selected_action": [asked.pk],
                "confirm": "1",
                "message": "Send the latest statutes.",
            },
        )
        client.post(
            url,
            {
                "action": "reject",
                "_selected_action": [rejected.pk],
                "confirm": "1",
                "reason": "not_belgian",
                "note": "Your workshop is in Lille.",
            },
        )
        client.post(
            url,
            {
                "action": "suspend",
                "_selected_action": [suspended.pk],
                "confirm": "1",
                "reason": "Unpaid customs duties.",
            },
        )
    statuses = dict(Merchant.objects.values_list("pk", "status"))
    assert statuses[asked.pk] == "info_requested"
    assert statuses[rejected.pk] == "rejected"
    assert statuses[suspended.pk] == "suspended"
    messages = dict(MerchantDecision.objects.values_list("merchant_id", "message"))
    assert messages[asked.pk] == "Send the latest statutes."
    assert {m.to[0] for m in mail.outbox} == {
        f"{m.slug}@example.com" for m in (asked, rejected, suspended)
    }
    assert client.get(f"/p/{shown.slug}/").status_code == 404


def test_a_suspension_needs_a_reason_and_an_approved_merchant(catalogue, operator):
    from django.core.exceptions import ValidationError

    from etalage.merchants.services import merchant_suspend

    with pytest.raises(ValidationError, match="Only an approved merchant"):
        merchant_suspend(
            merchant=catalogue.merchant(status="applied"), operator=operator, reason="x"
        )
    with pytest.raises(ValidationError, match="why"):
        merchant_suspend(merchant=catalogue.merchant(), operator=operator, reason=" ")


def test_an_address_with_an_account_gets_no_second_one_and_the_page_says_nothing(
    client, chocolate, django_capture_on_commit_callbacks
):
    anne = "anne@chocolaterie.example"
    get_user_model().objects.create_user(anne, anne, "pw 123 long")
    with django_capture_on_commit_callbacks(execute=True):
        taken = apply(client, chocolate)
    other = {"email": "new@chocolaterie.example", "enterprise_number": "0403.170.701",
             "vat_number": "BE0403170701"}  # fmt: skip
    fresh = apply(client, chocolate, **other)
    assert taken.status_code == fresh.status_code == 200
    assert "anne@chocolaterie.example" in taken.content.decode()
    assert (
        Merchant.objects.filter(contact_email="anne@chocolaterie.example").count() == 0
    )
    (told,) = [m for m in mail.outbox if m.to == ["anne@chocolaterie.example"]]
    assert "qui a déjà un compte Étalage" in told.body  # in the applicant's language
    assert "&#x27;" not in told.body and "Quelqu'un" in told.body


def test_a_password_like_the_applicant_s_own_details_is_refused(client, chocolate):
    html = apply(
        client, chocolate, password="anne@chocolaterie.example"
    ).content.decode()
    assert "mot de passe" in html.lower() and Merchant.objects.count() == 0
