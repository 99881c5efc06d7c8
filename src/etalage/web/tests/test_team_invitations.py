"""A merchant's owner invites people to the team by email; nobody joins a team
without accepting, signed in as the person invited, before the invitation expires."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from etalage.accounts.models import TeamInvitation
from etalage.merchants.models import MerchantMember

PASSWORD = "a quiet harbour 42"


@pytest.fixture(autouse=True)
def _mail_leaves_at_commit(monkeypatch):
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda callback, *a, **k: callback())


@pytest.fixture
def owner(client, catalogue):
    merchant = catalogue.merchant("Maison")
    merchant.contact_email = "contact@maison.example"
    merchant.language = "en"
    merchant.save()
    user = get_user_model().objects.create_user("owner@maison.example", password="pw")
    MerchantMember.objects.create(merchant=merchant, user=user, role="owner")
    client.force_login(user)
    client.merchant = merchant
    return client


@pytest.fixture
def anne(db):
    return get_user_model().objects.create_user(
        "anne@example.cn", "anne@example.cn", PASSWORD
    )


def invite(owner, email, role="fulfilment"):
    return owner.post("/en/portal/staff/", {"email": email, "role": role})


def link_in_last_email(to):
    message = [m for m in mail.outbox if m.to == [to]][-1]
    return re.search(r"http://[^/\s]+(/en/invitation/\S+/)", message.body).group(1)


def test_an_existing_account_is_not_added_without_its_consent(owner, anne):
    answer = invite(owner, "Anne@Example.cn")
    assert answer.status_code == 302
    assert not MerchantMember.objects.filter(user=anne).exists()
    assert link_in_last_email("anne@example.cn")
    page = owner.get("/en/portal/staff/").content.decode()
    assert "anne@example.cn" in page and "Waiting" in page


def test_the_invitee_accepts_signed_in_as_the_person_invited(owner, anne):
    invite(owner, "anne@example.cn")
    link = link_in_last_email("anne@example.cn")
    visitor = Client()
    assert "/en/login/?next=" in visitor.get(link).content.decode()
    assert not MerchantMember.objects.filter(user=anne).exists()
    visitor.force_login(anne)
    assert "Maison" in visitor.get(link).content.decode()
    accepted = visitor.post(link)
    assert accepted.status_code == 302 and accepted["Location"] == "/en/portal/"
    member = MerchantMember.objects.get(user=anne)
    assert member.merchant == owner.merchant and member.role == "fulfilment"
    assert visitor.post(link).status_code == 400  # a link works once
    assert "Waiting" not in owner.get("/en/portal/staff/").content.decode()


def test_another_account_cannot_accept_it(owner, anne):
    invite(owner, "anne@example.cn")
    link = link_in_last_email("anne@example.cn")
    intruder = Client()
    intruder.force_login(get_user_model().objects.create_user("bob@example.cn"))
    intruder.post(link)
    assert not MerchantMember.objects.exclude(role="owner").exists()


def test_an_expired_or_withdrawn_invitation_is_refused(owner, anne):
    invite(owner, "anne@example.cn")
    link = link_in_last_email("anne@example.cn")
    TeamInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    signed_in = Client()
    signed_in.force_login(anne)
    assert signed_in.post(link).status_code == 400
    invite(owner, "anne@example.cn")
    pending = TeamInvitation.objects.get(accepted_at=None, withdrawn_at=None)
    owner.post("/en/portal/staff/", {"withdraw": str(pending.pk)})
    assert signed_in.post(link_in_last_email("anne@example.cn")).status_code == 400
    assert not MerchantMember.objects.filter(user=anne).exists()


def test_a_newcomer_chooses_a_password_from_the_invitation(owner):
    invite(owner, "Packer@Maison.example")
    link = link_in_last_email("packer@maison.example")
    newcomer = Client()
    joined = newcomer.post(
        link, {"password": PASSWORD, "password_again": PASSWORD}, follow=True
    )
    assert joined.redirect_chain[-1][0] == "/en/portal/"
    assert "Fulfilment" in joined.content.decode()
    member = MerchantMember.objects.get(role="fulfilment")
    assert member.user.username == "packer@maison.example"
    assert member.user.check_password(PASSWORD)


def test_the_owner_learns_nothing_about_who_has_an_account(owner, catalogue, anne):
    other = catalogue.merchant("Other")
    busy = get_user_model().objects.create_user("busy@example.com", "busy@example.com")
    MerchantMember.objects.create(merchant=other, user=busy, role="owner")
    emails = ["busy@example.com", "anne@example.cn", "nobody@example.com"]
    answers = [invite(owner, email) for email in emails]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/en/portal/staff/")
    }
    link = link_in_last_email("busy@example.com")
    busy_client = Client()
    busy_client.force_login(busy)
    refused = busy_client.post(link).content.decode()
    assert "already has another role" in refused
    assert not owner.merchant.members.filter(user=busy).exists()
