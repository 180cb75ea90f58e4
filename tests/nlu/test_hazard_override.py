"""Hazard wording forces report_hazard; harmless look-alikes do not."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY

from bot.nlu.hazard_override import HAZARD_PROPERTY, HazardOverride
from bot.nlu.normaliser import VietnameseNormaliser
from tests.nlu.conftest import message


@pytest.fixture(scope="module")
def override() -> HazardOverride:
    return HazardOverride.create({}, None, None, None)


def classified(text: str, intent: str, confidence: float = 0.9):
    msg = message(text)
    VietnameseNormaliser.create({}, None, None, None).process([msg])
    msg.set(INTENT, {"name": intent, "confidence": confidence})
    msg.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence},
                                 {"name": "report_hazard", "confidence": 0.05}])
    return msg


@pytest.mark.parametrize(
    "text",
    [
        "đứt dây điện trước nhà", "dut day dien truoc nha", "dây điện rớt xuống đường",
        "day dien rot ngoai hem", "ổ cắm bị chập", "cột điện tóe lửa", "xet lua o tru dien",
        "nhà hàng xóm cháy rồi", "công tơ bị cháy", "nghe tiếng nổ ở trạm", "nghe tieng no o tram",
        "con em bị điện giật", "bi dien giat", "trụ điện nghiêng sắp ngã", "cot dien nga ra duong",
        "có mùi khét ở đồng hồ điện", "bốc khói ở cầu dao",
        "cot dien bi gay", "tram bien ap gan nha bi no", "cột điện đầu hẻm bị gãy rồi",
        "nhà tui bị ngập nước tới ổ cắm", "sờ vào tủ lạnh bị giật",
    ],
)
def test_hazard_wording_wins_over_the_classifier(override, text: str) -> None:
    msg = classified(text, "report_outage")
    override.process([msg])
    assert msg.get(INTENT) == {"name": "report_hazard", "confidence": 1.0}
    ranking = msg.get(INTENT_RANKING_KEY)
    assert ranking[0]["name"] == "report_hazard"
    assert [r["name"] for r in ranking].count("report_hazard") == 1
    assert msg.get(HAZARD_PROPERTY)


def test_hazard_wins_over_the_fallback(override) -> None:
    msg = classified("đứt dây rồi", "nlu_fallback", 0.5)
    override.process([msg])
    assert msg.get(INTENT)["name"] == "report_hazard"


@pytest.mark.parametrize(
    "text",
    [
        "tiền điện cháy túi luôn",
        "đồng hồ chạy nhanh quá",
        "dong ho chay nhanh qua",
        "dong ho dang chay",
        "tui còn nợ tiền điện không",
        "toi con no tien dien khong",
        "no bao nhieu",
        "nợ lớn quá",
        "điện chập chờn cả ngày",
        "giật mình vì hóa đơn",
        "mất điện từ sáng",
        "chạy dây điện mới",
        "xem giup chi so dong ho dien nha em",  # "ho dien" is not "hở điện"
        "day roi ad",  # "đây rồi"
        "tui kiem tra day dien roi",  # "dây điện rồi"
        # meter and bill questions are never danger
        "đồng hồ điện chạy nhanh", "dong ho dien", "dong ho dien chay nhanh qua",
        "hóa đơn cao bất thường", "hoa don cao bat thuong", "dong ho dien van chay du tat het do",
        "điện kế nhảy số hoài", "tru dien do la cua ai",  # "trụ điện đó"
    ],
)
def test_collisions_are_not_hazards(override, text: str) -> None:
    msg = classified(text, "ask_debt")
    override.process([msg])
    assert msg.get(INTENT)["name"] == "ask_debt"
    assert msg.get(HAZARD_PROPERTY) is None


def test_messages_without_text_pass(override) -> None:
    msg = message("")
    override.process([msg])
    assert msg.get(INTENT) is None


def classified_as(text: str, ranking: list[tuple[str, float]]):
    msg = message(text)
    VietnameseNormaliser.create({}, None, None, None).process([msg])
    msg.set(INTENT, {"name": ranking[0][0], "confidence": ranking[0][1]})
    msg.set(INTENT_RANKING_KEY, [{"name": n, "confidence": c} for n, c in ranking])
    return msg


@pytest.mark.parametrize(
    "text",
    ["dây điện rớt thì nên làm gì", "có nên cúp CB khi nhà bị ngập không",
     "tu lanh ro dien xu ly the nao", "có người bị điện giật thì cứu sao cho đúng"],
)
def test_a_safety_question_keeps_ask_safety(override, text: str) -> None:
    msg = classified_as(text, [("nlu_fallback", 0.3), ("ask_safety", 0.25), ("report_hazard", 0.2)])
    override.process([msg])
    assert msg.get(INTENT) == {"name": "ask_safety", "confidence": 0.25}
    assert msg.get(HAZARD_PROPERTY)


@pytest.mark.parametrize(
    ("text", "ranking"),
    [
        ("dây điện rớt trước nhà", [("ask_safety", 0.6), ("report_hazard", 0.3)]),  # no question
        ("dây điện rớt thì nên làm gì", [("report_outage", 0.6), ("ask_safety", 0.3)]),
        ("con bo bi dien giat", [("ask_safety", 0.58), ("report_hazard", 0.27)]),
    ],
)
def test_other_readings_of_danger_still_become_report_hazard(override, text, ranking) -> None:
    msg = classified_as(text, ranking)
    override.process([msg])
    assert msg.get(INTENT) == {"name": "report_hazard", "confidence": 1.0}
