"""Features with diacritics and without, side by side."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.featurizer import DiacriticFreeCountVectorsFeaturizer, diacritic_free
from bot.nlu.normaliser import VietnameseNormaliser
from bot.nlu.tokenizer import VietnameseTokenizer

TRAINING = [
    ("tiền điện tháng này bao nhiêu", "ask_bill"),
    ("còn nợ bao nhiêu", "ask_debt"),
    ("nghe tiếng nổ ở trạm", "report_hazard"),
    ("đồng hồ chạy nhanh", "ask_bill_high"),
    ("đồng hồ cháy rồi", "report_hazard"),
    ("mã PB05010000001", "inform"),
]


def test_diacritic_free_lemmas() -> None:
    assert diacritic_free("hóa_đơn") == "hoa don"
    assert diacritic_free("nợ") == "no"
    assert diacritic_free("__code__") == "__code__"


def _prepare(texts: list[tuple[str, str | None]]) -> list[Message]:
    messages = [Message(data={TEXT: t, **({INTENT: i} if i else {})}) for t, i in texts]
    VietnameseNormaliser.create({}, None, None, None).process(messages)
    VietnameseTokenizer.create(VietnameseTokenizer.get_default_config(), None, None, None).process(messages)
    return messages


def _trained(cls, config: dict, tmp_path: Path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    featurizer = cls.create(
        {**cls.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource(cls.__name__),
        ExecutionContext(GraphSchema({}), node_name=cls.__name__),
    )
    featurizer.train(TrainingData(_prepare(TRAINING)))
    return featurizer


def _sentence_vector(featurizer, text: str) -> np.ndarray:
    (msg,) = _prepare([(text, None)])
    featurizer.process([msg])
    _, sentence = msg.get_sparse_features(TEXT)
    return sentence.features.toarray()


@pytest.fixture(scope="module")
def featurizers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("featurizers")
    plain = _trained(DiacriticFreeCountVectorsFeaturizer, {"max_ngram": 2}, tmp / "plain")
    words = _trained(CountVectorsFeaturizer, {}, tmp / "words")
    return plain, words


def test_with_and_without_diacritics_share_features(featurizers) -> None:
    plain, _ = featurizers
    with_marks = _sentence_vector(plain, "tiền điện tháng này bao nhiêu")
    assert with_marks.sum() > 0
    np.testing.assert_array_equal(with_marks, _sentence_vector(plain, "tien dien thang nay bao nhieu"))


def test_compound_bigram_whatever_the_segmentation(featurizers) -> None:
    plain, _ = featurizers
    vocabulary = plain.vectorizers[TEXT].vocabulary_
    assert "tien dien" in vocabulary and "tien" in vocabulary and "dien" in vocabulary


def test_original_text_keeps_collisions_apart(featurizers) -> None:
    plain, words = featurizers
    debt, blast = "còn nợ", "còn nổ"
    assert not np.array_equal(_sentence_vector(words, debt), _sentence_vector(words, blast))
    # ...while the diacritic-free side cannot tell them apart, by design
    np.testing.assert_array_equal(_sentence_vector(plain, debt), _sentence_vector(plain, blast))


def test_one_feature_row_per_token(featurizers) -> None:
    plain, _ = featurizers
    (msg,) = _prepare([("hóa đơn tiền điện của mã PB05010000001", None)])
    plain.process([msg])
    sequence, _ = msg.get_sparse_features(TEXT)
    assert sequence.features.shape[0] == len(msg.get("text_tokens"))


def test_persist_and_load(featurizers, tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    config = {**DiacriticFreeCountVectorsFeaturizer.get_default_config(), "max_ngram": 2}
    context = ExecutionContext(GraphSchema({}), node_name="plain")
    trained = DiacriticFreeCountVectorsFeaturizer.create(config, storage, Resource("plain"), context)
    trained.train(TrainingData(_prepare(TRAINING)))
    loaded = DiacriticFreeCountVectorsFeaturizer.load(config, storage, Resource("plain"), context)
    np.testing.assert_array_equal(
        _sentence_vector(trained, "tien dien thang nay"), _sentence_vector(loaded, "tiền điện tháng này")
    )
