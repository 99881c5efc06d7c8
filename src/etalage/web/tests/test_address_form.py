"""The address form: province, city and district from the lists of division codes,
step by step without JavaScript too; a pasted line fills it; a default address."""

import re

import pytest

from etalage.customs.models import DeliveryAddress


@pytest.fixture
def buyer(shopping, client):
    buyer = shopping.buyer()
    client.force_login(buyer)
    return buyer


def selected(html, name):
    """The value the page's select ``name`` has chosen ("" for none)."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    return chosen.group(1) if chosen else ""


def options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="(\d+)"', select.group(1)) if select else []


def test_the_form_offers_the_31_provinces_and_no_city_before_one_is_chosen(
    client, buyer
):
    html = client.get("/account/addresses/new/").content.decode()
    assert len(options(html, "province")) == 31
    assert options(html, "city") == [] and options(html, "district") == []
    assert 'name="paste"' in html and 'hx-get="/account/addresses/regions/"' in html


def test_without_javascript_each_list_follows_the_one_chosen_before(client, buyer):
    new = "/en/account/addresses/new/"
    step = client.post(new, {"province": "440000", "choose": "1"}).content.decode()
    assert selected(step, "province") == "440000"
    assert "440300" in options(step, "city") and options(step, "district") == []
    step = client.post("/en/account/addresses/new/",
                       {"province": "440000", "city": "440300",
                        "choose": "1"}).content.decode()  # fmt: skip
    assert "440305" in options(step, "district")
    assert (
        not DeliveryAddress.objects.filter(user=buyer)
        .exclude(region_code="310115")
        .exists()
    )  # nothing saved by a step


def test_a_municipality_s_city_is_chosen_with_it(client):
    html = client.get("/en/account/addresses/regions/?province=310000").content.decode()
    assert selected(html, "city") == "310000"
    assert "310115" in options(html, "district")


def test_a_city_without_districts_is_the_last_step(client):
    html = client.get(
        "/en/account/addresses/regions/?province=440000&city=441900"
    ).content.decode()
    assert "This city has no districts" in html and options(html, "district") == []


def test_a_new_province_empties_the_city_and_district(client):
    html = client.get(
        "/en/account/addresses/regions/?province=110000&city=440300&district=440305"
    ).content.decode()
    assert selected(html, "city") == "110000" and selected(html, "district") == ""


def test_a_pasted_line_fills_the_form_in_chinese_and_saves_nothing(client, buyer):
    before = buyer.addresses.count()
    html = client.post(
        "/account/addresses/new/",
        {
            "paste": "张三 13812345678 广东省深圳市南山区深南大道10000号 518057",
            "fill": "1",
        },
    ).content.decode()
    assert (selected(html, "province"), selected(html, "city")) == ("440000", "440300")
    assert selected(html, "district") == "440305"
    assert 'value="张三"' in html and 'value="13812345678"' in html
    assert 'value="深南大道10000号"' in html and 'value="518057"' in html
    assert "已根据粘贴的文字填写" in html
    assert buyer.addresses.count() == before


def test_an_address_saved_from_the_lists_keeps_its_code_and_goes_back_to_checkout(
    client, buyer
):
    response = client.post(
        "/en/account/addresses/new/?next=checkout",
        {"recipient": "陈静", "phone": "13700001234", "province": "440000",
         "city": "441900", "district": "", "street": "长安镇振安中路 88 号",
         "postcode": "", "is_default": "on", "save": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    address = buyer.addresses.get(region_code="441900")
    assert response["Location"] == f"/en/checkout/?address={address.pk}"
    assert (address.city, address.district, address.is_default) == ("东莞市", "", True)


def test_a_city_with_districts_is_refused_without_one_naming_the_field(client, buyer):
    html = client.post(
        "/fr/account/addresses/new/",
        {"recipient": "陈静", "phone": "13700001234", "province": "440000",
         "city": "440300", "district": "", "street": "深南大道 1 号", "save": "1"},
    ).content.decode()  # fmt: skip
    assert "Choisissez l&#x27;étape suivante de l&#x27;adresse." in html
    assert not buyer.addresses.filter(city="深圳市").exists()


def test_an_address_is_changed_with_its_codes_shown_and_another_made_default(
    client, buyer
):
    first = buyer.addresses.get()  # 上海市 浦东新区, kept by names: its code found
    html = client.get(f"/en/account/addresses/{first.pk}/").content.decode()
    assert (selected(html, "city"), selected(html, "district")) == ("310000", "310115")
    client.post("/en/account/addresses/new/",
                {"recipient": "陈静", "phone": "13700001234", "province": "110000",
                 "city": "110000", "district": "110105", "street": "建国路 1 号",
                 "save": "1"})  # fmt: skip
    second = buyer.addresses.get(region_code="110105")
    assert not second.is_default
    account = client.get("/en/account/").content.decode()
    assert f'action="/en/account/addresses/{second.pk}/default/"' in account
    client.post(f"/en/account/addresses/{second.pk}/default/")
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_default and not first.is_default
