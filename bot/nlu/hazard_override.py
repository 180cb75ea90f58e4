"""HazardOverride: wording of danger forces the report_hazard intent.

Runs after the classifiers (and after FallbackClassifier): when the message names a
hazard (bot/nlu/resources/hazards.yml), the intent becomes ``report_hazard`` with
confidence 1.0 at the top of the ranking, whatever DIET or the fallback said, and
the message property ``hazard_phrases`` lists the phrases found. One exception: a
question about what to do ("dây điện rớt thì nên làm gì", "có nên cúp CB không") that
the classifier read as one of ``keep_intents`` (by default ``ask_safety``, the best
intent with the fallback aside) keeps it: the answer to a safety question is the same
advice, and the ``hazard_kind`` entities say which.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.nlu._shared import RESOURCES_DIR_KEY, analyzer_for, fingerprint, normalisation
from bot.nlu.core.analysis import HAZARD_FILES
from bot.nlu.core.diacritics import strip_diacritics
from bot.nlu.core.hazard import asks_for_advice

HAZARD_PROPERTY = "hazard_phrases"
FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class HazardOverride(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intent": "report_hazard", "keep_intents": ["ask_safety"], RESOURCES_DIR_KEY: None}

    def __init__(self, config: dict[str, Any]) -> None:
        self._intent = config.get("intent", "report_hazard")
        self._keep = frozenset(config.get("keep_intents") or ())
        self._analyzer = analyzer_for(config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> HazardOverride:
        return cls({**cls.get_default_config(), **config})

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return fingerprint(config, HAZARD_FILES)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text:
                continue
            norm = normalisation(message, text, self._analyzer)
            found = self._analyzer.hazards(text, norm)
            if not found:
                continue
            phrases = [match.phrase for match in found]
            kept = self._kept(message)
            if kept is not None and asks_for_advice(strip_diacritics(norm.text)):
                # a safety question: its intent, even below the fallback's threshold
                message.set(INTENT, kept, add_to_output=True)
                message.set(HAZARD_PROPERTY, phrases, add_to_output=True)
            else:
                self._override(message, phrases)
        return messages

    def _kept(self, message: Message) -> dict[str, Any] | None:
        """The classifier's best intent (the fallback aside) when it is one to keep."""
        ranking = message.get(INTENT_RANKING_KEY) or []
        best = next((r for r in ranking if r.get(INTENT_NAME_KEY) != FALLBACK_INTENT), None)
        if best is None or best.get(INTENT_NAME_KEY) not in self._keep:
            return None
        confidence = best.get(PREDICTED_CONFIDENCE_KEY)
        return {INTENT_NAME_KEY: best[INTENT_NAME_KEY], PREDICTED_CONFIDENCE_KEY: confidence}

    def _override(self, message: Message, phrases: list[str]) -> None:
        intent = {INTENT_NAME_KEY: self._intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        ranking = [
            r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != self._intent
        ]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        message.set(HAZARD_PROPERTY, phrases, add_to_output=True)
