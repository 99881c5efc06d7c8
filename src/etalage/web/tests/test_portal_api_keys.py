import re

import pytest
from django.contrib.auth import get_user_model

from etalage.merchants.models import ApiKey, MerchantMember


@pytest.fixture
def owner_client(client, catalogue):
    merchant = catalogue.merchant("Maison")
    user = get_user_model().objects.create_user("owner")
    MerchantMember.objects.create(merchant=merchant, user=user, role="owner")
    client.force_login(user)
    client.merchant = merchant
    return client


def test_the_owner_creates_a_key_sees_it_once_and_it_works(owner_client):
    html = owner_client.post(
        "/en/portal/api-keys/", {"name": "ERP", "scopes": ["catalog:read"]}
    ).content.decode()
    plain = re.search(r'<code id="new-key">(etl_[^<]+)</code>', html).group(1)
    again = owner_client.get("/en/portal/api-keys/").content.decode()
    assert plain not in again
    assert ApiKey.objects.get().prefix in again
    response = owner_client.get(
        "/api/v1/merchant/products", headers={"Authorization": f"Bearer {plain}"}
    )
    assert response.status_code == 200


def test_the_owner_revokes_a_key(owner_client):
    owner_client.post(
        "/en/portal/api-keys/", {"name": "ERP", "scopes": ["catalog:read"]}
    )
    key = ApiKey.objects.get()
    owner_client.post("/en/portal/api-keys/", {"revoke": str(key.pk)})
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_a_key_needs_a_name_and_a_scope(owner_client):
    html = owner_client.post("/en/portal/api-keys/", {"name": ""}).content.decode()
    assert html.count('class="error"') == 2
    assert not ApiKey.objects.exists()


def test_only_the_owner_manages_keys_and_only_its_own(owner_client, catalogue):
    other = catalogue.merchant("Other")
    from etalage.merchants.api_keys import api_key_create

    theirs, _plain = api_key_create(
        merchant=other, name="Theirs", scopes=["catalog:read"], created_by=None
    )
    assert (
        owner_client.post(
            "/en/portal/api-keys/", {"revoke": str(theirs.pk)}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    staff = get_user_model().objects.create_user("packer")
    MerchantMember.objects.create(
        merchant=owner_client.merchant, user=staff, role="fulfilment"
    )
    owner_client.force_login(staff)
    assert owner_client.get("/en/portal/api-keys/").status_code == 403


def test_a_malformed_key_to_revoke_is_not_found(owner_client):
    response = owner_client.post("/en/portal/api-keys/", {"revoke": "not-a-key"})
    assert response.status_code == 404


def test_the_page_shows_how_to_send_the_key_placeholder_included(owner_client):
    html = owner_client.get("/en/portal/api-keys/").content.decode()
    assert "Authorization: Bearer &lt;key&gt;." in html
    # The brand's accessible name is the text it shows (WCAG 2.5.3).
    assert '<a class="brand" href="/en/portal/">' in html
