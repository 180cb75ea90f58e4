"""Subscribing and unsubscribing (bot.services.notices), as the conversation engine calls
them, and the supervisors' counts."""

from __future__ import annotations

import pytest

from bot import clock
from bot.domain.codes import CodeProblem
from bot.services import notices, unit_of_work, verification
from bot.services.notices import ChannelLimit, SubscribeStatus, UnsubscribeStatus
from bot.services.verification import Requester, State
from bot.wording import notices as words
from tests.notices.helpers import rows, subscribe

ZALO_USER = Requester("zalo", "1001", persistent=True)


def _subscribe(url: str, requester: Requester, conversation: str, channel: str, code: str | None):
    with unit_of_work(url) as uow:
        return notices.subscribe(uow, requester, conversation, channel, code)


def test_a_linked_zalo_user_subscribes_for_their_code(outage_db: str) -> None:
    with unit_of_work(outage_db) as uow:
        uow.identity.link("zalo", "1001", "PB11020000002")
    result = _subscribe(outage_db, ZALO_USER, "zalo:1001", "zalo", None)  # the one linked code
    assert result.status is SubscribeStatus.SUBSCRIBED and result.customer_code == "PB11020000002"
    assert (result.area.station_code, result.area.ward, result.area.province) == (
        "PB1102-T001",
        "Phường Tân An",
        "Thành phố Cần Thơ",
    )
    assert [item.code for item in result.upcoming] == ["KH26120301"]  # 03/12, not the cancelled one
    assert (result.limit, result.limit_hours) == (ChannelLimit.ZALO_WINDOW, 48)
    text = words.subscribe_text(result)
    assert "Phường Tân An, Thành phố Cần Thơ (mã khách hàng PB11020000002)" in text
    assert "• 07:30–16:00, thứ Năm 03/12/2026 (bảo trì, sửa chữa lưới điện)" in text
    assert "trong vòng 48 giờ sau lần gần nhất" in text
    again = _subscribe(outage_db, ZALO_USER, "zalo:1001", "zalo", "pb 1102 0000002")
    assert again.status is SubscribeStatus.ALREADY_SUBSCRIBED
    with unit_of_work(outage_db) as uow:
        assert [s.customer_code for s in notices.subscriptions(uow, "zalo:1001", "zalo")] == ["PB11020000002"]


def test_nothing_is_stored_without_verification(outage_db: str) -> None:
    stranger = Requester("zalo", "666", persistent=True)
    result = _subscribe(outage_db, stranger, "zalo:666", "zalo", "PB11020000002")
    assert result.status is SubscribeStatus.NEEDS_VERIFICATION
    assert result.verification.state is State.NEEDS_ANSWER
    assert "nhập 4 số cuối của số điện thoại" in words.subscribe_text(result)
    with unit_of_work(outage_db) as uow:
        assert notices.subscriptions(uow, "zalo:666", "zalo") == ()


def test_a_session_verified_in_the_conversation_may_subscribe(outage_db: str) -> None:
    result = subscribe(outage_db, "callback", "cb-1", "PB11020000106")  # verified 4 digits this session
    assert result.status is SubscribeStatus.SUBSCRIBED and result.area.station_code is None
    assert result.limit is None and "Lưu ý" not in words.subscribe_text(result)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("PB1102", CodeProblem.BAD_FORMAT),
        ("XX11020000002", CodeProblem.UNKNOWN_PREFIX),
        ("'; DROP TABLE x", None),
    ],
)
def test_a_malformed_code_is_explained(outage_db: str, raw: str, problem) -> None:
    result = _subscribe(outage_db, ZALO_USER, "zalo:1001", "zalo", raw)
    assert result.status is SubscribeStatus.BAD_CODE
    assert problem is None or result.code_problem is problem
    assert words.subscribe_text(result).startswith("Dạ")


def test_a_code_nobody_has_is_asked_for_the_digits_like_any_other(outage_db: str) -> None:
    unknown = _subscribe(outage_db, ZALO_USER, "zalo:1001", "zalo", "PB99999999999")
    known = _subscribe(outage_db, ZALO_USER, "zalo:1001", "zalo", "PB11020000002")
    assert unknown.status is known.status is SubscribeStatus.NEEDS_VERIFICATION
    assert words.subscribe_text(unknown) == words.subscribe_text(known).replace(
        "PB11020000002", "PB99999999999"
    )


def test_a_locked_code_says_why_and_until_when(outage_db: str) -> None:
    with unit_of_work(outage_db) as uow:
        for _ in range(3):
            verification.verify(uow, "PB11020000002", ZALO_USER, "0000")
    result = _subscribe(outage_db, ZALO_USER, "zalo:1001", "zalo", "PB11020000002")
    assert result.status is SubscribeStatus.NEEDS_VERIFICATION and result.lock is not None
    assert "tạm ngưng xác thực" in words.subscribe_text(result)


def test_without_a_code_several_known_codes_are_offered(outage_db: str) -> None:
    assert _subscribe(outage_db, ZALO_USER, "zalo:1001", "zalo", None).status is SubscribeStatus.NEEDS_CODE
    with unit_of_work(outage_db) as uow:
        uow.identity.link("zalo", "1001", "PB11020000002")
        uow.identity.link("zalo", "1001", "PB11020000102")
    result = _subscribe(outage_db, ZALO_USER, "zalo:1001", "zalo", None)
    assert result.status is SubscribeStatus.NEEDS_CODE and result.known_codes == (
        "PB11020000002",
        "PB11020000102",
    )
    assert [b["payload"] for b in words.subscribe_buttons(result)] == ["PB11020000002", "PB11020000102"]


@pytest.mark.parametrize(
    ("channel", "conversation"),
    [
        ("rest", "someone"),  # nobody to push to
        ("zalo", "facebook:1001"),  # not the channel's own id
        ("callback", "zalo:1001"),  # a reserved prefix
        ("socketio", "web:"),
        ("telegram", "tg:1"),
        ("zalo", "zalo:" + "9" * 200),
        ("callback", "an id with spaces"),  # Rasa's API could not address it
        ("callback", "a?b"),
        ("callback", "50%"),
    ],
)
def test_channels_that_cannot_be_reached_later_cannot_subscribe(
    outage_db: str, channel, conversation
) -> None:
    with unit_of_work(outage_db) as uow:
        uow.identity.link("zalo", "1001", "PB11020000002")
    result = _subscribe(outage_db, ZALO_USER, conversation, channel, "PB11020000002")
    assert result.status is SubscribeStatus.CHANNEL_NOT_SUPPORTED
    assert "chưa nhận được tin nhắn chủ động" in words.subscribe_text(result)


def test_unsubscribe_one_code_or_all(outage_db: str) -> None:
    subscribe(outage_db, "zalo", "1001", "PB11020000002")
    subscribe(outage_db, "zalo", "1001", "PB11020000102")
    with unit_of_work(outage_db) as uow:
        one = notices.unsubscribe(uow, ZALO_USER, "zalo:1001", "zalo", "PB11020000102")
    assert one.status is UnsubscribeStatus.UNSUBSCRIBED and one.remaining == ("PB11020000002",)
    assert "vẫn nhận thông báo cho mã PB11020000002" in words.unsubscribe_text(one)
    with unit_of_work(outage_db) as uow:
        rest = notices.unsubscribe(uow, ZALO_USER, "zalo:1001", "zalo")
        none = notices.unsubscribe(uow, ZALO_USER, "zalo:1001", "zalo")
    assert rest.customer_codes == ("PB11020000002",) and rest.remaining == ()
    assert none.status is UnsubscribeStatus.NOT_SUBSCRIBED
    assert "chưa đăng ký nhận thông báo" in words.unsubscribe_text(none)


def test_subscribing_again_after_unsubscribing_starts_afresh(outage_db: str) -> None:
    first = subscribe(outage_db, "zalo", "1001", "PB11020000002")
    with unit_of_work(outage_db) as uow:
        notices.unsubscribe(uow, ZALO_USER, "zalo:1001", "zalo")
        old_id = uow.notices.max_subscription_id()
    again = subscribe(outage_db, "zalo", "1001", "PB11020000002")
    assert first.status is again.status is SubscribeStatus.SUBSCRIBED
    with unit_of_work(outage_db) as uow:
        assert uow.notices.max_subscription_id() > old_id  # a new row: matched like a new subscriber
        assert len(uow.notices.subscriptions_of("zalo", "zalo:1001")) == 1


def test_delivery_counts_for_the_supervisors(outage_db: str) -> None:
    from bot.domain.notices import Timing
    from bot.services import notice_sync

    subscribe(outage_db, "zalo", "1001", "PB11020000002")
    subscribe(outage_db, "callback", "cb", "PB11020000002")
    with unit_of_work(outage_db) as uow:
        notice_sync.sync(uow, Timing())
        from bot.services.notice_delivery import Policy, claim_due

        claim_due(uow, Policy(), 100)  # the Zalo user never wrote: refused
        counts = notices.delivery_counts(uow)
    assert counts.subscribers == {"callback": 1, "zalo": 1}
    assert counts.by_channel["zalo"]["refused"] == 1 and counts.by_channel["callback"]["sending"] == 1
    assert counts.totals["pending"] == len(rows(outage_db, status="pending")) and counts.waiting >= 1
    assert counts.problems[0].channel == "zalo" and "48 h" in counts.problems[0].reason
    with unit_of_work(outage_db) as uow:
        assert notices.event_deliveries(uow, "KH26120301") == {
            "planned": {"refused": 1, "sending": 1},
            "reminder": {"pending": 2},
        }


def test_deliveries_by_event_for_the_supervisors(outage_db: str) -> None:
    from bot.domain.notices import Timing
    from bot.services import notice_sync
    from bot.services.notice_delivery import Policy, claim_due

    subscribe(outage_db, "zalo", "1001", "PB11020000002")
    subscribe(outage_db, "callback", "cb", "PB11020000002")
    with unit_of_work(outage_db) as uow:
        notice_sync.sync(uow, Timing())
        claim_due(uow, Policy(), 100)
        events = notices.deliveries_by_event(uow)
        later = clock.now().replace(year=2100)  # created_at is the real clock's (notice_delivery)
        assert notices.deliveries_by_event(uow, since=later) == []
    planned = next(e for e in events if e.event_ref == "KH26120301")
    assert planned.kinds == ("planned", "reminder")
    assert (planned.counts["refused"], planned.counts["sending"], planned.counts["pending"]) == (1, 1, 2)
    assert planned.waiting == 3 and sum(planned.counts.values()) == 4
    assert [e.last_at for e in events] == sorted((e.last_at for e in events), reverse=True)
