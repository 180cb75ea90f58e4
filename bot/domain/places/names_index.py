"""Every southern place name as customers write it, for finding places in a message.

The NLU's place finder (``bot.nlu.core.places``) matches these in the words of a
message; which current ward a name means is :mod:`.lookup`'s job. Current provinces
and wards, and the pre-2025 provinces, districts and wards of the southern area.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bot.domain.places.names import bare_province, split_kind
from bot.domain.places.sources import OLD_SOUTHERN_PROVINCES, SOUTHERN_PROVINCES, current_wards, mapping_rows


@dataclass(frozen=True)
class PlaceNames:
    provinces: tuple[str, ...]  # without their type: "Cần Thơ", "Bà Rịa - Vũng Tàu"
    districts: tuple[tuple[str, str], ...]  # (type, name): ("Quận", "Ninh Kiều")
    wards: tuple[tuple[str, str], ...]  # (type, name): ("Phường", "An Khánh")


@functools.lru_cache(maxsize=1)
def place_names() -> PlaceNames:
    """The names, sorted (built on first use and kept)."""
    provinces: set[str] = set()
    districts: set[tuple[str, str]] = set()
    wards: set[tuple[str, str]] = set()
    current = current_wards()
    for province in SOUTHERN_PROVINCES:
        provinces.add(bare_province(province))
        wards.update(split_kind(ward) for ward in current.get(province, ()))
    for row in mapping_rows():
        if row.old_province not in OLD_SOUTHERN_PROVINCES:
            continue
        provinces.add(row.old_province.replace("-", " - "))
        districts.add(split_kind(row.old_district))
        wards.add(split_kind(row.old_ward))
    return PlaceNames(
        provinces=tuple(sorted(provinces)),
        districts=tuple(sorted(d for d in districts if d[1])),
        wards=tuple(sorted(w for w in wards if w[1])),
    )
