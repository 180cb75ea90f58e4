"""The report questions and confirmations (bot.wording.reports): never "em chưa hiểu",
the number masked, since when as customers read it, the configured hotline."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.clock import VN_TZ
from bot.wording import hazard, reports

NOW = datetime(2026, 11, 27, 9, tzinfo=VN_TZ)


@pytest.mark.parametrize("kind", [reports.OUTAGE, reports.HAZARD])
def test_the_place_questions_ask_for_an_address_or_a_landmark_and_a_number(kind: str) -> None:
    for text in (reports.ask_place(kind), reports.place_again(kind), reports.place_again(kind, "Phường 1")):
        assert text.startswith("Dạ") and "chưa hiểu" not in text
        assert "số nhà" in text and ("điểm dễ nhận ra" in text)
    assert "số điện thoại" in reports.ask_place(kind)


def test_the_outage_confirmation_holds_everything_a_crew_needs_the_number_masked() -> None:
    text = reports.outage_recorded(
        "SC-K7Q4-M2XP", "gần chợ Bến Thành", "14:00 hôm qua (26/11/2026)", "0909123456",
        datetime(2026, 11, 27, 11, tzinfo=VN_TZ), NOW,
    )  # fmt: skip
    for part in (
        "phiếu báo mất điện số SC-K7Q4-M2XP",
        "• Địa chỉ: gần chợ Bến Thành",
        "• Mất điện từ: 14:00 hôm qua (26/11/2026)",
        "• Số gọi lại: 09xx xxx 456",
        "dự kiến trước 11:00 hôm nay (27/11/2026)",
        "19001006",
    ):
        assert part in text
    assert "0909123456" not in text
    assert "sớm nhất có thể" in reports.outage_recorded("SC-1", "x", None, None, None, NOW)


@pytest.mark.parametrize(
    ("moment", "precision", "part", "shown"),
    [
        (datetime(2026, 11, 26, 14, tzinfo=VN_TZ), "minute", None, "14:00 hôm qua (26/11/2026)"),
        (datetime(2026, 11, 27, 7, tzinfo=VN_TZ), "part", "part:morning", "buổi sáng hôm nay (27/11/2026)"),
        (datetime(2026, 11, 21, 0, tzinfo=VN_TZ), "day", None, "ngày 21/11/2026"),
        (None, None, None, "chưa rõ"),
    ],
)
def test_since_as_customers_read_it(moment, precision, part, shown) -> None:
    assert reports.since_text(moment, precision, part, NOW) == shown


def test_cancelling_says_nothing_was_recorded_or_that_the_urgent_ticket_stays() -> None:
    assert "chưa tạo phiếu" in reports.cancelled(reports.OUTAGE) and "dừng" in reports.cancelled(
        reports.OUTAGE
    )
    assert "tránh xa" in reports.cancelled(reports.HAZARD)
    assert "SC-1 vẫn đang được xử lý" in reports.cancelled(reports.HAZARD, "SC-1")


def test_every_situation_has_short_advice_with_the_hotline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE", "19005555")
    monkeypatch.setenv("HOTLINE_ALT", "")
    for kind in hazard.known(
        ["person_shocked", "fire", "explosion", "fallen_wire", "sparking_meter", "sparking_wire",
         "flooded_transformer", "flooded_house", "leaning_pole"]
    ):  # fmt: skip
        advice = hazard.advice_for([kind])
        assert "19005555" in advice and "19001006" not in advice, kind
        assert len(advice.splitlines()) <= 6 and len(advice) < 600, kind
    household = hazard.advice_for(["leaking_appliance"], household=True)
    assert "thợ điện" in household and "phiếu KHẨN" in household  # how to escalate a leak at the meter


def test_two_situations_keep_the_most_urgent_first() -> None:
    advice = hazard.advice_for(["person_shocked", "fallen_wire"])
    lines = advice.splitlines()
    assert lines[0].startswith("⚠️ Gọi ngay 115") and any("Tránh xa dây điện" in line for line in lines)


@pytest.mark.parametrize(
    ("asked", "kinds", "part"),
    [
        (hazard.BREAKER, ["fallen_wire"], "không ngắt được điện của dây"),
        (hazard.BREAKER, ["leaning_pole", "flooded_house"], "ngập tới cầu dao"),  # one inside: the house's
        (hazard.BREAKER, [], "Dạ có"),
        (hazard.WATER, ["fallen_wire"], "nước ngập tới ổ cắm"),
        (hazard.RESCUE, [], "đừng chạm tay trần"),
        (None, ["sparking_meter"], "Không chạm vào công tơ"),
    ],
)
def test_safety_answers_fit_the_situation(asked, kinds, part) -> None:
    assert part in hazard.safety_answer(asked, kinds)
