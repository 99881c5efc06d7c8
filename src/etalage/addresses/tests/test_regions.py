"""The divisions table: the snapshot in use, the form's three steps, and names read."""

import pytest

from etalage.addresses.regions import CODE, regions, regions_source, short_name


def test_the_table_is_the_ministry_s_snapshot_of_the_end_of_2025():
    source = regions_source()
    assert source.as_of == "2025-12-31" and source.table == "Xzqh20251231"
    assert "Civil Affairs" in source.authority


def test_mainland_china_has_31_provinces_and_hong_kong_macao_taiwan_are_left_out():
    provinces = regions().provinces()
    assert len(provinces) == 31
    assert {"北京市", "新疆维吾尔自治区", "海南省"} <= {p.name for p in provinces}
    assert not [p for p in provinces if p.code.startswith(("71", "81", "82"))]


def test_every_complete_choice_ends_at_a_six_digit_code_that_names_it_again():
    table = regions()
    assert len(table) > 2800
    for path in table.paths():
        assert CODE.fullmatch(path.code)
        assert table.path(path.code) == path
        assert path.city in table.cities(path.province.code)
        if path.district is not None:
            assert path.district in table.districts(path.city.code)


def test_a_municipality_is_its_own_city_and_its_districts_hang_under_it():
    table = regions()
    (city,) = table.cities("310000")
    assert (city.code, city.name) == ("310000", "上海市")
    pudong = table.path("310115")
    assert pudong.names == ("上海市", "上海市", "浦东新区")
    assert pudong.text() == "上海市浦东新区"


@pytest.mark.parametrize(
    "code, names",
    [
        ("441900", ("广东省", "东莞市", "")),  # a city without districts
        ("429004", ("湖北省", "仙桃市", "")),  # a city its province governs
        ("440305", ("广东省", "深圳市", "南山区")),
        ("650102", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区")),
    ],
)
def test_the_last_step_is_a_district_or_a_city_without_any(code, names):
    path = regions().path(code)
    assert path is not None and path.names == names and path.code == code


def test_a_province_or_a_city_with_districts_is_not_a_complete_choice():
    table = regions()
    assert table.path("440000") is None
    assert table.path("440300") is None
    assert table.path("000000") is None


@pytest.mark.parametrize(
    "name, short",
    [
        ("广西壮族自治区", "广西"),
        ("内蒙古自治区", "内蒙古"),
        ("新疆维吾尔自治区", "新疆"),
        ("延边朝鲜族自治州", "延边"),
        ("恩施土家族苗族自治州", "恩施"),
        ("巴音郭楞蒙古自治州", "巴音郭楞"),
        ("浦东新区", "浦东"),
        ("大兴安岭地区", "大兴安岭"),
        ("城区", "城区"),
    ],
)
def test_a_division_s_short_name_drops_its_kind(name, short):
    assert short_name(name) == short


@pytest.mark.parametrize(
    "province, city, district, code",
    [
        ("上海市", "上海市", "浦东新区", "310115"),
        ("上海", "", "浦东", "310115"),
        ("北京市", "市辖区", "朝阳区", "110105"),
        ("吉林省", "长春市", "朝阳区", "220104"),
        ("广东省", "东莞市", "", "441900"),
        (" 广东省 ", "深圳市", "南山区", "440305"),
    ],
)
def test_names_typed_in_three_fields_find_their_code(province, city, district, code):
    path = regions().by_names(province, city, district)
    assert path is not None and path.code == code


@pytest.mark.parametrize(
    "province, city, district",
    [
        ("上海市", "上海市", "南山区"),  # not a district of Shanghai
        ("Province X", "City Y", "District Z"),
        ("广东省", "深圳市", ""),  # Shenzhen has districts
    ],
)
def test_names_that_make_no_choice_find_none(province, city, district):
    assert regions().by_names(province, city, district) is None


def test_reading_stops_where_the_divisions_end():
    found = regions().read("广东省深圳市南山区深南大道10000号")
    assert found.path.code == "440305"
    assert "广东省深圳市南山区深南大道10000号"[found.end :] == "深南大道10000号"
