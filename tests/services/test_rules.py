"""The operator's service rules: the shipped defaults (DOMAIN.md), another file by
SERVICE_RULES_FILE, and a clear error for a wrong file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from bot import clock
from bot.services import rules
from bot.services.rules import DEFAULT_FILE, Delay, RulesError, parse_rules


@pytest.fixture(autouse=True)
def fresh() -> None:
    rules.clear_cache()
    yield
    rules.clear_cache()


def test_the_shipped_defaults_are_domain_md() -> None:
    loaded = rules.load_rules()
    assert loaded.complaint_deadline("bill") == Delay(hours=24)
    assert loaded.complaint_deadline("outage") == Delay(hours=24)
    assert loaded.complaint_deadline("anything else") == Delay(working_days=3)
    assert loaded.payment.reconnection_hours == 24 and loaded.payment.notices_before_suspension == 2
    assert loaded.payment.term_days == 5
    assert loaded.posting["transfer"] == Delay(working_days=1) and loaded.posting["instant"].at_once
    assert len(loaded.estimate_reasons) >= 2


def test_a_delay_in_working_days_ends_at_the_end_of_that_working_day() -> None:
    friday = datetime(2026, 11, 27, 9, tzinfo=clock.VN_TZ)
    assert Delay(working_days=3).due(friday, frozenset()) == datetime(2026, 12, 2, 17, tzinfo=clock.VN_TZ)
    assert Delay(hours=24).due(friday, frozenset()) == datetime(2026, 11, 28, 9, tzinfo=clock.VN_TZ)


def test_another_file_is_quoted_as_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    raw["payment"]["reconnection_hours"] = 12
    raw["complaints"]["deadlines"]["other"] = {"working_days": 5}
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SERVICE_RULES_FILE", str(path))
    loaded = rules.load_rules()
    assert loaded.payment.reconnection_hours == 12
    assert loaded.complaint_deadline("other") == Delay(working_days=5)


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r["complaints"]["deadlines"].pop("other"),
        lambda r: r["complaints"]["deadlines"].update(bill={"hours": -1}),
        lambda r: r["complaints"]["deadlines"].update(bill={"hours": 1, "working_days": 1}),
        lambda r: r["payment"].pop("reconnection_hours"),
        lambda r: r["posting"].pop("transfer"),
        lambda r: r.update(holidays=["2026-01-01"]),
    ],
)
def test_a_wrong_file_says_what_is_wrong(change) -> None:
    raw = yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))
    change(raw)
    with pytest.raises(RulesError):
        parse_rules(raw, "test")
