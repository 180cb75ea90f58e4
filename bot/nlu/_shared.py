"""What the Rasa components share: config keys, the analyzer, the stored normalisation."""

from __future__ import annotations

from typing import Any

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.core.aligned import AlignedText
from bot.nlu.core.analysis import Analyzer, get_analyzer
from bot.nlu.core.resources import files_fingerprint, resources_dir

# Message properties written by VietnameseNormaliser.
NORMALIZED_TEXT = "normalized_text"
NORMALIZED_OFFSETS = "normalized_offsets"
RESOURCES_DIR_KEY = "resources_dir"


def analyzer_for(config: dict[str, Any]) -> Analyzer:
    return get_analyzer(
        resources_dir(config),
        bool(config.get("use_underthesea", True)),
        bool(config.get("when_placeholders", True)),
    )


def fingerprint(config: dict[str, Any], names: tuple[str, ...]) -> str:
    return files_fingerprint(resources_dir(config), names)


def stored_normalisation(message: Message, text: str) -> AlignedText | None:
    """The normaliser's result for ``text``, if it ran on this message."""
    normalized = message.get(NORMALIZED_TEXT)
    offsets = message.get(NORMALIZED_OFFSETS)
    if not isinstance(normalized, str) or not isinstance(offsets, list):
        return None
    if len(offsets) != len(normalized) or any(e > len(text) for _, e in offsets[-1:]):
        return None
    return AlignedText(normalized, tuple(s for s, _ in offsets), tuple(e for _, e in offsets))


def normalisation(message: Message, text: str, analyzer: Analyzer) -> AlignedText:
    stored = stored_normalisation(message, text)
    return stored if stored is not None else analyzer.normalise(text)
