"""The places behind customer codes: ``PB05...`` is the old province Tây Ninh.

The customer code's province part is the old (pre-2025) province (DOMAIN.md): the
provincial power companies kept their codes when provinces merged in 2025. Each old
province's places are its current wards with the old district and ward they come from
(the demo data and the importer's checks use them).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from bot.domain.places.names import bare_province
from bot.domain.places.sources import current_wards, mapping_rows

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


@functools.lru_cache(maxsize=1)
def southern_places() -> dict[str, tuple[Place, ...]]:
    """PB province part -> its places, sorted (old district, old ward, new ward)."""
    wards = current_wards()
    by_bare = {bare_province(province): province for province in wards}
    wanted = {_MAPPING_PROVINCE_ALIASES.get(name, name): pb for pb, name in PB_PROVINCES.items()}
    places: dict[str, set[Place]] = defaultdict(set)
    for row in mapping_rows():
        pb = wanted.get(row.old_province)
        if pb is None:
            continue
        province = by_bare.get(row.new_province)
        if province is None or row.new_ward not in wards[province]:
            continue
        places[pb].add(
            Place(pb, PB_PROVINCES[pb], row.old_district, row.old_ward, province, row.new_ward)
        )
    result = {
        pb: tuple(sorted(items, key=lambda p: (p.old_district, p.old_ward, p.ward)))
        for pb, items in places.items()
    }
    missing = [pb for pb in PB_PROVINCES if not result.get(pb)]
    if missing:
        raise RuntimeError(f"no places found for PB province(s) {', '.join(missing)}")
    return result
