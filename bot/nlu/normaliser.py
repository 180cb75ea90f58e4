"""VietnameseNormaliser: a normalised view of the message, never replacing its text."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu._shared import (
    NORMALIZED_OFFSETS,
    NORMALIZED_TEXT,
    RESOURCES_DIR_KEY,
    analyzer_for,
    fingerprint,
)
from bot.nlu.core.analysis import NORMALISER_FILES


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class VietnameseNormaliser(GraphComponent):
    """Sets ``normalized_text`` (NFC, lower case, one tone placement, teencode
    expanded) and ``normalized_offsets`` (for each of its characters, the
    ``[start, end)`` slice of ``message.text`` it came from)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {RESOURCES_DIR_KEY: None}

    def __init__(self, config: dict[str, Any]) -> None:
        self._analyzer = analyzer_for(config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseNormaliser:
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return fingerprint(config, NORMALISER_FILES)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str):
                continue
            norm = self._analyzer.normalise(text)
            message.set(NORMALIZED_TEXT, norm.text, add_to_output=True)
            message.set(NORMALIZED_OFFSETS, [[s, e] for s, e in zip(norm.starts, norm.ends, strict=True)])
        return messages
