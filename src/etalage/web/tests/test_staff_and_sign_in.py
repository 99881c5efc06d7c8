import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from etalage.merchants.models import MerchantMember


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


# Invitations (a link the person invited accepts): test_team_invitations.


def test_the_owner_removes_a_member_but_not_the_last_owner(owner):
    helper = get_user_model().objects.create_user("helper")
    member = MerchantMember.objects.create(
        merchant=owner.merchant, user=helper, role="finance"
    )
    owner.post("/en/portal/staff/", {"remove": str(member.pk)})
    assert not MerchantMember.objects.filter(pk=member.pk).exists()
    me = MerchantMember.objects.get(role="owner")
    html = owner.post("/en/portal/staff/", {"remove": str(me.pk)}).content.decode()
    assert "You cannot remove yourself." in html


def test_only_owners_manage_the_team_and_only_their_own(owner, catalogue):
    other = catalogue.merchant("Other")
    stranger = get_user_model().objects.create_user("stranger")
    theirs = MerchantMember.objects.create(
        merchant=other, user=stranger, role="finance"
    )
    assert (
        owner.post("/en/portal/staff/", {"remove": str(theirs.pk)}).status_code == 404
    )
    assert MerchantMember.objects.filter(pk=theirs.pk).exists()
    clerk = get_user_model().objects.create_user("clerk")
    MerchantMember.objects.create(merchant=owner.merchant, user=clerk, role="catalogue")
    owner.force_login(clerk)
    assert owner.get("/en/portal/staff/").status_code == 403


@pytest.mark.parametrize(
    ("url", "fields"),
    [("/en/login/", {}), ("/backoffice/login/", {"next": "/backoffice/"})],
)
def test_sign_in_pauses_after_five_failures_even_with_the_right_password(
    client, markets, url, fields
):
    cache.clear()
    get_user_model().objects.create_user("anne", password="right", is_staff=True)
    for _ in range(5):
        client.post(url, {"username": "anne", "password": "wrong", **fields})
    response = client.post(url, {"username": "anne", "password": "right", **fields})
    assert (
        "Too many failed attempts. Try again in 15 minutes."
        in response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_a_malformed_member_to_remove_is_not_found(owner):
    assert owner.post("/en/portal/staff/", {"remove": "abc"}).status_code == 404


@pytest.mark.parametrize(
    ("prefix", "said"),
    [
        ("/en", "No account has this email address, mobile number or user name"),
        ("", "手机号或用户名与该密码"),
    ],
)
def test_a_wrong_sign_in_names_what_one_signs_in_with(client, markets, prefix, said):
    get_user_model().objects.create_user("13800138000", password="the right one")
    page = client.post(
        f"{prefix}/login/", {"username": "13800138000", "password": "a wrong one"}
    ).content.decode()
    assert said in page and "correct username" not in page
