"""Place names -> current province and wards: old and new names, diacritics, ambiguity."""

from __future__ import annotations

import pytest

from bot.domain import places
from bot.domain.places import resolve

CAN_THO = "Thành phố Cần Thơ"


@pytest.mark.parametrize(
    ("query", "province", "wards"),
    [
        # DOMAIN.md "Places and time": old ward, old district -> current ward.
        ("Phường An Khánh, Quận Ninh Kiều, Cần Thơ", CAN_THO, ("Phường Tân An",)),
        ("Phường An Khánh, Ninh Kiều", CAN_THO, ("Phường Tân An",)),
        ("phuong an khanh ninh kieu", CAN_THO, ("Phường Tân An",)),
        ("Phường 1, Tây Ninh", "Tây Ninh", ("Phường Tân Ninh",)),
        ("Phường 1, Thành phố Tây Ninh, Tây Ninh", "Tây Ninh", ("Phường Tân Ninh",)),
        ("Phường 5, Cà Mau", "Cà Mau", ("Phường Tân Thành",)),
        ("p5 ca mau", "Cà Mau", ("Phường Tân Thành",)),
        ("phường 05, TP Cà Mau", "Cà Mau", ("Phường Tân Thành",)),
        # current names, any spelling
        ("Phường Tân An, Thành phố Cần Thơ", CAN_THO, ("Phường Tân An",)),
        ("PHƯỜNG TÂN THÀNH, CÀ MAU", "Cà Mau", ("Phường Tân Thành",)),
        # free text the NLU did not tag, with filler words
        ("dạ nhà em ở phường 1 tây ninh ạ", "Tây Ninh", ("Phường Tân Ninh",)),
    ],
)
def test_old_and_new_names_resolve_to_the_current_ward(
    query: str, province: str, wards: tuple[str, ...]
) -> None:
    found = resolve(query).found
    assert found is not None, resolve(query)
    assert (found.province, found.wards) == (province, wards)


def test_a_province_alone_is_the_current_province_with_all_its_wards() -> None:
    found = resolve("can tho").found
    assert found is not None
    assert found.province == CAN_THO and found.whole_province
    assert "Phường Tân An" in found.wards and len(found.wards) == len(places.province_wards(CAN_THO))


def test_an_old_province_is_the_part_of_the_new_one_it_became() -> None:
    found = resolve("Bạc Liêu").found
    assert found is not None and found.province == "Cà Mau" and not found.whole_province
    assert "Phường Bạc Liêu" in found.wards and "Phường Tân Thành" not in found.wards
    assert "Bạc Liêu" in found.label and "Cà Mau" in found.label


def test_an_old_district_is_its_current_wards() -> None:
    found = resolve("Huyện Châu Thành, Bến Tre").found
    assert found is not None and found.province == "Vĩnh Long" and len(found.wards) > 1


@pytest.mark.parametrize("query", ["Phường 1", "Châu Thành", "Xã Tân Phú", "Ninh Kiều", "phuong tan an"])
def test_ambiguous_names_give_candidates_to_ask_back(query: str) -> None:
    lookup = resolve(query)
    assert lookup.ambiguous, lookup
    titles = [area.title for area in lookup.areas]
    assert all(titles) and len(set(titles)) == len(titles), "each candidate has its own button title"


@pytest.mark.parametrize("query", ["Phường 1", "Xã Tân Phú", "Ninh Kiều", "Phường Tân An, Cần Thơ"])
def test_each_candidate_path_resolves_back_to_exactly_that_candidate(query: str) -> None:
    for area in resolve(query).areas:
        again = resolve(area.path).found
        assert again is not None, area.path
        assert (again.province, again.wards) == (area.province, area.wards), area.path


def test_narrowing_an_ambiguous_name_with_the_answer() -> None:
    assert resolve("Phường 1").ambiguous
    found = places.narrow("Phường 1", "Tây Ninh").found
    assert found is not None and found.wards == ("Phường Tân Ninh",)
    # an answer that is a place of its own is taken alone
    found = places.narrow("Phường 1", "phường An Khánh, Ninh Kiều").found
    assert found is not None and found.wards == ("Phường Tân An",)


def test_a_long_candidate_list_is_grouped_by_the_province_people_know() -> None:
    areas = resolve("Phường 1").areas
    assert len(areas) > 8
    groups = dict(places.groups(areas))
    assert {"Tây Ninh", "Cà Mau", "Bạc Liêu"} <= set(groups)
    found = places.narrow("Phường 1", groups["Cà Mau"]).found
    assert found is not None and found.wards == ("Phường An Xuyên",)
    fewer = places.narrow("Phường 1", groups["Bạc Liêu"]).areas  # TP Bạc Liêu and TX Giá Rai
    assert 1 < len(fewer) <= 3 and any(a.wards == ("Phường Bạc Liêu",) for a in fewer)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "xyz",
        "😀😀😀",
        "a" * 10_000,
        "'; DROP TABLE customers; --",
        "Hà Nội",
        "Phường 99, Cà Mau",
        None,
    ],
)
def test_bad_or_unknown_input_is_unknown_not_an_error(query: str | None) -> None:
    assert resolve(query).unknown


def test_labels_never_repeat_the_package_double_spaces() -> None:
    for area in resolve("Hồ Chí Minh").areas + resolve("Phường 1").areas:
        assert "  " not in area.label and "  " not in area.title


def test_the_demo_fixture_places_are_places_of_the_gazetteer() -> None:
    from bot.db.demo_places import FIXTURE_PLACES

    southern = places.southern_places()
    assert set(southern) == set(places.PB_PROVINCES)
    for pb, place in FIXTURE_PLACES.items():
        assert place in southern[pb]


def test_the_gazetteer_is_built_once_and_not_on_import() -> None:
    import subprocess
    import sys

    code = (
        "import threading, bot.domain.places as p, bot.nlu.core.read; "
        "from bot.domain.places import index; "
        "assert index.gazetteer.cache_info().currsize == 0; "
        "assert threading.active_count() == 1; "
        "p.resolve('Cần Thơ'); p.resolve('Tây Ninh'); "
        "assert index.gazetteer.cache_info().misses == 1"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
