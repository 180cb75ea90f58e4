"""The places gazetteer: southern provinces and wards, old (pre-2025) and new names.

One lookup for the whole assistant, built once on first use from two pinned offline
packages (:mod:`.sources`), with no thread and nothing run on import:

* :func:`resolve` / :func:`narrow` / :func:`groups` (:mod:`.lookup`): which current
  wards a name or an ``area`` entity value means (found, ambiguous, unknown);
* :func:`place_names` (:mod:`.names_index`): every name customers write, for the
  NLU's place finder in messages;
* :func:`southern_places` / ``PB_PROVINCES`` (:mod:`.customer_areas`): the places
  behind a customer code's province part (demo data, importer checks);
* :mod:`.names`: keys and type words (``split_kind``, ``name_key``...).

Call :func:`warm_up` where a process starts (not on import) to pay the build there.
"""

from __future__ import annotations

from bot.domain.places.customer_areas import PB_PROVINCES, Place, southern_places
from bot.domain.places.index import gazetteer
from bot.domain.places.lookup import Area, Lookup, area_of_ward, groups, narrow, province_wards, resolve
from bot.domain.places.names import accent_key, name_key, short_province, split_kind
from bot.domain.places.names_index import PlaceNames, place_names
from bot.domain.places.sources import SOUTHERN_PROVINCES

__all__ = [
    "PB_PROVINCES", "SOUTHERN_PROVINCES", "Area", "Lookup", "Place", "PlaceNames", "accent_key",
    "area_of_ward", "groups", "name_key", "narrow", "place_names", "province_wards", "resolve",
    "short_province", "southern_places", "split_kind", "warm_up",
]


def warm_up() -> None:
    """Build the lookups now rather than on the first question."""
    gazetteer()
    place_names()
