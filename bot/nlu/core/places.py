"""Place mentions in a message: province, district and ward names, old and new.

A place mention is a chain of components such as ``Phường An Khánh, Quận Ninh Kiều,
Cần Thơ``. Province names are recognised on their own; district and ward names need
their type word (``phường``, ``p.``, ``quận``, ``q``, ``huyện``, ``xã``, ``tp`` ...)
or a locative before them (``ở``, ``tại``, ``khu vực``), or to follow another component
of the chain, because many of them are ordinary words (``Hòa Bình``, ``Thành Công``).
The value of a mention is its components in canonical spelling, joined with ", ".
The names are the places gazetteer's (``bot.domain.places.place_names``); other
names customers use (Sài Gòn, Vũng Tàu) and locative words are in ``place_aliases.yml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.domain.places import PlaceNames, place_names
from bot.nlu.core.coverage import Coverage
from bot.nlu.core.phrases import PhraseTable, Word
from bot.nlu.core.resources import PLACE_ALIASES_FILE, load_yaml
from bot.nlu.core.text import canonical

WARD, DISTRICT, PROVINCE = "ward", "district", "province"

# Type words (normalised; the teencode step already turned tp/tx into words).
_TYPE_WORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "phường": ("Phường", (WARD,)),
    "p": ("Phường", (WARD,)),
    "xã": ("Xã", (WARD,)),
    "thị trấn": ("Thị trấn", (WARD,)),
    "đặc khu": ("Đặc khu", (WARD,)),
    "quận": ("Quận", (DISTRICT,)),
    "q": ("Quận", (DISTRICT,)),
    "huyện": ("Huyện", (DISTRICT,)),
    "thị xã": ("Thị xã", (DISTRICT,)),
    "thành phố": ("Thành phố", (DISTRICT, PROVINCE)),  # TP Tây Ninh: the old city
    "tỉnh": ("Tỉnh", (PROVINCE,)),
}
_STRICT_TYPE_WORDS = {"p", "q"}  # bare letters only as typed
_SHORT_ANSWER_EXTRA_WORDS = 2  # "Long Xuyên nha": a bare name as the whole answer


@dataclass(frozen=True)
class Component:
    first: int  # word indices, inclusive
    last: int
    text: str  # canonical spelling, e.g. "Phường An Khánh" or "Cần Thơ"


class Gazetteer:
    def __init__(self, places: PlaceNames, aliases: dict) -> None:
        self._types = PhraseTable()
        for word, payload in _TYPE_WORDS.items():
            self._types.add(word, payload, strict=word in _STRICT_TYPE_WORDS)
        self._names = {PROVINCE: PhraseTable(), DISTRICT: PhraseTable(), WARD: PhraseTable()}
        self._kinds: dict[tuple[str, str], set[str]] = {}
        for name in places.provinces:
            self._add(PROVINCE, name, name, "")
        for alias, name in (aliases.get("provinces") or {}).items():
            self._add(PROVINCE, str(alias), str(name), "")
        for level, rows in ((DISTRICT, places.districts), (WARD, places.wards)):
            for kind, name in rows:
                self._add(level, name, name, kind)
        self._longest_name = max(t.max_length for t in self._names.values())
        self._locatives = PhraseTable()
        self._locatives.add_all(aliases.get("locatives") or [])
        # names that, typed bare and without their type word, are ordinary words
        self._needs_type = {canonical(str(n)) for n in aliases.get("needs_type_word") or []}

    def _add(self, level: str, phrase: str, name: str, kind: str) -> None:
        self._names[level].add(phrase, name, strict=len(canonical(phrase).split()) == 1)
        self._kinds.setdefault((level, name), set()).add(kind)

    def find(self, words: list[Word], text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
        """(start, end, value) of each place mention, offsets in the normalised text."""
        mentions: list[list[Component]] = []
        covered = Coverage(len(text), taken)
        i = 0
        while i < len(words):
            if covered.overlaps(words[i].start, words[i].end):
                i += 1
                continue
            chained = bool(mentions) and _adjacent(text, words, mentions[-1][-1].last, i)
            component = self._component(words, i, chained)
            if component is None:
                i += 1
                continue
            if chained:
                mentions[-1].append(component)
            else:
                mentions.append([component])
            i = component.last + 1
        return [
            (words[m[0].first].start, words[m[-1].last].end, ", ".join(c.text for c in m))
            for m in mentions
        ]

    def _component(self, words: list[Word], i: int, chained: bool) -> Component | None:
        typed = self._types.match_at(words, i)
        if typed is not None and typed.last + 1 < len(words):
            label, levels = typed.payload
            j = typed.last + 1
            if words[j].text.isdecimal() and len(words[j].text) <= 2 and levels != (PROVINCE,):
                return Component(i, j, f"{label} {int(words[j].text)}")
            for level in levels:
                name = self._best_name(level, words, j)
                if level == DISTRICT and name is not None and label not in self._kinds.get(
                    (DISTRICT, name.payload), ()
                ) and PROVINCE in levels:
                    continue  # "thành phố Cần Thơ" is the province
                if name is not None:
                    text = name.payload if level == PROVINCE else f"{label} {name.payload}"
                    return Component(i, name.last, text)
        compact = self._compact_number(words[i])
        if compact:
            return Component(i, i, compact)
        province = self._names[PROVINCE].match_at(words, i)
        if province is not None:
            return Component(i, province.last, province.payload)
        after_locative = i > 0 and any(
            (m := self._locatives.match_at(words, k)) is not None and m.last == i - 1
            for k in range(max(0, i - 2), i)
        )
        if chained or after_locative or i == 0:
            found = [
                (level, name)
                for level in (DISTRICT, WARD)
                if (name := self._names[level].match_at(words, i)) is not None
                and name.last > name.first  # two syllables or more
                and " ".join(w.text for w in words[name.first : name.last + 1]) not in self._needs_type
            ]
            if found and not (chained or after_locative):
                # at the start, a bare name must be the whole answer ("Long Xuyên nha")
                found = [(lv, n) for lv, n in found if _only_particles_after(words, n.last)]
            if found:
                last = max(name.last for _, name in found)
                longest = [(level, name) for level, name in found if name.last == last]
                return Component(i, last, self._with_kind(longest))
        return None

    def _best_name(self, level: str, words: list[Word], j: int):
        """The longest name at ``j``, unless a shorter one leaves a province right after
        it (``xã Tân Phú Đồng Tháp`` is Tân Phú in Đồng Tháp, not Tân Phú Đông)."""
        candidates = self._names[level].matches_at(words, j)
        for name in candidates:
            after = name.last + 1
            if after < len(words) and self._names[PROVINCE].match_at(words, after) is not None:
                return name
        return candidates[0] if candidates else None

    def _with_kind(self, matches: list) -> str:
        """The name with its type word when the name has only one type."""
        name = matches[0][1].payload
        kinds = set().union(*(self._kinds.get((level, m.payload), set()) for level, m in matches))
        kinds.discard("")
        return f"{next(iter(kinds))} {name}" if len(kinds) == 1 else name

    @staticmethod
    def _compact_number(word: Word) -> str | None:
        """``p5`` -> ``Phường 5``, ``q1`` -> ``Quận 1``."""
        text = word.text
        if len(text) in (2, 3) and text[0] in "pq" and text[1:].isdecimal():
            return f"{'Phường' if text[0] == 'p' else 'Quận'} {int(text[1:])}"
        return None


_PARTICLES = {"nha", "a", "ad", "nhe", "ne", "do", "day", "em", "anh", "chi", "oi", "ha", "ah"}


def _only_particles_after(words: list[Word], last: int) -> bool:
    rest = words[last + 1 :]
    return len(rest) <= _SHORT_ANSWER_EXTRA_WORDS and all(w.plain in _PARTICLES for w in rest)


def _adjacent(text: str, words: list[Word], last: int, i: int) -> bool:
    """Only spaces, commas or dashes between two components."""
    gap = text[words[last].end : words[i].start]
    return last == i - 1 and all(c in " ,-" for c in gap)


_CACHE: dict[tuple[str, int], Gazetteer] = {}


def load_gazetteer(directory: Path) -> Gazetteer:
    """The place finder for a resources directory (its aliases), built once."""
    aliases_path = directory / PLACE_ALIASES_FILE
    key = (str(directory), aliases_path.stat().st_mtime_ns)
    if key not in _CACHE:
        _CACHE[key] = Gazetteer(place_names(), load_yaml(directory, PLACE_ALIASES_FILE))
    return _CACHE[key]
