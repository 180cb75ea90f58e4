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
