"""Reading an address pasted on one line, as buyers copy them from chats."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from etalage.addresses.paste import address_read
from etalage.addresses.regions import CODE, regions

TABLE = regions()

# (line, recipient, phone, region code, street, postcode): shapes seen in chats,
# in Taobao's and JD's "copy address", in WeChat's address book.
LINES = [
    (
        "张三 13812345678 上海市浦东新区世纪大道100号 200120",
        "张三",
        "13812345678",
        "310115",
        "世纪大道100号",
        "200120",
    ),
    (
        "收货人：李娜，手机号码：139-1234-5678，"
        "所在地区：广东省 深圳市 南山区，详细地址：科技园南区8栋",
        "李娜",
        "13912345678",
        "440305",
        "科技园南区8栋",
        "",
    ),
    (
        "广东深圳南山区深南大道10000号 王小明 +86 159 1234 5678",
        "王小明",
        "15912345678",
        "440305",
        "深南大道10000号",
        "",
    ),
    (
        "张三，86-13812345678，上海 上海市 浦东新区 世纪大道100号 ，200120",
        "张三",
        "13812345678",
        "310115",
        "世纪大道100号",
        "200120",
    ),
    (
        "王小明,15912345678,江苏省 南京市 鼓楼区 中山路1号 邮编210000",
        "王小明",
        "15912345678",
        "320106",
        "中山路1号",
        "210000",
    ),
    (
        "13812345678 张三 浙江省杭州市西湖区文三路478号 310012",
        "张三",
        "13812345678",
        "330106",
        "文三路478号",
        "310012",
    ),
    (
        "Anna Smith 13800138000 北京市朝阳区建国路1号 3栋 201室",
        "Anna Smith",
        "13800138000",
        "110105",
        "建国路1号 3栋 201室",
        "",
    ),
    (
        "欧阳娜娜 18600001111 湖北省仙桃市沙嘴街道100号",
        "欧阳娜娜",
        "18600001111",
        "429004",
        "沙嘴街道100号",
        "",
    ),
    (
        "陈静 13700001234 广东省东莞市长安镇振安中路88号",
        "陈静",
        "13700001234",
        "441900",
        "长安镇振安中路88号",
        "",
    ),
    (
        "姓名：刘洋 电话：177 0000 1234 "
        "地址：新疆维吾尔自治区乌鲁木齐市天山区解放北路1号",
        "刘洋",
        "17700001234",
        "650102",
        "解放北路1号",
        "",
    ),
    (
        "杨磊；18912345678；内蒙古呼和浩特市新城区中山东路6号",
        "杨磊",
        "18912345678",
        "150102",
        "中山东路6号",
        "",
    ),
    (
        "北京市市辖区东城区东长安街1号 赵敏 13311112222",
        "赵敏",
        "13311112222",
        "110101",
        "东长安街1号",
        "",
    ),
    (
        "周杰 19912345678 吉林市船营区北京路5号",
        "周杰",
        "19912345678",
        "220204",
        "北京路5号",
        "",
    ),
    (
        "孙悟空 13512345678 广西壮族自治区南宁市青秀区民族大道100号 530022",
        "孙悟空",
        "13512345678",
        "450103",
        "民族大道100号",
        "530022",
    ),
    (
        "马丽 15012345678 重庆市渝中区解放碑步行街8号",
        "马丽",
        "15012345678",
        "500103",
        "解放碑步行街8号",
        "",
    ),
    (
        "黄蓉\t18812345678\t浙江省 舟山市 定海区 桃花岛1号",
        "黄蓉",
        "18812345678",
        "330902",
        "桃花岛1号",
        "",
    ),
    (
        "收件人: 郭靖 | 手机: 13612345678 | 地址: 上海 浦东 世纪大道100号",
        "郭靖",
        "13612345678",
        "310115",
        "世纪大道100号",
        "",
    ),
    (
        "林黛玉，15612345678，江苏省苏州市姑苏区平江路20号，215000",
        "林黛玉",
        "15612345678",
        "320508",
        "平江路20号",
        "215000",
    ),
]


@pytest.mark.parametrize("line, recipient, phone, code, street, postcode", LINES)
def test_a_pasted_line_fills_each_field(line, recipient, phone, code, street, postcode):
    read = address_read(line, TABLE)
    assert (
        read.recipient,
        read.phone,
        read.region_code,
        read.street,
        read.postcode,
    ) == (
        recipient,
        phone,
        code,
        street,
        postcode,
    )


def test_a_district_whose_name_is_not_unique_is_left_for_the_buyer_to_choose():
    read = address_read(
        "李四 13900139000 朝阳区建国路1号", TABLE
    )  # Beijing or Changchun
    assert read.region_code == "" and read.region is None
    assert (read.recipient, read.phone) == ("李四", "13900139000")
    assert read.street == "朝阳区建国路1号"  # nothing lost


def test_a_city_without_its_district_is_chosen_as_far_as_it_goes():
    read = address_read("王五 13800138000 广东省深圳市科技园", TABLE)
    assert read.region_code == ""
    assert (read.region.province.code, read.region.city.code) == ("440000", "440300")
    assert read.region.district is None and read.street == "科技园"


def test_a_line_without_an_address_gives_what_it_has():
    read = address_read("张三 13812345678", TABLE)
    assert (read.recipient, read.phone, read.region_code, read.street) == (
        "张三",
        "13812345678",
        "",
        "",
    )


PATHS = list(TABLE.paths())
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "欧阳娜娜", "司马光", "赵敏", "Li Wei"]
ROADS = ["中山路", "人民大道", "解放北路", "建设街", "文化巷", "学府路"]


@st.composite
def written(draw):
    """A real-shaped line for a random division, and what it should read as."""
    path = draw(st.sampled_from(PATHS))
    name = draw(st.sampled_from(NAMES))
    phone = (
        "1"
        + draw(st.sampled_from("3456789"))
        + draw(st.text("0123456789", min_size=9, max_size=9))
    )
    street = f"{draw(st.sampled_from(ROADS))}{draw(st.integers(1, 999))}号"
    province, city, district = path.names
    if draw(st.booleans()):
        province = path.province.short
    municipality = path.city.code == path.province.code
    parts = [province] + ([] if municipality and draw(st.booleans()) else [city])
    parts += [district] if district else []
    gap = draw(st.sampled_from(["", " "]))
    address = gap.join(parts) + draw(st.sampled_from(["", " "])) + street
    phone_text = draw(
        st.sampled_from(
            [phone, f"+86 {phone}", f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"]
        )
    )
    postcode = draw(st.sampled_from(["", "200120", "530022"]))
    pieces = [name, phone_text, address]
    order = draw(st.permutations(range(3)))
    pieces = [pieces[i] for i in order]
    separator = draw(st.sampled_from([" ", "，", ",", "  ", "\t", "；"]))
    line = separator.join(pieces) + (f" {postcode}" if postcode else "")
    return line, name, phone, path.code, street, postcode


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(written())
def test_any_division_pasted_in_any_order_reads_back(case):
    line, name, phone, code, street, postcode = case
    read = address_read(line, TABLE)
    assert read.region_code == code, line
    assert (read.recipient, read.phone, read.street, read.postcode) == (
        name,
        phone,
        street,
        postcode,
    ), line


@settings(max_examples=300)
@given(st.text(max_size=120))
def test_any_text_reads_without_failing_and_gives_only_well_formed_fields(text):
    read = address_read(text, TABLE)
    assert read.phone == "" or (len(read.phone) == 11 and read.phone.startswith("1"))
    assert read.postcode == "" or (len(read.postcode) == 6 and read.postcode.isdigit())
    if read.region_code:
        assert CODE.fullmatch(read.region_code) and TABLE.path(read.region_code)


@given(st.sampled_from(PATHS))
def test_a_division_written_in_full_reads_as_itself(path):
    assume(path.district is None or path.district.name not in path.city.name)
    found = TABLE.read(path.text() + "人民路1号")
    assert found.path == path
