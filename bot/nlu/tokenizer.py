"""VietnameseTokenizer: protected spans, compound lexicon, underthesea; original offsets."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu._shared import RESOURCES_DIR_KEY, analyzer_for, fingerprint, normalisation
from bot.nlu.core.analysis import TOKENIZER_FILES

MAX_TOKENS = 120  # the longest training or held-out example has under 40


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class VietnameseTokenizer(Tokenizer):
    """Tokens whose ``start``/``end`` index ``message.text`` and whose ``lemma`` is
    the normalised word: ``hóa_đơn`` for a compound (typed ``hoa don`` too),
    ``__code__``/``__phone__``/``__money__``/``__date__``/``__month__``/``__time__``/
    ``__num__`` for protected spans."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            RESOURCES_DIR_KEY: None,
            # underthesea segments the words the lexicon did not (diacritic text only)
            "use_underthesea": True,
            # time words become one token each: __this_day__, __past_day__,
            # __next_day__, __this_month__, __past_month__, __next_month__, __time__
            "when_placeholders": True,
            # the classifier reads at most this many tokens of a message (a 10,000-
            # character message would otherwise cost DIET seconds; entities are still
            # read from the whole text by the extractor)
            "max_tokens": MAX_TOKENS,
        }

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._analyzer = analyzer_for(config)
        self._max_tokens = int(config.get("max_tokens") or MAX_TOKENS)
        # Load underthesea's model now, not on the first customer's message.
        self._analyzer.tokens("nhà em hỏi giùm ạ")

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> VietnameseTokenizer:
        return cls(config)

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str:
        return fingerprint(config, TOKENIZER_FILES)

    @staticmethod
    def required_packages() -> list[str]:
        return ["underthesea"]

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        if not isinstance(text, str) or not text:
            return []
        norm = (
            normalisation(message, text, self._analyzer)
            if attribute == TEXT
            else self._analyzer.normalise(text)
        )
        return [
            Token(text[start:end], start, end, lemma=lemma)
            for start, end, lemma in self._analyzer.tokens(text, norm)[: self._max_tokens]
        ]
