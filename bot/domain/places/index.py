"""The gazetteer's index: every southern place customers name, old or new, by key.

A ``Unit`` is one name at one level and era (a current province or ward; an old
province, district or ward) with the current wards it covers and the enclosing names
that tell it apart ("Phường 1" of "Tây Ninh"). Built once, on first use, from
:mod:`.sources`; :mod:`.lookup` answers questions with it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.domain.places.names import (
    DISTRICT,
    PROVINCE,
    WARD,
    accent_key,
    name_key,
    province_label,
    short_province,
    split_kind,
    tidy,
)
from bot.domain.places.sources import current_ward, mapping_rows, southern_wards


@dataclass(frozen=True)
class Unit:
    level: str
    era: str  # "new" (current) or "old" (before 2025)
    kind: str
    name: str  # without its kind
    province: str  # current
    wards: frozenset[str]
    # Keys of enclosing units ("province:can tho", "district:ninh kieu") with how
    # telling a match on them is: 2 = the unit's own (old) district/province, 1 = only
    # the current province it now belongs to.
    context: tuple[tuple[str, int], ...]
    path: str
    label: str
    district: str = ""  # old district (old wards)
    old_province: str = ""  # old province (old wards and districts)
    key: str = field(init=False)
    accent: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", name_key(self.name))
        object.__setattr__(self, "accent", accent_key(self.name))

    @property
    def typed_key(self) -> str:
        return f"{self.level}:{self.key}"

    def context_score(self, typed_key: str) -> int:
        return max((score for key, score in self.context if key == typed_key), default=0)


@dataclass
class Gazetteer:
    by_key: dict[str, list[Unit]] = field(default_factory=lambda: defaultdict(list))
    province_wards: dict[str, frozenset[str]] = field(default_factory=dict)

    def add(self, unit: Unit) -> None:
        self.by_key[unit.key].append(unit)


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The index, built on first use (well under a second) and kept."""
    wards = southern_wards()
    by_bare = {name_key(short_province(p)): p for p in wards}

    gaz = Gazetteer()
    gaz.province_wards = dict(wards)
    new_ward_context: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)
    old_districts: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    old_wards: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    old_provinces: dict[tuple[str, str], set[str]] = defaultdict(set)

    for row in mapping_rows():
        province = by_bare.get(name_key(row.new_province))
        if province is None:
            continue
        ward = current_ward(row.new_ward, gaz.province_wards[province])
        if ward is None:
            continue
        old_province = row.old_province.replace("-", " - ")
        district = row.old_district
        old_ward = row.old_ward
        old_provinces[(old_province, province)].add(ward)
        old_districts[(old_province, district, province)].add(ward)
        if split_kind(old_ward)[1]:
            old_wards[(old_province, district, old_ward, province)].add(ward)
        # Where a current ward came from tells less than an old unit's own names (1, not 2).
        came_from = f"{DISTRICT}:{name_key(split_kind(district)[1])}", f"{PROVINCE}:{name_key(old_province)}"
        new_ward_context[(province, ward)].update((key, 1) for key in came_from)

    for province, items in gaz.province_wards.items():
        bare = short_province(province)
        kind = split_kind(province)[0] or "Tỉnh"
        gaz.add(
            Unit(
                PROVINCE,
                "new",
                kind,
                bare,
                province,
                items,
                (),
                province,
                province_label(province),
                old_province=bare,
            )
        )
        own = (f"{PROVINCE}:{name_key(bare)}", 2)
        for ward in items:
            kind, name = split_kind(ward)
            context = tuple(sorted({own, *new_ward_context[(province, ward)]}))
            path = f"{ward}, {province}"
            gaz.add(
                Unit(
                    WARD,
                    "new",
                    kind,
                    name,
                    province,
                    frozenset({ward}),
                    context,
                    path,
                    tidy(path),
                    old_province=bare,
                )
            )

    for (old_province, province), items in old_provinces.items():
        if name_key(old_province) == name_key(short_province(province)):
            continue  # the same name as the current province: the current one is meant
        context = ((f"{PROVINCE}:{name_key(short_province(province))}", 1),)
        label = f"tỉnh {old_province} cũ (nay thuộc {province_label(province)})"
        gaz.add(
            Unit(
                PROVINCE,
                "old",
                "Tỉnh",
                old_province,
                province,
                frozenset(items),
                context,
                f"Tỉnh {old_province}",
                label,
                old_province=old_province,
            )
        )

    for (old_province, district, province), items in old_districts.items():
        kind, name = split_kind(district)
        label = f"{district} cũ, {old_province} (nay thuộc {province_label(province)})"
        gaz.add(
            Unit(
                DISTRICT,
                "old",
                kind,
                name,
                province,
                frozenset(items),
                _old_context(old_province, province),
                f"{district}, {old_province}",
                label,
                district=district,
                old_province=old_province,
            )
        )

    for (old_province, district, old_ward, province), items in old_wards.items():
        kind, name = split_kind(old_ward)
        district_key = (f"{DISTRICT}:{name_key(split_kind(district)[1])}", 2)
        label = f"{old_ward}, {district} cũ (nay là {_wards_label(items, province)})"
        gaz.add(
            Unit(
                WARD,
                "old",
                kind,
                name,
                province,
                frozenset(items),
                (*_old_context(old_province, province), district_key),
                f"{old_ward}, {district}, {old_province}",
                label,
                district=district,
                old_province=old_province,
            )
        )
    return gaz


def _old_context(old_province: str, province: str) -> tuple[tuple[str, int], ...]:
    own = f"{PROVINCE}:{name_key(old_province)}"
    current = f"{PROVINCE}:{name_key(short_province(province))}"
    return ((own, 2),) if own == current else ((own, 2), (current, 1))


def _wards_label(wards: Iterable[str], province: str) -> str:
    items = sorted(tidy(w) for w in wards)
    if len(items) <= 2:
        return f"{' và '.join(items)}, {province}"
    return f"một phần {len(items)} phường/xã của {province_label(province)}"
