"""A delivery address pasted on one line, read into the form's fields. Pure.

Buyers copy addresses from chats and other shops in many shapes, in any order:

    张三 13812345678 上海市浦东新区世纪大道100号 200120
    收货人：李娜，手机号码：139-1234-5678，所在地区：广东省 深圳市 南山区，详细地址：…
    广东深圳南山区深南大道10000号 王小明 +86 159 1234 5678

The reading: labels (收货人:, 手机号码:, 所在地区:…) and a mainland mobile number
(+86, spaces and dashes allowed) are taken out, then a standalone six-digit postcode;
what is left is cut at commas, semicolons and spaces. The address starts at the
first piece where the divisions table reads a province, a city or a district
(``RegionTable.read``), and runs on to the end; the recipient is a name-like piece
before it, else the last piece after it when that one looks like a name and not
like part of a street. Whatever is not recognised is left for the buyer: nothing is
guessed (an ambiguous district without its city, such as 朝阳区, stays unchosen).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from etalage.addresses.regions import RegionMatch, RegionTable

_LABELS = re.compile(
    r"(?:收货人|收件人|联系人|姓名|名字|手机号码|手机号|手机|联系电话|电话号码|电话"
    r"|所在地区|所在地|地区|详细地址|收货地址|地址|邮政编码|邮编)\s*[:：]?"
)
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?!\d)")
_POSTCODE = re.compile(r"(?:^|(?<=[\s,;]))(\d{6})(?=$|[\s,;])")
_SEPARATORS = re.compile(r"[\s,;|/]+")
# Endings of a street, building or room, never of a person's name.
_PLACE_WORDS = re.compile(
    r"(?:号|路|街|道|巷|弄|村|镇|乡|里|苑|园|院|楼|栋|幢|座|室|层|单元|门|小区|大厦|"
    r"广场|中心|公寓|花园|城|区|县|市|省|站|仓|店)$"
)
_NAME = re.compile(r"[\u3400-\u9fff·•]{2,6}|[A-Za-z][A-Za-z .'-]{1,39}")


@dataclass(frozen=True, slots=True)
class PastedAddress:
    """What a pasted line says; empty where it does not say it."""

    recipient: str = ""
    phone: str = ""  # eleven digits
    region: RegionMatch | None = None  # the divisions read, as far as they go
    street: str = ""
    postcode: str = ""

    @property
    def region_code(self) -> str:
        path = self.region.path if self.region else None
        return path.code if path else ""


def _looks_like_name(piece: str) -> bool:
    return bool(_NAME.fullmatch(piece)) and not _PLACE_WORDS.search(piece)


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z.'-]*")


def _latin_words_joined(pieces: list[str]) -> list[str]:
    """Words in Latin letters next to each other as one piece (Anna Smith)."""
    joined: list[str] = []
    for piece in pieces:
        if (
            joined
            and _LATIN_WORD.fullmatch(piece)
            and _LATIN_WORD.fullmatch(joined[-1].rsplit(" ", 1)[-1])
        ):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def address_read(text: str, table: RegionTable) -> PastedAddress:
    """Read a pasted address (see the module): recipient, mobile, divisions,
    street and postcode, each empty when the line does not give it."""
    line = unicodedata.normalize("NFKC", text)
    line = line.replace("，", ",").replace("、", ",").replace("；", ";")
    line = _LABELS.sub(" ", line)
    phone = ""
    mobile = _MOBILE.search(line)
    if mobile:
        phone = re.sub(r"\D", "", mobile.group(1))
        line = f"{line[: mobile.start()]} {line[mobile.end() :]}"
    postcode = ""
    codes = list(_POSTCODE.finditer(line))
    if codes:
        last = codes[-1]
        postcode = last.group(1)
        line = f"{line[: last.start()]} {line[last.end() :]}"
    pieces = _latin_words_joined(
        [p for p in (p.strip(" -:") for p in _SEPARATORS.split(line)) if p]
    )

    start, match = len(pieces), None
    for index in range(len(pieces)):
        found = table.read(" ".join(pieces[index:]))
        if found.parts:
            start, match = index, found
            break
    before, after = pieces[:start], pieces[start:]
    recipient = next((p for p in before if _looks_like_name(p)), "")
    rest = " ".join(after)
    street_text = rest[match.end :] if match else rest
    street = _latin_words_joined(street_text.split())
    if not recipient and street and _looks_like_name(street[-1]) and len(street) > 1:
        recipient = street.pop()
    if match is None:  # no division named: the pieces before are the street too
        street = [p for p in before if p != recipient] + street
    return PastedAddress(
        recipient=recipient,
        phone=phone,
        region=match,
        street=" ".join(street),
        postcode=postcode,
    )
