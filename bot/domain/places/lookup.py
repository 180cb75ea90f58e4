"""Which current places a customer means: ``resolve("phường An Khánh, Ninh Kiều")``.

Since 01/07/2025 there are two levels (province, ward/commune) and many places were
merged or renamed; customers use old and new names, with or without diacritics.
:func:`resolve` takes an ``area`` entity value (components joined with ", ", e.g.
``Phường An Khánh, Ninh Kiều``) or free text and returns every current area that
matches: one (found), several (ambiguous: ask back, e.g. ``Phường 1``, ``Châu Thành``)
or none (unknown). Each candidate has a ``path``: text that resolves back to exactly
that candidate, for quick-reply buttons.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.places.index import Unit, gazetteer
from bot.domain.places.names import (
    DISTRICT,
    LEVEL_RANK,
    PROVINCE,
    WARD,
    accent_key,
    name_key,
    short_province,
    split_kind,
    tidy,
)
from bot.domain.text import strip_diacritics

MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 14

# Type words customers type (diacritic-free keys), and the levels they may name.
_HINTS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("thanh pho", (DISTRICT, PROVINCE), "Thành phố"),
    ("thi tran", (WARD,), "Thị trấn"),
    ("thi xa", (DISTRICT,), "Thị xã"),
    ("dac khu", (WARD,), "Đặc khu"),
    ("phuong", (WARD,), "Phường"),
    ("quan", (DISTRICT,), "Quận"),
    ("huyen", (DISTRICT,), "Huyện"),
    ("tinh", (PROVINCE,), ""),
    ("tp", (DISTRICT, PROVINCE), "Thành phố"),
    ("tx", (DISTRICT,), "Thị xã"),
    ("tt", (WARD,), "Thị trấn"),
    ("xa", (WARD,), "Xã"),
    ("p", (WARD,), "Phường"),
    ("q", (DISTRICT,), "Quận"),
)
_FILLER_START = re.compile(
    r"^(?:(?:da|vang|ad|ad oi|em|anh|chi|tui|toi|minh|nha tui|nha toi|nha minh|nha em|nha|"
    r"o|tai|khu vuc|khu|thuoc|dia chi|dc|la)\s+)+"
)
_FILLER_END = re.compile(r"(?:\s+(?:a|nha|nhe|ak|ah|do|ne|ha|vay|z|luon|oi))+$")




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
    group: str = ""  # the (old) province customers know it by, to narrow long lists

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





def province_wards(province: str) -> frozenset[str]:
    """The current wards of a current southern province (empty if unknown)."""
    return gazetteer().province_wards.get(province, frozenset())


def area_of_ward(province: str, ward: str) -> Area:
    """The area of one current ward (e.g. a customer's own ward)."""
    path = f"{ward}, {province}"
    return Area(province, (ward,), WARD, tidy(path), path, group=short_province(province))


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


def narrow(previous: str, answer: str) -> Lookup:
    """The customer was asked which ``previous`` (an ambiguous name) they meant and
    answered ``answer`` ("Tây Ninh", "TP Cà Mau"): the two together when that still
    matches, otherwise the answer alone."""
    combined = resolve(f"{previous}, {answer}")
    if not combined.unknown:
        return combined
    return resolve(answer)


def groups(areas: Iterable[Area]) -> list[tuple[str, str]]:
    """(title, path) per (old) province of the candidates, to narrow a long list."""
    seen: dict[str, str] = {}
    for area in areas:
        seen.setdefault(area.group, area.group)
    return sorted(seen.items())


Component = tuple["Hint | None", str, str]  # (type word typed, key, accent key)


@dataclass(frozen=True)
class Hint:
    levels: tuple[str, ...]
    kind: str  # "Phường", "Xã"...: preferred when names of several kinds match


def _readings(query: str) -> Iterable[list[Component]]:
    """Ways to cut the query into components.

    As typed first; then without filler words ("nhà tui ở ...", "... ạ"); then, for
    free text without commas ("tan an can tho"), split before a trailing place name.
    """
    parts = [p for p in re.split(r"[,;\n]+", query) if p.strip()]
    seen: list[list[Component]] = []
    for strip_fillers in (False, True):
        components = [c for part in parts for c in _split_part(part, strip_fillers)]
        if components and components not in seen:
            seen.append(components)
            yield components
    if len(parts) == 1 and seen and len(seen[-1]) == 1:
        hint, key, accent = seen[-1][0]
        words, accents = key.split(), accent.split()
        for cut in range(len(words) - 1, 0, -1):
            tail = " ".join(words[cut:])
            if tail in gazetteer().by_key:
                head = (hint, " ".join(words[:cut]), " ".join(accents[:cut]))
                yield [head, (None, tail, " ".join(accents[cut:]))]


def _split_part(part: str, strip_fillers: bool) -> list[Component]:
    """One comma-separated part -> components, cut before each type word."""
    accents = _compact_numbers(accent_key(part).split())
    words = _compact_numbers(name_key(part).split())
    if strip_fillers:
        key = _FILLER_END.sub("", _FILLER_START.sub("", " ".join(words))).strip()
        accents = _align(accents, key.split())
        words = key.split()
    if not words or len(words) > MAX_QUERY_WORDS:
        return []
    pieces: list[tuple[Hint | None, list[int]]] = []
    i = 0
    while i < len(words):
        found = _hint_at(words, i)
        if found is not None and i + found[0] < len(words):
            pieces.append((found[1], []))
            i += found[0]
            continue
        if not pieces:
            pieces.append((None, []))
        pieces[-1][1].append(i)
        i += 1
    return [
        (hint, " ".join(words[j] for j in indexes), " ".join(accents[j] for j in indexes))
        for hint, indexes in pieces
        if indexes
    ]


def _compact_numbers(words: list[str]) -> list[str]:
    """``p5`` -> ``p 5``, ``q1`` -> ``q 1``."""
    result = []
    for word in words:
        m = re.fullmatch(r"([pq])0*(\d{1,2})", word)
        result.extend([m.group(1), str(int(m.group(2)))] if m else [word])
    return result


def _align(accent_words: list[str], key_words: list[str]) -> list[str]:
    """The accented word for each key word (fillers were cut from the front or end)."""
    plain = [strip_diacritics(w) for w in accent_words]
    for start in range(len(plain) - len(key_words) + 1):
        if plain[start : start + len(key_words)] == key_words:
            return accent_words[start : start + len(key_words)]
    return key_words


def _hint_at(words: list[str], i: int) -> tuple[int, Hint] | None:
    for typed, levels, kind in _HINTS:
        parts = typed.split()
        if words[i : i + len(parts)] == parts:
            return len(parts), Hint(levels, kind)
    return None


def _candidates(hint: Hint | None, key: str, accent: str) -> list[Unit]:
    units = gazetteer().by_key.get(key, [])
    if hint is None:
        provinces = [u for u in units if u.level == PROVINCE]
        units = provinces or units  # a bare "Tây Ninh" is the province, not the old city
    elif hint.levels == (DISTRICT, PROVINCE):
        cities = [u for u in units if u.level == DISTRICT and u.kind == "Thành phố"]
        units = cities or [u for u in units if u.level == PROVINCE]
    else:
        units = [u for u in units if u.level in hint.levels]
        same_kind = [u for u in units if u.kind == hint.kind]
        units = same_kind or units  # "xã X" that is a phường now still matches
    if accent and accent != key:  # typed with diacritics: prefer the exact spelling
        exact = [u for u in units if u.accent == accent]
        units = exact or units
    return units


def _match(components: list[Component]) -> list[Unit]:
    candidates = [_candidates(*c) for c in components]
    if not all(candidates):
        return []
    # The primary component is the most specific one (a ward before a district...);
    # every other component must name a place that contains it.
    primary = min(range(len(components)), key=lambda i: (min(LEVEL_RANK[u.level] for u in candidates[i]), i))
    scored = []
    for unit in candidates[primary]:
        score, by_district = 0, False
        for j, others in enumerate(candidates):
            if j == primary:
                continue
            keys = [other.typed_key for other in others]
            best = max((unit.context_score(key) for key in keys), default=0)
            if best == 0:
                break
            score += best
            by_district = by_district or any(k.startswith(DISTRICT) and unit.context_score(k) for k in keys)
        else:
            scored.append((score, by_district, unit))
    if not scored:
        return []
    top = max(score for score, _, _ in scored)
    best = [(by_district, unit) for score, by_district, unit in scored if score == top]
    units = [unit for _, unit in best]
    current = {u.key for u in units if u.level == PROVINCE and u.era == "new"}
    units = [u for u in units if not (u.level == PROVINCE and u.era == "old" and u.key in current)]
    if len(components) > 1 and not any(by_district for by_district, _ in best):
        # "Phường Tân An, Cần Thơ": a ward of that name exists now in that province, so
        # the current one is meant (the old one is named with its district).
        new_wards = [u for u in units if u.level == WARD and u.era == "new"]
        units = new_wards or units
    return units


def _as_areas(units: list[Unit]) -> tuple[Area, ...]:
    by_area: dict[tuple[str, frozenset[str]], Unit] = {}
    for unit in sorted(units, key=lambda u: (u.era != "new", LEVEL_RANK[u.level], u.path)):
        by_area.setdefault((unit.province, unit.wards), unit)
    chosen = list(by_area.values())
    titles = _titles(chosen) if len(chosen) > 1 else [""] * len(chosen)
    gaz = gazetteer()
    areas = [
        Area(
            province=u.province,
            wards=tuple(sorted(u.wards)),
            level=u.level,
            label=u.label,
            path=u.path,
            title=title,
            whole_province=u.wards == gaz.province_wards.get(u.province),
            group=u.old_province or short_province(u.province),
        )
        for u, title in zip(chosen, titles, strict=True)
    ]
    return tuple(sorted(areas, key=lambda a: a.title or a.label))


def _titles(units: list[Unit]) -> list[str]:
    """Short, distinct button titles: the name plus the least context that tells them apart."""

    def name(u: Unit) -> str:
        old = u.era == "old" and u.level != PROVINCE
        return tidy(f"{u.kind} {u.name}") + (" cũ" if old else "")

    def near(u: Unit) -> str:
        if u.level == WARD and u.era == "old":
            return _short_district(u.district)
        if u.level == DISTRICT:
            return u.old_province
        return short_province(u.province) if u.level == WARD else ""

    def wide(u: Unit) -> str:
        inner = near(u)
        outer = short_province(u.province)
        return f"{inner}, {outer}" if inner and inner != outer else outer

    for where in (near, wide):
        titles = [f"{name(u)} – {where(u)}" if where(u) else name(u) for u in units]
        if len(set(titles)) == len(titles):
            return titles
    return [tidy(u.path) for u in units]


def _short_district(district: str) -> str:
    kind, name = split_kind(district)
    short = {"Thành phố": "TP", "Thị xã": "TX", "Quận": "Quận", "Huyện": "H."}.get(kind, kind)
    return f"{short} {name}".strip()
