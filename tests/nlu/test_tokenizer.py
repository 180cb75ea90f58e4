"""Tokenizer: protected spans, our compounds, tokens aligned to what was typed."""

from __future__ import annotations

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ACTION_NAME, ACTION_TEXT, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normaliser import VietnameseNormaliser
from bot.nlu.tokenizer import VietnameseTokenizer
from tests.nlu.conftest import message


@pytest.fixture(scope="module")
def tokenizer() -> VietnameseTokenizer:
    return VietnameseTokenizer.create(VietnameseTokenizer.get_default_config(), None, None, None)


def tokens_of(tokenizer: VietnameseTokenizer, text: str) -> list:
    msg = message(text)
    tokenizer.process([msg])
    return msg.get(TOKENS_NAMES[TEXT])


def lemmas(tokenizer: VietnameseTokenizer, text: str) -> list[str]:
    return [t.lemma for t in tokens_of(tokenizer, text)]


@pytest.mark.parametrize(
    "text",
    ["mã PB05010000001 của tui", "ma pb 0501 000 0001 nha", "mã: pb-0501-0000001", "PB0501 0000001"],
)
def test_customer_code_is_one_token(tokenizer, text: str) -> None:
    tokens = tokens_of(tokenizer, text)
    codes = [t for t in tokens if t.lemma == "__code__"]
    assert len(codes) == 1
    assert codes[0].text.replace(" ", "").replace("-", "").upper() == "PB05010000001"


def test_compounds_share_a_lemma_with_and_without_diacritics(tokenizer) -> None:
    assert lemmas(tokenizer, "hóa đơn tiền điện nhà tui") == ["hóa_đơn_tiền_điện", "nhà", "tui"]
    assert lemmas(tokenizer, "hoa don tien dien nha tui") == ["hóa_đơn_tiền_điện", "nha", "tui"]
    assert lemmas(tokenizer, "HOÁ ĐƠN") == ["hóa_đơn"]
    assert "cúp_điện" in lemmas(tokenizer, "nhà em bị cup dien")
    assert "đồng_hồ_điện" in lemmas(tokenizer, "dong ho dien chay nhanh")


def test_collisions_stay_apart(tokenizer) -> None:
    assert lemmas(tokenizer, "còn nợ") != lemmas(tokenizer, "còn nổ")
    assert "chạy" in lemmas(tokenizer, "đồng hồ chạy nhanh")
    assert "cháy" in lemmas(tokenizer, "đồng hồ cháy rồi")


def test_protected_spans_get_placeholders(tokenizer) -> None:
    assert lemmas(tokenizer, "sdt 0912 345 678") == ["số_điện_thoại", "__phone__"]
    assert lemmas(tokenizer, "hết 1tr2 với 600k") == ["hết", "__money__", "với", "__money__"]
    assert lemmas(tokenizer, "tháng 10/2026") == ["__month__"]
    assert lemmas(tokenizer, "từ 7h30 sáng") == ["từ", "__time__"]
    assert lemmas(tokenizer, "ngày 5/12") == ["__date__"]
    assert lemmas(tokenizer, "1321") == ["__num__"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tiền điện tháng này", ["tiền_điện", "__this_month__"]),
        ("tien dien thang truoc", ["tiền_điện", "__past_month__"]),
        ("hôm qua cúp điện", ["__past_day__", "cúp_điện"]),
        ("thu 7 co cup ko", ["__next_day__", "co", "cup", "không"]),
        ("sáng nay mất điện", ["__time__", "__this_day__", "mất_điện"]),
        ("nhà em ở Phường An Khánh, Quận Ninh Kiều", ["nhà", "em", "ở", "__area__"]),
    ],
)
def test_time_words_and_places_become_placeholders(tokenizer, text: str, expected: list[str]) -> None:
    assert lemmas(tokenizer, text) == expected


def test_time_words_stay_words_when_configured(tokenizer) -> None:
    config = {**VietnameseTokenizer.get_default_config(), "when_placeholders": False}
    words = VietnameseTokenizer.create(config, None, None, None)
    assert lemmas(words, "tiền điện tháng này") == ["tiền_điện", "tháng_này"]


def test_teencode_reaches_the_lemma(tokenizer) -> None:
    assert lemmas(tokenizer, "ko có điện") == ["không", "có_điện"]
    assert lemmas(tokenizer, "bn tiền") == ["bao_nhiêu", "tiền"]


@pytest.mark.parametrize(
    "text",
    [
        "Cho em hỏi  hoá đơn\u200btháng 10 , mã pb 0501 000 0001 bn ạ 👍",
        "  tiền   điện\t\tko\n\nđúng  ",
        "Hoa\u0300 đơn",  # decomposed accent
        "🙂🙂🙂",
        "???",
        "x" * 10_000,
        ("nhà em ở phường 5 cúp điện từ sáng tới giờ " * 250).strip(),
    ],
)
def test_tokens_point_into_the_original_text(tokenizer, text: str) -> None:
    tokens = tokens_of(tokenizer, text)
    assert tokens, "a non-empty message has at least one token"
    previous_end = 0
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
        assert text[token.start : token.end] == token.text
        assert token.start >= previous_end
        previous_end = token.end


def test_empty_text_has_no_tokens(tokenizer) -> None:
    assert tokens_of(tokenizer, "") == []


def test_uses_the_normaliser_result_when_present(tokenizer) -> None:
    msg = message("hoá đơn trc")
    VietnameseNormaliser.create({}, None, None, None).process([msg])
    tokenizer.process([msg])
    assert [t.lemma for t in msg.get(TOKENS_NAMES[TEXT])] == ["hóa_đơn", "trước"]


def test_training_data_with_core_attributes(tokenizer) -> None:
    examples = [
        Message(data={TEXT: "hoá đơn tháng này", INTENT: "ask_bill"}),
        Message(data={ACTION_NAME: "action_show_bill"}),
        Message(data={ACTION_TEXT: "Dạ, hóa đơn tháng này là 798.660 đ"}),
        Message(data={INTENT: "ask_bill_high"}),
    ]
    tokenizer.process_training_data(TrainingData(examples))
    assert [t.text for t in examples[0].get(TOKENS_NAMES[INTENT])] == ["ask_bill"]
    assert [t.text for t in examples[1].get(TOKENS_NAMES[ACTION_NAME])] == ["action_show_bill"]
    action_tokens = examples[2].get(TOKENS_NAMES[ACTION_TEXT])
    assert "hóa_đơn" in [t.lemma for t in action_tokens]
    assert [t.text for t in examples[3].get(TOKENS_NAMES[INTENT])] == ["ask_bill_high"]


def test_works_without_underthesea() -> None:
    config = {**VietnameseTokenizer.get_default_config(), "use_underthesea": False}
    plain = VietnameseTokenizer.create(config, None, None, None)
    assert lemmas(plain, "thanh toán bằng ví điện tử") == ["thanh_toán", "bằng", "ví_điện_tử"]


def test_combined_intents_are_split_on_the_configured_symbol() -> None:
    """config.yml's intent_tokenization_flag / intent_split_symbol reach Rasa's
    Tokenizer base class through our tokenizer (the label features of a combined
    intent are its parts)."""
    import yaml

    from tests.nlu.conftest import PROJECT_ROOT

    project = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    settings = next(c for c in project["pipeline"] if c["name"].endswith("VietnameseTokenizer"))
    config = {**VietnameseTokenizer.get_default_config(), **settings}
    tokenizer = VietnameseTokenizer.create(config, None, None, None)
    example = Message(data={TEXT: "tiền điện bao nhiêu, còn nợ không", INTENT: "ask_bill+ask_debt"})
    tokenizer.process_training_data(TrainingData([example]))
    assert [t.text for t in example.get(TOKENS_NAMES[INTENT])] == ["ask_bill", "ask_debt"]
    single = Message(data={TEXT: "hủy", INTENT: "unlink_account"})
    tokenizer.process_training_data(TrainingData([single]))
    assert [t.text for t in single.get(TOKENS_NAMES[INTENT])] == ["unlink_account"]
