"""Property-based tests: whatever a customer types, the normaliser, the tokenizer and the
entity extractor answer (no exception) with offsets inside what was typed.

Inputs: arbitrary unicode, emoji, Vietnamese words with and without diacritics mixed
with codes, numbers and punctuation, and 10,000-character messages.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rasa.shared.nlu.constants import ENTITIES, TEXT

from bot.nlu.core.aligned import AlignedText
from bot.nlu.core.read import address, quote, start_time
from bot.nlu.core.text import clean, normalise_tones, squeeze_repeats
from bot.nlu.entity_extractor import VietnameseEntityExtractor
from bot.nlu.normaliser import VietnameseNormaliser
from bot.nlu.tokenizer import VietnameseTokenizer
from tests.nlu.conftest import message

WORDS = [
    "tiền", "điện", "tien", "dien", "tháng", "thang", "này", "nay", "bao", "nhiêu", "nhieu", "mã",
    "ma", "k", "ko", "đc", "dc", "hđ", "hd", "600k", "1tr2", "PB05010000001", "pb 0501 000 0001",
    "0912345678", "1321", "7h30", "2h", "chiều", "phường", "An", "Khánh", "p5", "q1", "Cần", "Thơ",
    "sc2611270001", "300", "số", "2", "hộ", "bậc", "4", "momo", "nổ", "no", "cháy", "chay", "dây",
    "đứt", "hoá", "thuỷ", "caooo", "quáaaa", "😡", "👍", "🔥", "\u200b", "\u00ad", "\ufeff", "–", "/",
    ",", ".", "?", "!", "\n", "\t", "  ", "Đ", "Ð", "e\u0301", "o\u0302\u0301", "ạ", "nha", "ngoái",
]
ENTITY_NAMES = {
    "customer_code", "phone", "digits", "period", "date", "time", "money", "area", "kwh", "households",
    "ticket_number", "payment_channel", "tier", "tariff_when", "hazard_kind",
}
_CODE = re.compile(r"^P[A-Z]\d{11}$")

customer_like = st.lists(st.sampled_from(WORDS), min_size=0, max_size=30).map(" ".join)
anything = st.one_of(
    st.text(max_size=300),
    customer_like,
    st.text(
        alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậ 0123456789"), max_size=200
    ),
)
# 10,000 characters: a generated chunk repeated.
long_text = anything.map(lambda chunk: ((chunk or "x") * (10_000 // max(len(chunk), 1) + 1))[:10_000])
messages = st.one_of(anything, long_text)

PROPERTIES = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def components():
    normaliser = VietnameseNormaliser.create({}, None, None, None)
    tokenizer = VietnameseTokenizer.create(VietnameseTokenizer.get_default_config(), None, None, None)
    extractor = VietnameseEntityExtractor.create({}, None, None, None)
    return normaliser, tokenizer, extractor


def _check_alignment(aligned: AlignedText, text: str) -> None:
    assert len(aligned.starts) == len(aligned.ends) == len(aligned.text)
    for start, end in zip(aligned.starts, aligned.ends, strict=True):
        assert 0 <= start < end <= len(text)


@PROPERTIES
@given(text=messages)
def test_normaliser_never_fails_and_points_into_the_text(components, text: str) -> None:
    normaliser, _, _ = components
    msg = message(text)
    normaliser.process([msg])
    assert msg.get(TEXT) == text  # never rewritten
    normalized = msg.get("normalized_text")
    offsets = msg.get("normalized_offsets")
    assert isinstance(normalized, str) and len(offsets) == len(normalized)
    aligned = AlignedText(normalized, tuple(s for s, _ in offsets), tuple(e for _, e in offsets))
    _check_alignment(aligned, text)


@PROPERTIES
@given(text=messages)
def test_character_clean_up_is_idempotent(text: str) -> None:
    """Case, NFC, invisible characters, spaces, tone placement and repeated letters:
    normalising the normalised text changes nothing (teencode expansion is not
    idempotent by design: "k" becomes "không", whose own letters are no abbreviation,
    but "hd e" becomes "hướng dẫn e")."""
    once = normalise_tones(squeeze_repeats(clean(text))).text
    twice = normalise_tones(squeeze_repeats(clean(once))).text
    assert twice == once


@PROPERTIES
@given(text=messages)
@example(text="P²")  # '²'.isdigit() is true but int('²') fails: found by this test in CI
@example(text="P:²")
@example(text="quận ³ phường ¹")
def test_tokens_are_ordered_non_empty_slices_of_the_text(components, text: str) -> None:
    normaliser, tokenizer, _ = components
    msg = message(text)
    normaliser.process([msg])
    tokens = tokenizer.tokenize(msg, TEXT)
    previous_end = 0
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
        assert token.start >= previous_end  # no overlap, in order
        assert token.text == text[token.start : token.end] and token.lemma
        previous_end = token.end
    if text.strip() and any(c.isalnum() for c in text):
        assert tokens


@PROPERTIES
@given(text=messages)
def test_entities_point_into_the_text_with_documented_values(components, text: str) -> None:
    normaliser, _, extractor = components
    msg = message(text)
    normaliser.process([msg])
    extractor.process([msg])
    for entity in msg.get(ENTITIES, []):
        assert entity["entity"] in ENTITY_NAMES
        assert 0 <= entity["start"] < entity["end"] <= len(text)
        assert isinstance(entity["value"], str) and entity["value"]
        if entity["entity"] == "customer_code":
            assert _CODE.match(entity["value"])
        if entity["entity"] in ("kwh", "households", "tier"):
            assert entity["value"].isdigit() and int(entity["value"]) > 0


@PROPERTIES
@given(text=messages)
def test_the_extractor_works_without_the_normaliser(components, text: str) -> None:
    _, _, extractor = components
    msg = message(text)
    extractor.process([msg])  # normalises itself
    assert all(0 <= e["start"] < e["end"] <= len(text) for e in msg.get(ENTITIES, []))


@PROPERTIES
@given(text=st.one_of(st.none(), messages))
def test_the_readers_never_fail(text: str | None) -> None:
    details = quote(text)
    assert details.kwh is None or details.kwh > 1
    assert 1 <= details.households <= 20
    start = start_time(text)
    assert start is None or len(start.said) <= 100
    found = address(text)
    assert found is None or found.has_location
