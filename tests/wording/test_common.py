"""What every topic's wording shares: the hotline from the configuration, one apology."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot import clock
from bot.wording import common


def test_the_hotline_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOTLINE", raising=False)
    monkeypatch.delenv("HOTLINE_ALT", raising=False)
    assert common.hotlines() == "19001006 hoặc 19009000"
    monkeypatch.setenv("HOTLINE", "19005555")
    assert common.hotlines() == "19005555 hoặc 19009000"
    monkeypatch.setenv("HOTLINE_ALT", "")
    assert common.hotlines() == "19005555"
    monkeypatch.setenv("HOTLINE_ALT", "19005555")  # the same number is not said twice
    assert common.hotlines() == "19005555"


def test_one_apology_when_the_data_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOTLINE", "19005555")
    text = common.database_unavailable()
    assert text.startswith("Dạ, em xin lỗi") and "tạm gián đoạn" in text and "19005555" in text


def test_the_actions_apologise_with_the_same_words() -> None:
    """Both action kits use the one apology (no second wording of it anywhere)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    sources = [p.read_text(encoding="utf-8") for p in (root / "actions").glob("*.py")]
    sources += [p.read_text(encoding="utf-8") for p in (root / "bot").rglob("*.py")]
    assert sum("tạm gián đoạn nên em chưa" in source for source in sources) == 1


def test_moments_are_named_from_today() -> None:
    now = datetime(2026, 11, 27, 9, 0, tzinfo=clock.VN_TZ)
    assert common.moment_text(now.replace(hour=16), now) == "16:00 hôm nay (27/11/2026)"
    assert common.moment_text(datetime(2026, 11, 28, 7, 30, tzinfo=clock.VN_TZ), now) == (
        "07:30 ngày mai (28/11/2026)"
    )
    assert (
        common.moment_text(datetime(2026, 12, 3, 7, 30, tzinfo=clock.VN_TZ), now) == "07:30 ngày 03/12/2026"
    )
    assert common.time_span(now.replace(hour=7, minute=30), now.replace(hour=16)) == "07:30–16:00"
