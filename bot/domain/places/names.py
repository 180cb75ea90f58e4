"""How place names are written and compared: type words, keys, labels.

``accent_key`` compares names typed with diacritics (one tone placement), ``name_key``
without; ``split_kind`` takes the type word off a name (``Phường An Khánh`` ->
``Phường``, ``An Khánh``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from bot.domain.text import normalise_tone, strip_diacritics

PROVINCE, DISTRICT, WARD = "province", "district", "ward"
LEVEL_RANK = {WARD: 0, DISTRICT: 1, PROVINCE: 2}

# Type words as written in names (longest first), and the level they name.
NAME_KINDS = (
    ("Thành phố", DISTRICT),
    ("Thị trấn", WARD),
    ("Thị xã", DISTRICT),
    ("Đặc khu", WARD),
    ("Phường", WARD),
    ("Quận", DISTRICT),
    ("Huyện", DISTRICT),
    ("Tỉnh", PROVINCE),
    ("Xã", WARD),
)
_CASE_FIXES = (
    ("Thành Phố ", "Thành phố "),
    ("Thị Xã ", "Thị xã "),
    ("Thị Trấn ", "Thị trấn "),
    ("Đặc Khu ", "Đặc khu "),
)
_PROVINCE_PREFIX = re.compile(r"^(Tỉnh|Thành [Pp]hố)\s+")


@functools.lru_cache(maxsize=65536)
def accent_key(text: str) -> str:
    """Lower case, NFC, one tone placement (``hoà`` = ``hòa``), no punctuation, single
    spaces, numbers without leading zeros."""
    plain = re.sub(r"[^\w\s]", " ", unicodedata.normalize("NFC", text).lower().replace("\u0110", "đ"))
    words = [str(int(w)) if w.isdecimal() else normalise_tone(w) for w in plain.split()]
    return " ".join(words)


@functools.lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """:func:`accent_key` without diacritics: the key names are matched on."""
    return strip_diacritics(accent_key(text))


@functools.lru_cache(maxsize=65536)
def split_kind(name: str) -> tuple[str, str]:
    """``"Phường An Khánh"`` -> (``"Phường"``, ``"An Khánh"``); case-insensitive."""
    for kind, _ in NAME_KINDS:
        if name.lower().startswith(kind.lower() + " "):
            return kind, name[len(kind) + 1 :].strip()
    return "", name.strip()


def level_of_kind(kind: str) -> str | None:
    return next((level for name, level in NAME_KINDS if name == kind), None)


def fix_case(name: str) -> str:
    """``Thành Phố Cà Mau`` -> ``Thành phố Cà Mau`` (the packages' spelling varies)."""
    for wrong, right in _CASE_FIXES:
        if name.startswith(wrong):
            return right + name[len(wrong) :]
    kind, bare = split_kind(name)
    return f"{kind} {bare}" if kind else bare


def bare_province(province: str) -> str:
    """``Thành phố Cần Thơ`` / ``Tỉnh Tây Ninh`` -> ``Cần Thơ`` / ``Tây Ninh``."""
    return _PROVINCE_PREFIX.sub("", province).strip()


def short_province(province: str) -> str:
    """``Thành phố Cần Thơ`` -> ``Cần Thơ``."""
    return split_kind(province)[1]


def tidy(text: str) -> str:
    """Single spaces (the packages spell a few names with double spaces)."""
    return " ".join(text.split())


def province_label(province: str) -> str:
    return province if province.startswith("Thành phố") else f"tỉnh {province}"
