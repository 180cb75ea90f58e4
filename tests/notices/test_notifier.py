"""The notifier against fake channel APIs: every channel, the platforms' windows, retries,
rate limits, an error in the middle of a batch, interrupted notices, two notifiers."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta

import pytest

from bot import clock
from bot.domain.notices import Timing
from bot.services import channel_clock, notice_sync, planned_outages, unit_of_work
from bot.services.channel_clock import real_now
from bot.services.notice_delivery import take_interrupted
from tests.notices.helpers import rows, subscribe, touch

VN = clock.VN_TZ


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


def add_outage(url: str, station: str = "PB1102-T002", start: datetime | None = None) -> str:
    start = start or at(1, 7, 30)
    with unit_of_work(url) as uow:
        outage = planned_outages.add_outage(
            uow,
            starts_at=start,
            ends_at=start.replace(hour=16, minute=0),
            reason="Bảo trì, sửa chữa lưới điện",
            stations=[station],
            area="Một phần Phường Tân An",
        )
        notice_sync.sync_outage(uow, outage.code, Timing())
    return outage.code


@pytest.fixture
def world(outage_db: str) -> str:
    # Everyone on station PB1102-T002, one per channel.
    subscribe(outage_db, "zalo", "1001", "PB11020000102")
    subscribe(outage_db, "facebook", "2002", "PB11020000102")
    subscribe(outage_db, "callback", "cb-3003", "PB11020000102")
    subscribe(outage_db, "socketio", "abc4004", "PB11020000103")
    touch(outage_db, "zalo", "1001")  # wrote to the OA a moment ago
    touch(outage_db, "facebook", "2002")
    return outage_db


async def test_a_planned_outage_reaches_every_channel(world: str, platforms, make_notifier) -> None:
    code = add_outage(world)
    report = await make_notifier(world).run_once()
    assert platforms.problems() == []
    zalo = platforms.zalo.texts_to("1001")
    assert len(zalo) == 1 and "• Khu vực: Một phần Phường Tân An" in zalo[0]
    assert "• Thời gian: 07:30–16:00, thứ Ba 01/12/2026" in zalo[0]
    assert "• Lý do: Bảo trì, sửa chữa lưới điện" in zalo[0] and "PB11020000102" in zalo[0]
    zalo_body = platforms.zalo.sent[0]
    assert zalo_body["message"]["attachment"]["payload"]["buttons"][0]["payload"] == "/unsubscribe_alerts"
    messenger = [b for b in platforms.graph.sent if b["recipient"]["id"] == "2002"]
    assert len(messenger) == 1 and messenger[0]["messaging_type"] == "UPDATE"
    assert messenger[0]["message"]["text"] == zalo[0]
    deliveries = {(channel, conversation) for channel, conversation, _ in platforms.rasa.deliveries}
    assert {("callback", "cb-3003"), ("socketio", "web:abc4004")} <= deliveries
    event = platforms.rasa.events["cb-3003"][0]
    assert event["text"] == zalo[0] and event["metadata"]["notice"]["event"] == code
    assert event["data"]["buttons"] == [{"title": "Ngừng nhận thông báo", "payload": "/unsubscribe_alerts"}]
    sent = rows(world, event_ref=code, kind="planned")
    assert {r["status"] for r in sent} == {"sent"} and len(sent) == 4
    assert next(r for r in sent if r["channel"] == "zalo")["platform_message_id"].startswith("zm")
    assert report.outcomes["sent"] >= 4


async def test_zalo_outside_its_window_is_refused_and_recorded(world: str, platforms, make_notifier) -> None:
    subscribe(world, "zalo", "5005", "PB11020000103")  # never wrote to the OA
    subscribe(world, "zalo", "6006", "PB11020000103")
    touch(world, "zalo", "6006", real_now() - timedelta(hours=49))  # too long ago
    subscribe(world, "zalo", "7007", "PB11020000103")
    touch(world, "zalo", "7007", real_now() - timedelta(hours=1))
    with unit_of_work(world) as uow:  # the bot answered 8 times since
        from bot.services import outbox

        for _ in range(8):
            outbox.enqueue(uow, "zalo", "7007", {"text": "..."})
    code = add_outage(world)
    await make_notifier(world).run_once()
    assert platforms.zalo.texts_to("5005") == platforms.zalo.texts_to("6006") == []
    assert platforms.zalo.texts_to("7007") == [] and len(platforms.zalo.texts_to("1001")) == 1
    refused = {r["conversation_id"]: r["last_error"] for r in rows(world, event_ref=code, status="refused")}
    assert set(refused) == {"zalo:5005", "zalo:6006", "zalo:7007"}
    assert "no interaction with the OA in the last 48 h" in refused["zalo:5005"]
    assert "8 messages already sent since the user's last interaction" in refused["zalo:7007"]


async def test_zalo_counts_its_own_notices_in_the_window(world: str, platforms, make_notifier) -> None:
    notifier = make_notifier(world, zalo_max_per_window=2)
    codes = {add_outage(world), add_outage(world, start=at(2, 7, 30)), add_outage(world, start=at(3, 7))}
    await notifier.run_once()
    assert len(platforms.zalo.texts_to("1001")) == 2
    mine = [r for r in rows(world, channel="zalo", kind="planned") if r["event_ref"] in codes]
    assert sorted(r["status"] for r in mine) == ["refused", "sent", "sent"]
    touch(world, "zalo", "1001")  # the user writes again: the window opens again for the reminders
    with clock.frozen(at(30, 8, 0, 11)):
        await notifier.run_once()
    assert len(platforms.zalo.texts_to("1001")) == 3 and "xin nhắc" in platforms.zalo.texts_to("1001")[-1]


async def test_messenger_outside_24_hours_needs_a_tag(world: str, platforms, make_notifier) -> None:
    subscribe(world, "facebook", "8008", "PB11020000103")
    touch(world, "facebook", "8008", real_now() - timedelta(hours=30))
    code = add_outage(world)
    await make_notifier(world).run_once()
    assert [b for b in platforms.graph.sent if b["recipient"]["id"] == "8008"] == []
    refused = rows(world, event_ref=code, conversation_id="facebook:8008")[0]
    assert refused["status"] == "refused" and "no message tag is configured" in refused["last_error"]
    code = add_outage(world, start=at(2, 7, 30))
    await make_notifier(world, facebook_tag="CONFIRMED_EVENT_UPDATE").run_once()
    tagged = [b for b in platforms.graph.sent if b["recipient"]["id"] == "8008"]
    assert len(tagged) == 1 and tagged[0]["messaging_type"] == "MESSAGE_TAG"
    assert tagged[0]["tag"] == "CONFIRMED_EVENT_UPDATE" and platforms.problems() == []


async def test_a_transient_failure_is_retried_with_backoff_a_permanent_one_recorded(
    world: str, platforms, make_notifier
) -> None:
    platforms.zalo.script[:] = ["http503"]
    platforms.graph.script[:] = [551]  # "this person isn't available right now"
    code = add_outage(world)
    notifier = make_notifier(world)
    await notifier.run_once()
    zalo = rows(world, event_ref=code, channel="zalo", kind="planned")[0]
    assert zalo["status"] == "pending" and zalo["attempts"] == 1 and zalo["last_error"] == "HTTP 503"
    assert zalo["next_attempt_at"] > real_now()  # not before its delay
    facebook = rows(world, event_ref=code, channel="facebook", kind="planned")[0]
    assert facebook["status"] == "failed" and "Graph error 551" in facebook["last_error"]
    await notifier.run_once()
    assert platforms.zalo.texts_to("1001") == []  # the delay (1 s here) has not passed
    channel_clock.advance(2)
    await notifier.run_once()
    assert len(platforms.zalo.texts_to("1001")) == 1
    zalo = rows(world, event_ref=code, channel="zalo", kind="planned")[0]
    assert zalo["status"] == "sent" and zalo["attempts"] == 2 and zalo["last_error"] is None


async def test_a_failure_after_the_platform_took_the_notice_is_no_duplicate(
    world: str, platforms, make_notifier
) -> None:
    platforms.rasa.script[:] = ["stored500", "stored500"]  # kept in the tracker, then an error
    code = add_outage(world)
    notifier = make_notifier(world)
    await notifier.run_once()
    channel_clock.advance(2)
    await notifier.run_once()
    assert len(platforms.rasa.texts_to("cb-3003")) == 1 and len(platforms.rasa.texts_to("web:abc4004")) == 1
    for conversation in ("cb-3003", "web:abc4004"):
        notice = rows(world, event_ref=code, conversation_id=conversation, kind="planned")[0]
        assert (notice["status"], notice["attempts"]) == ("sent", 2)


async def test_gives_up_after_the_last_attempt(world: str, platforms, make_notifier) -> None:
    platforms.rasa.script[:] = ["http500"] * 10
    code = add_outage(world, station="PB1102-T002")
    notifier = make_notifier(world, max_attempts=3)
    for _ in range(4):
        await notifier.run_once()
        channel_clock.advance(600)
    for conversation in ("cb-3003", "web:abc4004"):
        notice = rows(world, event_ref=code, conversation_id=conversation, kind="planned")[0]
        assert (notice["status"], notice["attempts"], notice["last_error"]) == ("failed", 3, "HTTP 500")
    assert len(platforms.rasa.script) == 4  # 3 tries each, no fourth


async def test_sending_respects_the_rate_of_the_channel(outage_db: str, platforms, make_notifier) -> None:
    for n in range(30):
        subscribe(outage_db, "callback", f"cb-{n}", "PB11020000102")
    add_outage(outage_db)
    notifier = make_notifier(outage_db, rate_web=20.0)
    started = time.monotonic()
    await notifier.run_once()
    assert len(platforms.rasa.deliveries) == 30
    assert time.monotonic() - started >= (30 - 20) / 20 * 0.9  # a burst of 20, then 20 a second


async def test_an_error_in_the_middle_of_a_batch_loses_nothing_and_duplicates_nothing(
    outage_db: str, platforms, make_notifier
) -> None:
    for n in range(40):
        subscribe(outage_db, "callback", f"cb-{n}", "PB11020000102")
    code = add_outage(outage_db)
    notifier = make_notifier(outage_db, batch_size=15)
    route = notifier.routes["callback"]
    calls = 0

    class Flaky:
        async def send(self, notice, text, buttons):
            nonlocal calls
            calls += 1
            if calls in (7, 8, 21):
                raise RuntimeError("a bug in the middle of the batch")
            return await route.send(notice, text, buttons)

        async def delivered(self, notice, text):
            return await route.delivered(notice, text)

    notifier.routes["callback"] = Flaky()
    await notifier.run_once()
    channel_clock.advance(5)
    await notifier.run_once()
    received = sorted(conversation for _, conversation, _ in platforms.rasa.deliveries)
    assert received == sorted(f"cb-{n}" for n in range(40))  # each exactly once
    assert {r["status"] for r in rows(outage_db, event_ref=code, kind="planned")} == {"sent"}


async def test_a_notifier_killed_mid_batch_is_taken_over_without_duplicates(
    outage_db: str, platforms, make_notifier
) -> None:
    """Simulated in process: the notifier dies (BaseException) after 12 sends, its claimed
    notices stay 'sending'; after the lease another notifier asks the platforms."""
    for n in range(20):
        subscribe(outage_db, "zalo", f"90{n:02d}", "PB11020000102")
        touch(outage_db, "zalo", f"90{n:02d}")
        subscribe(outage_db, "callback", f"cb-{n}", "PB11020000102")
    code = add_outage(outage_db)

    class Died(BaseException):
        pass

    dying = make_notifier(outage_db, lease_s=1, concurrency=2)
    sent = in_flight = 0

    class Dies:
        def __init__(self, route):
            self.route = route

        async def send(self, notice, text, buttons):
            nonlocal sent, in_flight
            if sent >= 12:
                raise Died
            in_flight += 1
            try:
                result = await self.route.send(notice, text, buttons)
            finally:
                in_flight -= 1
            sent += 1
            return result

    for channel in ("zalo", "callback"):
        dying.routes[channel] = Dies(dying.routes[channel])
    with pytest.raises(Died):
        await _without_recording(dying)
    while in_flight:  # what was in flight when it died lands too
        await asyncio.sleep(0.02)
    delivered = len(platforms.zalo.sent) + len(platforms.rasa.deliveries)
    assert 12 <= delivered < 40
    assert len(rows(outage_db, event_ref=code, status="sending")) == 40  # nothing was recorded
    channel_clock.advance(2)
    report = await make_notifier(outage_db).run_once()
    assert report.recovered == delivered and report.requeued == 40 - delivered
    for n in range(20):
        assert len(platforms.zalo.texts_to(f"90{n:02d}")) == 1
        assert len(platforms.rasa.texts_to(f"cb-{n}")) == 1
    assert {r["status"] for r in rows(outage_db, event_ref=code, kind="planned")} == {"sent"}


async def _without_recording(notifier) -> None:
    """A round whose process dies before it records anything (no flush, no close)."""
    from bot.notify import notifier as module

    class Silent(module._Recorder):
        def add(self, outcome):
            self.waiting.append(outcome)

        async def close(self):
            pass

    original = module._Recorder
    module._Recorder = Silent
    try:
        await notifier.run_once()
    finally:
        module._Recorder = original


async def test_an_interrupted_notice_the_platform_has_is_not_sent_again(
    world: str, platforms, make_notifier
) -> None:
    code = add_outage(world)
    notifier = make_notifier(world, lease_s=1)
    with unit_of_work(world) as uow:  # a notifier claimed them, sent two, then vanished
        from bot.services.notice_delivery import Policy, claim_due

        claimed = claim_due(uow, Policy(lease=timedelta(seconds=1)), 100).notices
    by_channel = {n.channel: n for n in claimed if n.event_ref == code}
    from bot.wording.notices import notice_buttons, notice_text

    for channel in ("zalo", "callback"):
        notice = by_channel[channel]
        await notifier.routes[channel].send(notice, notice_text(notice), notice_buttons())
    channel_clock.advance(2)
    report = await notifier.run_once()
    assert report.recovered == 2  # zalo and callback asked back and found
    assert len(platforms.zalo.texts_to("1001")) == 1 and len(platforms.rasa.texts_to("cb-3003")) == 1
    assert len(platforms.rasa.texts_to("web:abc4004")) == 1  # not there: sent now
    assert len([b for b in platforms.graph.sent if b["recipient"]["id"] == "2002"]) == 1  # cannot ask: sent
    assert {r["status"] for r in rows(world, event_ref=code, kind="planned")} == {"sent"}
    assert platforms.zalo.history_requests == 1


async def test_a_notice_still_leased_by_a_working_notifier_is_not_taken(world: str, make_notifier) -> None:
    add_outage(world)
    with unit_of_work(world) as uow:
        from bot.services.notice_delivery import Policy, claim_due

        assert claim_due(uow, Policy(), 100).notices
    with unit_of_work(world) as uow:
        assert take_interrupted(uow, Policy(), 100) == []


async def test_a_reminder_too_late_expires_instead_of_going(world: str, platforms, make_notifier) -> None:
    code = add_outage(world)
    notifier = make_notifier(world)
    await notifier.run_once()
    with clock.frozen(at(1, 8)):  # the notifier was down from 30/11 08:00 until after the start
        await notifier.run_once()
    reminders = rows(world, event_ref=code, kind="reminder")
    assert {r["status"] for r in reminders} == {"expired"}
    assert len(platforms.zalo.texts_to("1001")) == 1  # the announcement only


async def test_two_notifiers_never_send_the_same_notice(outage_db_any: str, platforms, make_notifier) -> None:
    url = outage_db_any
    for n in range(60):
        subscribe(url, "callback", f"cb-{n}", "PB11020000102")
    add_outage(url)
    first, second = make_notifier(url, batch_size=7), make_notifier(url, batch_size=5)
    await asyncio.gather(first.run_once(), second.run_once())
    received = sorted(conversation for _, conversation, _ in platforms.rasa.deliveries)
    assert received == sorted(f"cb-{n}" for n in range(60))
