"""Rate limits and operator alerts, with the database counters and with Redis (the
production profile), shared by every process that opens a unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot import clock
from bot.db import counters as counters_module
from bot.services import rate_limits, security_alerts, unit_of_work, verification
from bot.services.rate_limits import LimitScope
from bot.services.security_alerts import AlertKind
from bot.services.verification import LockReason, Requester, State
from bot.wording import security as words
from tests.support.demo import BICH, CUONG, NOW
from tests.support.services import redis_up

REDIS_URL = "redis://127.0.0.1:6379/5"


NO_REDIS = pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")


@pytest.fixture(params=["database", pytest.param("redis", marks=NO_REDIS)])
def counters_backend(
    request: pytest.FixtureRequest, demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    if request.param == "redis":
        monkeypatch.setattr(counters_module, "REDIS_KEY_PREFIX", f"evncskh:test:{uuid.uuid4().hex[:8]}:")
        monkeypatch.setenv("RATE_LIMIT_URL", REDIS_URL)
    yield request.param


def requester(n: int | str, network: str | None = None) -> Requester:
    return Requester("rest", f"sender-{n}", network=network)


def test_network_keys_are_opaque_and_group_an_ipv6_line() -> None:
    v4 = rate_limits.network_key("203.0.113.7")
    assert v4 and v4.startswith("net:") and "203" not in v4
    assert rate_limits.network_key("2001:db8:1:2::1") == rate_limits.network_key("2001:db8:1:2:ffff::9")
    assert rate_limits.network_key("2001:db8:1:3::1") != rate_limits.network_key("2001:db8:1:2::1")
    assert rate_limits.network_key("::ffff:203.0.113.7") == v4
    assert rate_limits.network_key("not an address") is None
    assert rate_limits.network_of({"client_network": v4}) == v4
    assert rate_limits.network_of({"client_network": "203.0.113.7"}) is None  # only our own keys
    assert verification.requester_for("rest", "s", {"client_network": v4}).network == v4


def test_a_sender_writing_60_messages_in_8_seconds_is_slowed_down(counters_backend: str) -> None:
    """60 messages in 8 s (issue 9): from the 21st within a minute, the polite answer."""
    who = requester("flood")
    limited = []
    with unit_of_work() as uow:
        for n in range(60):
            with clock.frozen(f"2026-11-27T09:00:{n * 8 // 60:02d}"):
                limited.append(rate_limits.note_message(uow, who))
    assert limited[:20] == [None] * 20 and all(limited[20:])
    last = limited[-1]
    assert last.scope is LimitScope.MESSAGES and last.retry_at == datetime.fromisoformat(NOW).replace(
        tzinfo=clock.VN_TZ
    ) + timedelta(minutes=1)
    with clock.frozen("2026-11-27T09:00:07"):
        text = words.rate_limited_text(last)
    assert "nhắn hơi nhanh" in text and "khoảng 53 giây" in text and "19001006" in text
    with clock.frozen("2026-11-27T09:01:30"), unit_of_work() as uow:
        assert rate_limits.note_message(uow, who) is None  # a minute later: fine again
        assert rate_limits.note_message(uow, requester("other")) is None  # others never limited


def test_failures_from_one_network_are_limited_and_alerted(
    counters_backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RATE_NETWORK_FAILURES_PER_HOUR", "5")
    network = rate_limits.network_key("198.51.100.20")
    with clock.frozen(NOW), unit_of_work() as uow:
        for n in range(5):  # five "different" senders from one address, one wrong answer each
            assert verification.verify(uow, BICH, requester(n, network), "0000").state in (
                State.NEEDS_ANSWER,
                State.LOCKED,
            )
        blocked = verification.status(uow, CUONG, requester("fresh", network))
        assert blocked.state is State.LOCKED and blocked.lock is LockReason.NETWORK
        assert verification.status(uow, CUONG, requester("elsewhere")).state is State.NEEDS_ANSWER
        alerts = security_alerts.recent_alerts(uow)
    assert [(a.kind, a.subject) for a in alerts] == [(AlertKind.NETWORK_LIMITED, network)]


def test_a_spike_of_failures_from_everyone_alerts_then_pauses_verification(
    counters_backend: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("ALERT_GLOBAL_FAILURES_PER_5MIN", "4")
    monkeypatch.setenv("RATE_GLOBAL_FAILURES_PER_5MIN", "8")
    with clock.frozen(NOW), unit_of_work() as uow:
        for n in range(8):
            verification.verify(uow, f"PB050100001{n:02d}", requester(n), "0000")
        paused = verification.verify(uow, BICH, requester("customer"), "1321")
        assert paused.state is State.LOCKED and paused.lock is LockReason.GLOBAL
        explained = verification.explain_lock(uow, paused, requester("customer"))
        alerts = security_alerts.recent_alerts(uow)
    assert explained.one_time_code is False and "tạm ngưng xác thực" in words.lock_text(explained, BICH)
    spike = [a for a in alerts if a.kind is AlertKind.FAILURE_SPIKE]
    assert len(spike) == 1 and spike[0].subject == "global" and spike[0].count >= 5  # one row, bumped
    assert "security alert failure_spike" in caplog.text and "sender-" not in caplog.text
    with clock.frozen("2026-11-27T09:05:01"), unit_of_work() as uow:
        assert verification.verify(uow, BICH, requester("customer"), "1321").verified


def test_the_desk_lists_and_acknowledges_alerts(demo_db: str) -> None:
    with clock.frozen(NOW), unit_of_work() as uow:
        first = security_alerts.raise_alert(uow, AlertKind.CODE_LOCKED, BICH)
        again = security_alerts.raise_alert(uow, AlertKind.CODE_LOCKED, BICH)
        other = security_alerts.raise_alert(uow, AlertKind.CODE_LOCKED, CUONG)
        assert again.id == first.id and again.count == 2
        assert [a.id for a in security_alerts.recent_alerts(uow)] == [other.id, first.id]
        assert security_alerts.acknowledge(uow, first.id, "agent-7")
        assert not security_alerts.acknowledge(uow, first.id, "agent-8")  # once
        assert [a.id for a in security_alerts.recent_alerts(uow)] == [other.id]
        shown = security_alerts.recent_alerts(uow, include_acknowledged=True)
        assert {a.id: a.acknowledged_by for a in shown} == {other.id: None, first.id: "agent-7"}
        # After acknowledgement a new event opens a new alert.
        assert security_alerts.raise_alert(uow, AlertKind.CODE_LOCKED, BICH).id != first.id


def test_redis_down_leaves_the_limits_open_and_says_so_once(
    demo_db: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("RATE_LIMIT_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    with clock.frozen(NOW), unit_of_work() as uow:
        assert all(rate_limits.note_message(uow, requester("x")) is None for _ in range(30))
        for answer in ("0000", "1111", "2222"):  # the lock itself lives in the database
            result = verification.verify(uow, BICH, requester("x"), answer)
    assert result.state is State.LOCKED and result.lock is LockReason.REQUESTER
    assert caplog.text.count("Redis unavailable") == 1
