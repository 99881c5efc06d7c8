"""The operator reviews an application on a read-only page and decides with its
buttons (approve, ask for more, reject with a reason); the merchant reads a reason
chosen from the list in its own language, and the operator's note as written."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from etalage.merchants.models import Merchant, MerchantMember

PAGE = "/backoffice/merchants/merchant/{}/change/"
DECIDE = "/backoffice/merchants/merchant/{}/decide/"


@pytest.fixture
def applicant(catalogue):
    """A Flemish producer's application, its email confirmed, and its owner."""
    merchant = catalogue.merchant(name="Pralines Peeters", status="applied")
    merchant.language, merchant.contact_email = "nl", "an@peeters.example"
    merchant.email_verified_at = timezone.now()
    merchant.iban = "BE71096123456769"
    merchant.save()
    owner = get_user_model().objects.create_user("an@peeters.example")
    MerchantMember.objects.create(merchant=merchant, user=owner, role="owner")
    return merchant


@pytest.fixture
def operator(client, db):
    user = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    client.force_login(user)
    return user


def test_an_application_is_read_not_edited_and_decided_with_buttons(
    client, operator, applicant
):
    page = client.get(PAGE.format(applicant.pk), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and "Application of Pralines Peeters" in html
    assert applicant.enterprise_number in html and "BE71096123456769" in html
    assert "kbopub.economie.fgov.be" in html  # to check the number at its source
    # No field to edit the application: only the three decisions' forms.
    assert 'name="name"' not in html and 'name="iban"' not in html
    assert html.count(f'action="{DECIDE.format(applicant.pk)}"') == 3
    for decision in ("approve", "request_info", "reject"):
        assert f'name="decision" value="{decision}"' in html
    # A change posted to the page as if it were a form changes nothing.
    client.post(PAGE.format(applicant.pk), {"name": "Changed", "iban": ""})
    applicant.refresh_from_db()
    assert (applicant.name, applicant.iban) == ("Pralines Peeters", "BE71096123456769")


def test_a_reason_from_the_list_reaches_the_merchant_in_its_language(
    client, operator, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            DECIDE.format(applicant.pk),
            {
                "decision": "reject",
                "reject-reason": "products",
                "reject-note": "Speculoos met alcohol: niet op de lijst.",
            },
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )
    assert "is rejected; it is told why by email" in done.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == "rejected"
    decision = applicant.decisions.get()
    assert (decision.reason, decision.message) == (
        "products",
        "Speculoos met alcohol: niet op de lijst.",
    )
    (email,) = mail.outbox
    assert "niet via grensoverschrijdende e-commerce aan China" in email.body
    assert "De opmerking van de beheerder, zoals geschreven:" in email.body
    assert "Speculoos met alcohol: niet op de lijst." in email.body
    # The portal tells the owner too, in the language it reads the portal in.
    client.force_login(applicant.members.get().user)
    french = client.get("/fr/portal/").content.decode()
    notice = french[french.index('id="decision"') :]
    assert "Votre candidature n'a pas été acceptée." in notice
    assert "ne peuvent pas être vendus en Chine" in notice
    assert "telle qu'il l'a écrite" in notice
    assert "Speculoos met alcohol: niet op de lijst." in notice  # as written
    assert "cannot be sold" not in french


def test_another_reason_needs_a_note_and_nothing_is_decided_without_one(
    client, operator, applicant
):
    page = client.post(
        DECIDE.format(applicant.pk),
        {"decision": "reject", "reject-reason": "other", "reject-note": " "},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert page.status_code == 400
    assert "Indiquez le motif au marchand." in page.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == "applied" and not applicant.decisions.exists()
    assert not mail.outbox


def test_approving_from_the_review_page_uses_the_default_commission(
    client, operator, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            DECIDE.format(applicant.pk),
            {"decision": "approve", "approve-commission_percent": ""},
        )
    applicant.refresh_from_db()
    assert applicant.status == "approved" and applicant.decisions.get().action == (
        "approve"
    )
    # Approved, the merchant's page is the back-office's usual form again.
    html = client.get(PAGE.format(applicant.pk)).content.decode()
    assert 'name="name"' in html


def test_an_application_whose_email_is_not_confirmed_cannot_be_approved(
    client, operator, applicant
):
    Merchant.objects.filter(pk=applicant.pk).update(email_verified_at=None)
    html = client.get(PAGE.format(applicant.pk), HTTP_ACCEPT_LANGUAGE="en")
    assert (
        "not verified yet: the application cannot be approved" in html.content.decode()
    )
    refused = client.post(
        DECIDE.format(applicant.pk),
        {"decision": "approve", "approve-commission_percent": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 400
    assert "has not verified its email address yet" in refused.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == "applied"


def test_staff_who_may_only_view_merchants_get_no_decision_buttons(client, applicant):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    viewer = get_user_model().objects.create_user("viewer", is_staff=True)
    # (a browser test in the same worker may have flushed the permissions' and the
    # content types' tables: the content types' cache would name a row gone)
    ContentType.objects.clear_cache()
    may_view, _created = Permission.objects.get_or_create(
        codename="view_merchant",
        content_type=ContentType.objects.get_for_model(Merchant),
        defaults={"name": "Can view merchant"},
    )
    viewer.user_permissions.add(may_view)
    client.force_login(viewer)
    html = client.get(PAGE.format(applicant.pk)).content.decode()
    assert "Pralines Peeters" in html and 'name="decision"' not in html
    assert (
        client.post(DECIDE.format(applicant.pk), {"decision": "approve"}).status_code
        == 403
    )
