"""The slice of the gazetteer the demo data uses: southern wards, old and new names.

Current (2025) province and ward names come from the ``vietnam-provinces`` package;
the old province / district / ward each current ward came from, from the mapping
table shipped in ``vietnam-address-converter`` (both offline, pinned versions, so the
result is the same on every machine). A ward of the mapping whose new name is not in
``vietnam-provinces`` (spelling variants) is left out.

The customer code's province part (``PB05...``) is the old province (DOMAIN.md): the
provincial power companies kept their codes when provinces merged in 2025.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

# PB province part -> the old (pre-2025) province, as in DOMAIN.md.
PB_PROVINCES: dict[str, str] = {
    "01": "Bình Phước",
    "02": "Bình Thuận",
    "03": "Lâm Đồng",
    "04": "Bình Dương",
    "05": "Tây Ninh",
    "06": "Long An",
    "07": "Đồng Tháp",
    "08": "Tiền Giang",
    "09": "Bến Tre",
    "10": "Vĩnh Long",
    "11": "Cần Thơ",
    "12": "An Giang",
    "13": "Kiên Giang",
    "14": "Cà Mau",
    "15": "Bà Rịa–Vũng Tàu",
    "16": "Trà Vinh",
    "17": "Sóc Trăng",
    "18": "Ninh Thuận",
    "19": "Bạc Liêu",
}

# The mapping table's spelling of some old province names.
_MAPPING_PROVINCE_ALIASES = {"Bà Rịa–Vũng Tàu": "Bà Rịa-Vũng Tàu"}

_PREFIXES = re.compile(r"^(Tỉnh|Thành [Pp]hố)\s+")
_CASE_FIXES = (
    ("Thành Phố ", "Thành phố "),
    ("Thị Xã ", "Thị xã "),
    ("Thị Trấn ", "Thị trấn "),
    ("Đặc Khu ", "Đặc khu "),
)


@dataclass(frozen=True)
class Place:
    """A current ward with the old ward it (partly) comes from."""

    pb: str  # PB province part, e.g. "05"
    old_province: str  # e.g. "Tây Ninh"
    old_district: str  # e.g. "Thành phố Tây Ninh"
    old_ward: str  # e.g. "Phường 1"
    province: str  # current province, vietnam-provinces spelling, e.g. "Tây Ninh"
    ward: str  # current ward/commune, e.g. "Phường Tân Ninh"

    @property
    def ward_short(self) -> str:
        """The ward's name without its type: "Phường Tân Ninh" -> "Tân Ninh"."""
        return re.sub(r"^(Phường|Xã|Thị trấn|Đặc khu)\s+", "", self.ward)

    @property
    def is_urban(self) -> bool:
        return self.ward.startswith("Phường")


# The fixture customers' places (issue 3, DOMAIN.md "Places and time").
FIXTURE_PLACES: dict[str, Place] = {
    "05": Place("05", "Tây Ninh", "Thành phố Tây Ninh", "Phường 1", "Tây Ninh", "Phường Tân Ninh"),
    "11": Place("11", "Cần Thơ", "Quận Ninh Kiều", "Phường An Khánh", "Thành phố Cần Thơ", "Phường Tân An"),
    "14": Place("14", "Cà Mau", "Thành phố Cà Mau", "Phường 5", "Cà Mau", "Phường Tân Thành"),
}


def _fix_case(name: str) -> str:
    for wrong, right in _CASE_FIXES:
        if name.startswith(wrong):
            return right + name[len(wrong) :]
    return name


def _bare(province: str) -> str:
    return _PREFIXES.sub("", province).strip()


@functools.lru_cache(maxsize=1)
def current_wards() -> dict[str, frozenset[str]]:
    """Current province name -> its ward/commune names (vietnam-provinces)."""
    from vietnam_provinces import Province, Ward

    names = {province.code: province.name for province in Province.iter_all()}
    wards: dict[str, set[str]] = defaultdict(set)
    for ward in Ward.iter_all():
        wards[names[ward.province_code]].add(ward.name)
    return {province: frozenset(items) for province, items in wards.items()}


@functools.lru_cache(maxsize=1)
def southern_places() -> dict[str, tuple[Place, ...]]:
    """PB province part -> its places, sorted (old district, old ward, new ward)."""
    from vietnam_address_converter.data import DEFAULT_DATA

    wards = current_wards()
    by_bare = {_bare(province): province for province in wards}
    wanted = {_MAPPING_PROVINCE_ALIASES.get(name, name): pb for pb, name in PB_PROVINCES.items()}
    places: dict[str, set[Place]] = defaultdict(set)
    for row in DEFAULT_DATA["mapping"]["rows"]:
        old, new = row["old"], row["new"]
        pb = wanted.get(_bare(old["province_name"]))
        if pb is None:
            continue
        province = by_bare.get(_bare(new["province_name"]))
        ward = _fix_case(new["ward_name"])
        if province is None or ward not in wards[province]:
            continue
        places[pb].add(
            Place(
                pb=pb,
                old_province=PB_PROVINCES[pb],
                old_district=_fix_case(old["district_name"]),
                old_ward=_fix_case(old["ward_name"]),
                province=province,
                ward=ward,
            )
        )
    result = {
        pb: tuple(sorted(items, key=lambda p: (p.old_district, p.old_ward, p.ward)))
        for pb, items in places.items()
    }
    missing = [pb for pb in PB_PROVINCES if not result.get(pb)]
    if missing:
        raise RuntimeError(f"no places found for PB province(s) {', '.join(missing)}")
    for pb, place in FIXTURE_PLACES.items():
        if place not in result[pb]:
            raise RuntimeError(f"fixture place {place} is not in the gazetteer data")
    return result


# ------------------------------------------------------------------ street names

STREETS = (
    "Đường 30 Tháng 4",
    "Đường Cách Mạng Tháng Tám",
    "Đường Trần Hưng Đạo",
    "Đường Nguyễn Trãi",
    "Đường Lê Lợi",
    "Đường Hùng Vương",
    "Đường Nguyễn Văn Cừ",
    "Đường 3 Tháng 2",
    "Đường Lý Thường Kiệt",
    "Đường Nguyễn Thị Minh Khai",
    "Đường Phan Đình Phùng",
    "Đường Trần Phú",
    "Đường Võ Văn Kiệt",
    "Đường Mậu Thân",
    "Đường Lê Hồng Phong",
    "Đường Nguyễn Huệ",
)
HAMLETS = ("Ấp", "Khóm", "Khu phố")
