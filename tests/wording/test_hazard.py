"""The safety advice of DOMAIN.md "Safety", given before anything else."""

from __future__ import annotations

import pytest

from bot.services import hazard
from bot.wording import hazard as words


def test_the_advice_says_what_domain_md_asks_for() -> None:
    advice = words.safety_advice(hazard.people_at_risk("dây điện bị đứt rơi xuống đường"))
    assert advice.startswith("Dạ")
    for must in (
        "Tránh xa",
        "nhắc mọi người",
        "không chạm",
        "tay trần",
        "cầu dao",
        "nếu làm được an toàn",
        "114",
        "115",
        "19001006",
        "19009000",
    ):
        assert must in advice, must
    assert "mã khách hàng" not in advice  # nothing is asked before the advice


@pytest.mark.parametrize(
    "text",
    [
        "có người bị điện giật",
        "co nguoi bi dien giat",
        "nhà hàng xóm cháy rồi",
        "tru dien no lon lam",
        "bé bị giật",
    ],
)
def test_people_at_risk_or_fire_put_114_and_115_first(text: str) -> None:
    advice = words.safety_advice(hazard.people_at_risk(text))
    assert advice.splitlines()[0].startswith("⚠️") and "114" in advice.splitlines()[0]
    assert advice.count("114") == 1


def test_without_people_at_risk_the_advice_starts_with_keeping_away() -> None:
    advice = words.safety_advice(hazard.people_at_risk("trụ điện bị nghiêng"))
    assert advice.splitlines()[0].startswith("Dạ")


def test_the_hotline_comes_from_the_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE", "19005555")
    monkeypatch.setenv("HOTLINE_ALT", "")
    advice = words.safety_advice()
    assert "19005555 (24/7)" in advice and "19001006" not in advice and "19009000" not in advice
