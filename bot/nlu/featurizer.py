"""DiacriticFreeCountVectorsFeaturizer: count vectors over diacritic-free syllables.

It runs beside Rasa's CountVectorsFeaturizer (which reads the lemmas with their
diacritics, keeping ``nợ`` and ``nổ`` apart): here ``tiền_điện`` and ``tien dien``
give the same features. Each token becomes its diacritic-free syllables
(``hóa_đơn`` -> ``hoa don``), so with ``max_ngram: 2`` a compound yields its
syllables and its bigram whatever the segmentation was. One feature row per token
is kept, as DIET expects. Placeholders (``__code__``) pass unchanged.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import ACTION_NAME, INTENT, INTENT_RESPONSE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.core.diacritics import strip_diacritics

_LABEL_ATTRIBUTES = (INTENT, ACTION_NAME, INTENT_RESPONSE_KEY)


def diacritic_free(lemma: str) -> str:
    """``hóa_đơn`` -> ``hoa don``; placeholders such as ``__code__`` unchanged."""
    if lemma.startswith("__") and lemma.endswith("__"):
        return lemma
    return strip_diacritics(lemma).replace("_", " ")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class DiacriticFreeCountVectorsFeaturizer(CountVectorsFeaturizer):
    def _get_message_tokens_by_attribute(self, message: Message, attribute: str) -> list[str]:
        tokens = super()._get_message_tokens_by_attribute(message, attribute)
        if attribute in _LABEL_ATTRIBUTES:
            return tokens
        return [diacritic_free(token) for token in tokens]
