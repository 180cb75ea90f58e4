"""VietnameseEntityExtractor: rule-based entities with offsets into message.text.

Entities and their value formats are listed in docs/nlu.md. Only well-formed
customer codes are entities; a code-like string of the wrong length is reported in
the message property ``malformed_customer_code`` (a list of the upper-cased strings)
so the bot can explain the expected format.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu._shared import RESOURCES_DIR_KEY, analyzer_for, fingerprint, normalisation
from bot.nlu.core.analysis import EXTRACTOR_FILES

MALFORMED_CODE_PROPERTY = "malformed_customer_code"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class VietnameseEntityExtractor(EntityExtractorMixin, GraphComponent):
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
    ) -> VietnameseEntityExtractor:
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return fingerprint(config, EXTRACTOR_FILES)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            norm = normalisation(message, text, self._analyzer)
            found, malformed = self._analyzer.entities(text, norm)
            entities = self.add_extractor_name(
                [
                    {
                        ENTITY_ATTRIBUTE_TYPE: e.entity,
                        ENTITY_ATTRIBUTE_START: e.start,
                        ENTITY_ATTRIBUTE_END: e.end,
                        ENTITY_ATTRIBUTE_VALUE: e.value,
                    }
                    for e in found
                ]
            )
            message.set(ENTITIES, [*message.get(ENTITIES, []), *entities], add_to_output=True)
            if malformed:
                message.set(MALFORMED_CODE_PROPERTY, malformed, add_to_output=True)
        return messages
