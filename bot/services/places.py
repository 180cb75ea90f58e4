"""Place names customers use -> the current province and ward(s) they mean.

Since 01/07/2025 there are two levels (province, ward/commune) and many places were
merged or renamed; customers use old and new names, with or without diacritics. The
gazetteer here is built from two offline packages (the same sources as the NLU's
``places.json`` and the demo data):

* ``vietnam-provinces``: the current provinces and wards (spelling used in our tables,
  e.g. ``Thành phố Cần Thơ`` / ``Phường Tân An``);
* ``vietnam-address-converter``'s mapping table: each old (province, district, ward)
  and the current ward it went to.

:func:`resolve` takes an ``area`` entity value (components joined with ", ", e.g.
``Phường An Khánh, Ninh Kiều``) or free text and returns every current area that
matches: one (found), several (ambiguous: ask back, e.g. ``Phường 1``, ``Châu Thành``)
or none (unknown). Each candidate has a ``path``: text that resolves back to exactly
that candidate, for quick-reply buttons.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.nlu.core.diacritics import normalise_tone, strip_diacritics

# The current provinces of the southern corporation's area (the old southern provinces
# were all merged into these in 2025), spelled as in vietnam-provinces.
SOUTHERN_PROVINCES = (
    "Khánh Hòa", "Lâm Đồng", "Đồng Nai", "Thành phố Hồ Chí Minh", "Tây Ninh", "Đồng Tháp",
    "Vĩnh Long", "An Giang", "Thành phố Cần Thơ", "Cà Mau",
)  # fmt: skip

PROVINCE, DISTRICT, WARD = "province", "district", "ward"
_LEVEL_RANK = {WARD: 0, DISTRICT: 1, PROVINCE: 2}
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 14

# Type words as written in names (longest first), and the level they name.
_NAME_KINDS = (
    ("Thành phố", DISTRICT), ("Thị trấn", WARD), ("Thị xã", DISTRICT), ("Đặc khu", WARD),
    ("Phường", WARD), ("Quận", DISTRICT), ("Huyện", DISTRICT), ("Tỉnh", PROVINCE), ("Xã", WARD),
)  # fmt: skip
# Type words customers type (diacritic-free keys), and the levels they may name.
_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("thanh pho", (DISTRICT, PROVINCE)), ("thi tran", (WARD,)), ("thi xa", (DISTRICT,)),
    ("dac khu", (WARD,)), ("phuong", (WARD,)), ("quan", (DISTRICT,)), ("huyen", (DISTRICT,)),
    ("tinh", (PROVINCE,)), ("tp", (DISTRICT, PROVINCE)), ("tx", (DISTRICT,)), ("tt", (WARD,)),
    ("xa", (WARD,)), ("p", (WARD,)), ("q", (DISTRICT,)),
)  # fmt: skip
_FILLER_START = re.compile(
    r"^(?:(?:da|vang|ad|ad oi|em|anh|chi|tui|toi|minh|nha tui|nha toi|nha minh|nha em|nha|"
    r"o|tai|khu vuc|khu|thuoc|dia chi|dc|la)\s+)+"
)
_FILLER_END = re.compile(r"(?:\s+(?:a|nha|nhe|ak|ah|do|ne|ha|vay|z|luon|oi))+$")


@functools.lru_cache(maxsize=65536)
def accent_key(text: str) -> str:
    """Lower case, NFC, one tone placement (``hoà`` = ``hòa``), no punctuation, single
    spaces, numbers without leading zeros."""
    plain = re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFC", text).lower().replace("\u0110", "đ"))
    words = [str(int(w)) if w.isdigit() else normalise_tone(w) for w in plain.split()]
    return " ".join(words)


@functools.lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """:func:`accent_key` without diacritics: the key names are matched on."""
    return strip_diacritics(accent_key(text))


def split_kind(name: str) -> tuple[str, str]:
    """``"Phường An Khánh"`` -> (``"Phường"``, ``"An Khánh"``); case-insensitive."""
    for kind, _ in _NAME_KINDS:
        if name.lower().startswith(kind.lower() + " "):
            return kind, name[len(kind) + 1 :].strip()
    return "", name.strip()


def _level_of_kind(kind: str) -> str | None:
    return next((level for name, level in _NAME_KINDS if name == kind), None)


def _fix_case(name: str) -> str:
    kind, bare = split_kind(name)
    return f"{kind} {bare}" if kind else bare


def short_province(province: str) -> str:
    """``Thành phố Cần Thơ`` -> ``Cần Thơ``."""
    return split_kind(province)[1]


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Area:
    """Where a customer means: a current province and some of its current wards."""

    province: str  # current province, e.g. "Thành phố Cần Thơ"
    wards: tuple[str, ...]  # current wards, sorted; all of them for a whole province
    level: str  # what was named: province, district (old) or ward (old or new)
    label: str  # how to say it to the customer
    path: str  # text that resolves back to exactly this area
    title: str = ""  # a short button title, set among candidates
    whole_province: bool = False

    @property
    def single_ward(self) -> str | None:
        return self.wards[0] if len(self.wards) == 1 else None


@dataclass(frozen=True)
class Lookup:
    query: str
    areas: tuple[Area, ...]

    @property
    def found(self) -> Area | None:
        return self.areas[0] if len(self.areas) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.areas) > 1

    @property
    def unknown(self) -> bool:
        return not self.areas


@dataclass(frozen=True)
class _Unit:
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
    district: str = ""  # old district, for titles
    old_province: str = ""

    @property
    def key(self) -> str:
        return name_key(self.name)

    @property
    def typed_key(self) -> str:
        return f"{self.level}:{self.key}"

    def context_score(self, typed_key: str) -> int:
        return max((score for key, score in self.context if key == typed_key), default=0)


@dataclass
class _Gazetteer:
    by_key: dict[str, list[_Unit]] = field(default_factory=lambda: defaultdict(list))
    province_wards: dict[str, frozenset[str]] = field(default_factory=dict)

    def add(self, unit: _Unit) -> None:
        self.by_key[unit.key].append(unit)


# ------------------------------------------------------------------------ building


@functools.lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    from vietnam_address_converter.data import DEFAULT_DATA
    from vietnam_provinces import Province, Ward

    names = {p.code: p.name for p in Province.iter_all() if p.name in SOUTHERN_PROVINCES}
    wards: dict[str, set[str]] = defaultdict(set)
    for ward in Ward.iter_all():
        if ward.province_code in names:
            wards[names[ward.province_code]].add(ward.name)
    by_bare = {name_key(short_province(p)): p for p in names.values()}

    gaz = _Gazetteer()
    gaz.province_wards = {p: frozenset(w) for p, w in wards.items()}
    new_ward_context: dict[tuple[str, str], set[tuple[str, int]]] = defaultdict(set)
    old_districts: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # (old prov, district, new prov)
    old_wards: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    old_provinces: dict[tuple[str, str], set[str]] = defaultdict(set)

    for row in DEFAULT_DATA["mapping"]["rows"]:
        old, new = row["old"], row["new"]
        province = by_bare.get(name_key(short_province(new["province_name"])))
        if province is None:
            continue
        ward = _current_ward(_fix_case(new["ward_name"]), gaz.province_wards[province])
        if ward is None:
            continue
        old_province = short_province(old["province_name"]).replace("-", " - ")
        district = _fix_case(old["district_name"])
        old_ward = _fix_case(old["ward_name"])
        old_provinces[(old_province, province)].add(ward)
        old_districts[(old_province, district, province)].add(ward)
        if split_kind(old_ward)[1]:
            old_wards[(old_province, district, old_ward, province)].add(ward)
        new_ward_context[(province, ward)].update(
            {(f"{DISTRICT}:{name_key(split_kind(district)[1])}", 2),
             (f"{PROVINCE}:{name_key(old_province)}", 2)}
        )  # fmt: skip

    for province, items in gaz.province_wards.items():
        bare = short_province(province)
        gaz.add(_Unit(PROVINCE, "new", split_kind(province)[0] or "Tỉnh", bare, province, items, (),
                      path=province, label=_province_label(province)))  # fmt: skip
        own = (f"{PROVINCE}:{name_key(bare)}", 2)
        for ward in items:
            kind, name = split_kind(ward)
            context = {own, *new_ward_context[(province, ward)]}
            gaz.add(_Unit(WARD, "new", kind, name, province, frozenset({ward}), tuple(sorted(context)),
                          path=f"{ward}, {province}", label=f"{ward}, {province}"))  # fmt: skip

    for (old_province, province), items in old_provinces.items():
        if name_key(old_province) == name_key(short_province(province)):
            continue  # the same name as the current province: the current one is meant
        gaz.add(_Unit(PROVINCE, "old", "Tỉnh", old_province, province, frozenset(items),
                      ((f"{PROVINCE}:{name_key(short_province(province))}", 1),),
                      path=f"Tỉnh {old_province}",
                      label=f"tỉnh {old_province} cũ (nay thuộc {_province_label(province)})"))  # fmt: skip

    for (old_province, district, province), items in old_districts.items():
        kind, name = split_kind(district)
        gaz.add(_Unit(DISTRICT, "old", kind, name, province, frozenset(items),
                      _old_context(old_province, province),
                      path=f"{district}, {old_province}",
                      label=f"{district} cũ, {old_province} (nay thuộc {_province_label(province)})",
                      old_province=old_province))  # fmt: skip

    for (old_province, district, old_ward, province), items in old_wards.items():
        kind, name = split_kind(old_ward)
        context = (*_old_context(old_province, province), (f"{DISTRICT}:{name_key(split_kind(district)[1])}", 2))
        gaz.add(_Unit(WARD, "old", kind, name, province, frozenset(items), context,
                      path=f"{old_ward}, {district}, {old_province}",
                      label=f"{old_ward}, {district} cũ (nay là {_wards_label(items, province)})",
                      district=district, old_province=old_province))  # fmt: skip
    return gaz


def _current_ward(name: str, wards: frozenset[str]) -> str | None:
    if name in wards:
        return name
    lowered = name.lower()
    return next((w for w in wards if w.lower() == lowered), None)


def _old_context(old_province: str, province: str) -> tuple[tuple[str, int], ...]:
    own = f"{PROVINCE}:{name_key(old_province)}"
    current = f"{PROVINCE}:{name_key(short_province(province))}"
    return ((own, 2),) if own == current else ((own, 2), (current, 1))


def _province_label(province: str) -> str:
    return province if province.startswith("Thành phố") else f"tỉnh {province}"


def _wards_label(wards: Iterable[str], province: str) -> str:
    items = sorted(wards)
    if len(items) <= 2:
        return f"{' và '.join(items)}, {province}"
    return f"một phần {len(items)} phường/xã của {_province_label(province)}"


# ----------------------------------------------------------------------- resolving


def province_wards(province: str) -> frozenset[str]:
    """The current wards of a current southern province (empty if unknown)."""
    return _gazetteer().province_wards.get(province, frozenset())


def area_of_ward(province: str, ward: str) -> Area:
    """The area of one current ward (e.g. a customer's own ward)."""
    return Area(province, (ward,), WARD, f"{ward}, {province}", f"{ward}, {province}")


def resolve(text: str | None) -> Lookup:
    """Every current area ``text`` may mean (see the module docstring)."""
    query = (text or "").strip()
    if not query or len(query) > MAX_QUERY_CHARS or not any(c.isalnum() for c in query):
        return Lookup(query, ())
    for components in _readings(query):
        units = _match(components)
        if units:
            return Lookup(query, _as_areas(units))
    return Lookup(query, ())


def _readings(query: str) -> Iterable[list[tuple[tuple[str, ...] | None, str, str]]]:
    """Ways to cut the query into components: (levels hinted, key, accent key).

    As typed first; then without filler words ("nhà tui ở ...", "... ạ"); then, for
    free text without commas ("tan an can tho"), split before a trailing place name.
    """
    parts = [p for p in re.split(r"[,;\n]+", query) if p.strip()]
    seen = []
    for strip_fillers in (False, True):
        components = [c for part in parts for c in _split_part(part, strip_fillers)]
        if components and components not in seen:
            seen.append(components)
            yield components
    if len(parts) == 1 and seen and len(seen[-1]) == 1:
        hints, key, accent = seen[-1][0]
        words, accents = key.split(), accent.split()
        for cut in range(len(words) - 1, 0, -1):
            tail = " ".join(words[cut:])
            if tail in _gazetteer().by_key:
                head = (hints, " ".join(words[:cut]), " ".join(accents[:cut]))
                yield [head, (None, tail, " ".join(accents[cut:]))]


def _split_part(part: str, strip_fillers: bool) -> list[tuple[tuple[str, ...] | None, str, str]]:
    """One comma-separated part -> components, cut before each type word."""
    accents = _compact_numbers(accent_key(part).split())
    words = _compact_numbers(name_key(part).split())
    if strip_fillers:
        key = _FILLER_END.sub("", _FILLER_START.sub("", " ".join(words))).strip()
        accents = _align(accents, key.split())
        words = key.split()
    if not words or len(words) > MAX_QUERY_WORDS:
        return []
    pieces: list[tuple[tuple[str, ...] | None, list[int]]] = []
    i = 0
    while i < len(words):
        hint = _hint_at(words, i)
        if hint is not None and i + hint[0] < len(words):
            pieces.append((hint[1], []))
            i += hint[0]
            continue
        if not pieces:
            pieces.append((None, []))
        pieces[-1][1].append(i)
        i += 1
    return [
        (levels, " ".join(words[j] for j in indexes), " ".join(accents[j] for j in indexes))
        for levels, indexes in pieces
        if indexes
    ]


def _compact_numbers(words: list[str]) -> list[str]:
    """``p5`` -> ``p 5``, ``q1`` -> ``q 1``."""
    result = []
    for word in words:
        m = re.fullmatch(r"([pq])0*(\d{1,2})", word)
        result.extend([m.group(1), m.group(2)] if m else [word])
    return result


def _align(accent_words: list[str], key_words: list[str]) -> list[str]:
    """The accented word for each key word (fillers were cut from the front or end)."""
    plain = [name_key(w) for w in accent_words]
    for start in range(len(plain) - len(key_words) + 1):
        if plain[start : start + len(key_words)] == key_words:
            return accent_words[start : start + len(key_words)]
    return key_words


def _hint_at(words: list[str], i: int) -> tuple[int, tuple[str, ...]] | None:
    for hint, levels in _HINTS:
        parts = hint.split()
        if words[i : i + len(parts)] == parts:
            return len(parts), levels
    return None


def _candidates(levels: tuple[str, ...] | None, key: str, accent: str) -> list[_Unit]:
    units = _gazetteer().by_key.get(key, [])
    if levels is None:
        provinces = [u for u in units if u.level == PROVINCE]
        units = provinces or units  # a bare "Tây Ninh" is the province, not the old city
    elif levels == (DISTRICT, PROVINCE):
        cities = [u for u in units if u.level == DISTRICT and u.kind == "Thành phố"]
        units = cities or [u for u in units if u.level == PROVINCE]
    else:
        units = [u for u in units if u.level in levels]
    if accent and accent != key:  # typed with diacritics: prefer the exact spelling
        exact = [u for u in units if accent_key(u.name) == accent]
        units = exact or units
    return units


def _match(components: list[tuple[tuple[str, ...] | None, str, str]]) -> list[_Unit]:
    candidates = [_candidates(*c) for c in components]
    if not all(candidates):
        return []
    # The primary component: the most specific one (a ward before a district...).
    primary = min(range(len(components)), key=lambda i: (min(_LEVEL_RANK[u.level] for u in candidates[i]), i))
    scored = []
    for unit in candidates[primary]:
        score = 0
        for j, others in enumerate(candidates):
            if j == primary:
                continue
            best = max((unit.context_score(other.typed_key) for other in others), default=0)
            if best == 0:
                break
            score += best
        else:
            scored.append((score, unit))
    if not scored:
        return []
    top = max(score for score, _ in scored)
    units = [unit for score, unit in scored if score == top]
    new_provinces = {u.key for u in units if u.level == PROVINCE and u.era == "new"}
    return [u for u in units if not (u.level == PROVINCE and u.era == "old" and u.key in new_provinces)]


def _as_areas(units: list[_Unit]) -> tuple[Area, ...]:
    by_area: dict[tuple[str, frozenset[str]], _Unit] = {}
    for unit in sorted(units, key=lambda u: (u.era != "new", _LEVEL_RANK[u.level], u.path)):
        by_area.setdefault((unit.province, unit.wards), unit)
    chosen = list(by_area.values())
    titles = _titles(chosen) if len(chosen) > 1 else [""] * len(chosen)
    gaz = _gazetteer()
    areas = [
        Area(
            province=u.province,
            wards=tuple(sorted(u.wards)),
            level=u.level,
            label=u.label,
            path=u.path,
            title=title,
            whole_province=u.wards == gaz.province_wards.get(u.province),
        )
        for u, title in zip(chosen, titles, strict=True)
    ]
    return tuple(sorted(areas, key=lambda a: (a.title or a.label)))


def _titles(units: list[_Unit]) -> list[str]:
    """Short, distinct button titles: the name plus the least context that tells them apart."""
    def name(u: _Unit) -> str:
        return f"{u.kind} {u.name}".strip() + (" (cũ)" if u.era == "old" and u.level != PROVINCE else "")

    options = (
        lambda u: short_province(u.province),
        lambda u: split_kind(u.district)[1] if u.district else short_province(u.province),
        lambda u: f"{_short_district(u.district)}, {short_province(u.province)}" if u.district
        else short_province(u.province),
    )
    for option in options:
        titles = [f"{name(u)} – {option(u)}" for u in units]
        if len(set(titles)) == len(titles):
            return titles
    return [u.path for u in units]


def _short_district(district: str) -> str:
    kind, name = split_kind(district)
    short = {"Thành phố": "TP", "Thị xã": "TX", "Quận": "Q.", "Huyện": "H."}.get(kind, kind)
    return f"{short} {name}".strip()
