"""Normalisation: one canonical text, aligned to what the customer typed."""

from __future__ import annotations

import unicodedata

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu._shared import NORMALIZED_OFFSETS, NORMALIZED_TEXT
from bot.nlu.core.diacritics import normalise_tone, strip_diacritics
from bot.nlu.normaliser import VietnameseNormaliser
from tests.nlu.conftest import message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("hoá", "hóa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("hoà", "hòa"),
        ("hóa", "hóa"), ("toàn", "toàn"), ("quý", "quý"), ("giờ", "giờ"),
        ("người", "người"), ("khuyến", "khuyến"), ("ngoài", "ngoài"), ("huỳnh", "huỳnh"),
    ],
)
def test_one_tone_placement(typed: str, expected: str) -> None:
    assert normalise_tone(typed) == expected


def test_strip_diacritics_keeps_length() -> None:
    assert strip_diacritics("Tiền điện tháng này") == "Tien dien thang nay"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Hoá đơn THUỶ điện", "hóa đơn thủy điện"),
        ("ko có điện", "không có điện"),
        ("hông có điện, hok bít sao", "không có điện, không biết sao"),
        ("khum đc à", "không được à"),
        ("nhà j mà cúp hoài v", "nhà gì mà cúp hoài vậy"),
        ("bn tiền ntn r", "bao nhiêu tiền như thế nào rồi"),
        ("z là sao", "vậy là sao"),
        ("hóa đơn trc", "hóa đơn trước"),
        ("cho sđt với tk ck", "cho số điện thoại với tài khoản chuyển khoản"),
        ("caooo quáaaa", "cao quá"),
        ("bây h có điện chưa", "bây giờ có điện chưa"),
    ],
)
def test_teencode_and_repeats(analyzer, typed: str, expected: str) -> None:
    assert analyzer.normalise(typed).text == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # money before "k" = không
        ("tháng này 600k", "tháng này 600k"),
        ("tháng này 600 k", "tháng này 600 nghìn"),
        ("k có điện", "không có điện"),
        # đc = được, or địa chỉ before a place word
        ("đổi đc ko", "đổi được không"),
        ("đc nhà em ở phường 5", "địa chỉ nhà em ở phường 5"),
        ("dc nha", "được nha"),
        ("cập nhật đc mới", "cập nhật địa chỉ mới"),
        # hđ = hóa đơn, or hợp đồng near signing words
        ("hđ tháng này", "hóa đơn tháng này"),
        ("ký hđ mua bán điện", "ký hợp đồng mua bán điện"),
        ("hd e cách đóng tiền", "hướng dẫn em cách đóng tiền"),
        # h after a number is the time rule's business
        ("từ 7h30 tới 2h", "từ 7h30 tới 2h"),
    ],
)
def test_ambiguities_resolved_from_context(analyzer, typed: str, expected: str) -> None:
    assert analyzer.normalise(typed).text == expected


def test_offsets_point_into_the_original(analyzer) -> None:
    typed = "Hoa\u0300  ĐƠN\u200b ko đc 600k 👍"  # decomposed accent, zero-width space
    norm = analyzer.normalise(typed)
    assert norm.text == "hòa đơn không được 600k 👍"
    start = norm.text.index("không")
    s, e = norm.original_span(start, start + len("không"))
    assert typed[s:e] == "ko"
    s, e = norm.original_span(0, 3)
    assert typed[s:e] == "Hoa\u0300"
    assert unicodedata.is_normalized("NFC", norm.text)


def test_odd_input_never_raises(analyzer) -> None:
    for typed in ["", "   ", "\u200b\u200d", "🙂🙂", "a" * 10_000, "\x00\x07tiền\tđiện\n\n", "đ/c:"]:
        norm = analyzer.normalise(typed)
        assert len(norm.starts) == len(norm.text)


def test_component_sets_properties_and_keeps_text() -> None:
    normaliser = VietnameseNormaliser.create({"resources_dir": None}, None, None, None)
    msg = message("Hoá đơn tháng trc ko đúng")
    normaliser.process([msg])
    assert msg.get(TEXT) == "Hoá đơn tháng trc ko đúng"
    assert msg.get(NORMALIZED_TEXT) == "hóa đơn tháng trước không đúng"
    offsets = msg.get(NORMALIZED_OFFSETS)
    assert len(offsets) == len(msg.get(NORMALIZED_TEXT))
    assert NORMALIZED_TEXT in msg.as_dict(only_output_properties=True)


def test_component_processes_training_data() -> None:
    normaliser = VietnameseNormaliser.create({}, None, None, None)
    data = TrainingData([message("ko có điện"), message("HOÁ ĐƠN")])
    normaliser.process_training_data(data)
    assert [m.get(NORMALIZED_TEXT) for m in data.training_examples] == ["không có điện", "hóa đơn"]
