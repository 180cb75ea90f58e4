"""The spaCy PhraseMatcher variant of docs/nlu.md's measurement still gives the same
tokens, entities and hazard wording as our PhraseTable (so the comparison stays valid)."""

from __future__ import annotations

from bot.evaluation import phrase_matching

SAMPLE = [
    "Hoá đơn tháng trc của mã  pb 0501 000 0001 bn vậy",
    "nha em o phuong an khanh ninh kieu mat dien tu toi qua",
    "tram bien ap gan nha bi no, day dien dut",
    "xài 300 số, 2 hộ, giá bậc 4 hồi giá cũ, đóng qua momo được không",
    "cùng kỳ năm ngoái thì sao, thứ 7 tuần sau có cúp điện không",
    "đồng hồ điện chạy nhanh quá, hóa đơn cao bất thường",
]


def test_spacy_variant_gives_the_same_results() -> None:
    result = phrase_matching.compare(SAMPLE)
    assert result["messages"] == len(SAMPLE)
    assert result["different"] == []
