"""Editing a data file a component reads changes its fingerprint (so rasa retrains)."""

from __future__ import annotations

import pytest

from bot.nlu.entity_extractor import VietnameseEntityExtractor
from bot.nlu.hazard_override import HazardOverride
from bot.nlu.normaliser import VietnameseNormaliser
from bot.nlu.tokenizer import VietnameseTokenizer

COMPONENTS_AND_FILES = [
    (VietnameseNormaliser, "teencode.yml"),
    (VietnameseTokenizer, "teencode.yml"),
    (VietnameseTokenizer, "lexicon.yml"),
    (VietnameseTokenizer, "customer_codes.yml"),
    (VietnameseEntityExtractor, "hazards.yml"),
    (VietnameseEntityExtractor, "place_aliases.yml"),
    (HazardOverride, "hazards.yml"),
]


@pytest.mark.parametrize(("component", "name"), COMPONENTS_AND_FILES)
def test_editing_a_resource_changes_the_fingerprint(resources_copy, component, name) -> None:
    config = {"resources_dir": str(resources_copy)}
    before = component.fingerprint_addon(config)
    assert before == component.fingerprint_addon(config)  # stable
    path = resources_copy / name
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert component.fingerprint_addon(config) != before


def test_rasa_fingerprint_key_includes_the_addon(resources_copy) -> None:
    from rasa.engine.training.fingerprinting import calculate_fingerprint_key

    config = {"resources_dir": str(resources_copy)}
    before = calculate_fingerprint_key(VietnameseNormaliser, config, {})
    path = resources_copy / "teencode.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert calculate_fingerprint_key(VietnameseNormaliser, config, {}) != before


def test_unrelated_file_does_not_change_the_normaliser(resources_copy) -> None:
    config = {"resources_dir": str(resources_copy)}
    before = VietnameseNormaliser.fingerprint_addon(config)
    (resources_copy / "hazards.yml").write_text("phrases: []\n", encoding="utf-8")
    assert VietnameseNormaliser.fingerprint_addon(config) == before


def test_a_new_teencode_entry_is_used(resources_copy) -> None:
    path = resources_copy / "teencode.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("words:\n", "words:\n  đhđ: đồng hồ điện\n", 1),
        encoding="utf-8",
    )
    normaliser = VietnameseNormaliser.create({"resources_dir": str(resources_copy)}, None, None, None)
    from tests.nlu.conftest import message

    msg = message("đhđ chạy nhanh")
    normaliser.process([msg])
    assert msg.get("normalized_text") == "đồng hồ điện chạy nhanh"
