"""The two offline packages the gazetteer is built from, read once.

* ``vietnam-provinces``: the current (2025) provinces and their wards/communes;
* ``vietnam-address-converter``'s mapping table: each old (province, district, ward)
  and the current (province, ward) it went to (its slow converter index is never built).

Both are pinned, so every machine builds the same gazetteer. Nothing here runs on
import: the first call reads the packages (well under a second) and the result is kept.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from bot.domain.places.names import bare_province, fix_case

# The current provinces of the southern corporation's area (the old southern provinces
# were all merged into these in 2025), spelled as in vietnam-provinces.
SOUTHERN_PROVINCES = (
    "Khánh Hòa",
    "Lâm Đồng",
    "Đồng Nai",
    "Thành phố Hồ Chí Minh",
    "Tây Ninh",
    "Đồng Tháp",
    "Vĩnh Long",
    "An Giang",
    "Thành phố Cần Thơ",
    "Cà Mau",
)
# The pre-2025 provinces customers still name, as the mapping table spells them.
OLD_SOUTHERN_PROVINCES = frozenset({
    "An Giang", "Bình Thuận", "Đắk Nông", "Lâm Đồng", "Bình Dương", "Trà Vinh",
    "Bà Rịa-Vũng Tàu", "Hồ Chí Minh", "Đồng Tháp", "Long An", "Tiền Giang", "Cần Thơ",
    "Bến Tre", "Ninh Thuận", "Bình Phước", "Bạc Liêu", "Đồng Nai", "Hậu Giang",
    "Kiên Giang", "Sóc Trăng", "Cà Mau", "Vĩnh Long", "Tây Ninh", "Khánh Hòa",
})


@dataclass(frozen=True)
class MappingRow:
    """One line of the 2025 reorganisation: an old ward and the current ward it went to."""

    old_province: str  # without "Tỉnh"/"Thành phố", as the table spells it: "Bà Rịa-Vũng Tàu"
    old_district: str  # with its type: "Quận Ninh Kiều"
    old_ward: str  # with its type: "Phường An Khánh" (may be empty in the table)
    new_province: str  # without "Tỉnh"/"Thành phố": "Cần Thơ"
    new_ward: str  # with its type, case fixed: "Phường Tân An"


@functools.lru_cache(maxsize=1)
def current_wards() -> dict[str, frozenset[str]]:
    """Every current province (vietnam-provinces spelling) -> its wards/communes."""
    from vietnam_provinces import Province, Ward

    names = {province.code: province.name for province in Province.iter_all()}
    wards: dict[str, set[str]] = defaultdict(set)
    for ward in Ward.iter_all():
        wards[names[ward.province_code]].add(ward.name)
    return {province: frozenset(items) for province, items in wards.items()}


@functools.lru_cache(maxsize=1)
def mapping_rows() -> tuple[MappingRow, ...]:
    """Every row of the reorganisation table, names tidied."""
    from vietnam_address_converter.data import DEFAULT_DATA

    return tuple(
        MappingRow(
            old_province=bare_province(row["old"]["province_name"]),
            old_district=fix_case(row["old"]["district_name"]),
            old_ward=fix_case(row["old"]["ward_name"]),
            new_province=bare_province(row["new"]["province_name"]),
            new_ward=fix_case(row["new"]["ward_name"]),
        )
        for row in DEFAULT_DATA["mapping"]["rows"]
    )


def southern_wards() -> dict[str, frozenset[str]]:
    """The southern current provinces -> their wards."""
    wards = current_wards()
    return {province: wards[province] for province in SOUTHERN_PROVINCES if province in wards}


def current_ward(name: str, wards: frozenset[str]) -> str | None:
    """The current ward spelled ``name`` up to case and spacing, as the package spells it."""
    if name in wards:
        return name
    lowered = " ".join(name.lower().split())
    return next((w for w in wards if " ".join(w.lower().split()) == lowered), None)
