"""The handoff service (bot side and desk side) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.db.models import (
    DeskSession,
    Handoff,
    HandoffCallback,
    HandoffRating,
    HandoffReason,
    HandoffStatus,
)
from bot.services import (
    UnitOfWork,
    handoff,
    handoff_config,
    handoff_desk,
    handoff_messages,
    handoff_queue,
    handoff_stats,
)
from bot.services.handoff import CallbackReason, HandoffError, HandoffRequest
from bot.services.handoff_desk import DeskError
from bot.services.handoff_hours import Window, callback_window
from bot.services.handoff_summary import ConversationContext, Utterance
from tests.handoff.conftest import Team

VN = clock.VN_TZ


def ask(uow: UnitOfWork, who: str, reason: HandoffReason = HandoffReason.REQUEST, channel: str = "callback"):
    return handoff.open_handoff(uow, HandoffRequest(who, channel, reason))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


# ------------------------------------------------------------------------ queue


def test_queue_is_served_by_priority_then_waiting_time(uow: UnitOfWork, agents: Team) -> None:
    with clock.frozen("2026-11-27T09:00"):
        first = ask(uow, "c-1")
    with clock.frozen("2026-11-27T09:02"):
        second = ask(uow, "c-2", HandoffReason.COMPLAINT)  # high
    with clock.frozen("2026-11-27T09:04"):
        third = ask(uow, "c-3")
        hazard = ask(uow, "c-4", HandoffReason.HAZARD)  # urgent, last to come
        snapshot = handoff_queue.queue_snapshot(uow)
    assert (first.position, second.position, third.position) == (1, 1, 3)  # positions when each came
    assert hazard.position == 1 and hazard.urgent
    assert [item.conversation_id for item in snapshot.waiting] == ["c-4", "c-2", "c-1", "c-3"]
    assert snapshot.waiting[0].priority == 1 and snapshot.waiting[-1].waited == timedelta(0)
    assert snapshot.waiting[2].waited == timedelta(minutes=4)


def test_estimated_wait_uses_recent_handling_times_and_agents_online(uow: UnitOfWork, agents: Team) -> None:
    # No history: the configured default (6 min) per place, shared by the 2 agents online.
    assert ask(uow, "c-1").estimated_wait == timedelta(minutes=3)  # ceil(1 * 6 / 2)
    # Three handoffs handled in 10, 20 and 30 minutes: 20 minutes on average.
    for index, minutes in enumerate((10, 20, 30)):
        uow.session.add(
            Handoff(
                conversation_id=f"old-{index}",
                channel="callback",
                reason="request",
                priority=3,
                status="closed",
                summary="{}",
                created_at=at("2026-11-26T08:00"),
                taken_at=at("2026-11-26T08:00"),
                closed_at=at("2026-11-26T08:00") + timedelta(minutes=minutes),
            )
        )
    uow.session.flush()
    second = ask(uow, "c-2")
    assert second.position == 2
    assert second.estimated_wait == timedelta(minutes=20)  # 2 places x 20 min / 2 agents
    assert uow.session.get(Handoff, second.handoff_id).estimated_wait_s == 20 * 60


def test_a_wait_longer_than_allowed_offers_a_callback_but_never_for_a_hazard(
    uow: UnitOfWork, agents: Team
) -> None:
    for index in range(19):  # 20th in the queue: ceil(20 * 6 / 2) = 60 min > 30 min
        ask(uow, f"queue-{index}")
    late = ask(uow, "late")
    assert late.status is HandoffStatus.CALLBACK and late.callback_reason is CallbackReason.LONG_WAIT
    assert late.position is None and uow.session.get(Handoff, late.handoff_id).queued_at is None
    urgent = ask(uow, "hazard", HandoffReason.HAZARD)
    assert urgent.status is HandoffStatus.WAITING and urgent.position == 1


def test_asking_twice_returns_the_open_handoff(uow: UnitOfWork, agents: Team) -> None:
    first = ask(uow, "c-1")
    again = ask(uow, "c-1", HandoffReason.COMPLAINT)
    assert again.already_open and again.handoff_id == first.handoff_id and again.position == 1
    assert uow.session.execute(select(func.count(Handoff.id))).scalar_one() == 1


# --------------------------------------------------------------- callback offers


def test_out_of_hours_offers_a_callback_and_records_it(uow: UnitOfWork, agents: Team) -> None:
    with clock.frozen("2026-11-27T22:30"):  # Friday night, desk open 07:00-21:00
        offer = ask(uow, "night")
        assert offer.status is HandoffStatus.CALLBACK
        assert offer.callback_reason is CallbackReason.OUT_OF_HOURS
        assert offer.opens_at == at("2026-11-28T07:00") and offer.hours == "T2-CN 07:00-21:00"
        config = handoff_config.load_config()
        window = callback_window(config.hours, ["relative_day:+1"], ["part:morning"], clock.now())
        recorded = handoff.record_callback(uow, "night", window, phone="+84 908 111 321")
    assert recorded.phone_display == "0908 111 321" and not recorded.registered
    assert (recorded.window_start, recorded.window_end) == (at("2026-11-28T07:00"), at("2026-11-28T11:30"))
    callback = uow.session.execute(select(HandoffCallback)).scalar_one()
    assert callback.phone == "0908111321" and callback.phone_confirmed and callback.status == "pending"
    assert [c.phone for c in handoff_queue.pending_callbacks(uow)] == ["0908111321"]
    # The bot was never paused: nothing to resume when it closes.
    assert handoff_messages.conversations_to_resume(uow) == []


def test_a_callback_offer_becomes_a_place_in_the_queue_once_the_desk_opens(
    uow: UnitOfWork, agents: Team
) -> None:
    with clock.frozen("2026-11-27T06:30"):
        offer = ask(uow, "early")
    assert offer.callback_reason is CallbackReason.OUT_OF_HOURS and offer.opens_at == at("2026-11-27T07:00")
    with clock.frozen("2026-11-27T07:05"):
        later = ask(uow, "early")
    assert (
        later.handoff_id == offer.handoff_id and later.status is HandoffStatus.WAITING and later.already_open
    )
    assert later.position == 1 and uow.session.get(Handoff, later.handoff_id).queued_at == at(
        "2026-11-27T07:05"
    )


def test_nobody_online_and_a_channel_without_push_offer_a_callback(uow: UnitOfWork, agents: Team) -> None:
    assert ask(uow, "rest-user", channel="rest").callback_reason is CallbackReason.CHANNEL
    for row in uow.session.execute(select(DeskSession)).scalars():
        row.present_until = clock.now()  # every desk page closed
    uow.session.flush()
    assert ask(uow, "alone").callback_reason is CallbackReason.NOBODY_ONLINE


def test_a_supervisor_override_of_the_working_hours_applies_at_once(uow: UnitOfWork, agents: Team) -> None:
    handoff_config.set_working_hours(uow, "T2-T6 13:00-17:00", agents.boss.id)
    offer = ask(uow, "morning")
    assert offer.callback_reason is CallbackReason.OUT_OF_HOURS
    assert offer.opens_at == at("2026-11-27T13:00") and offer.hours == "T2-T6 13:00-17:00"
    handoff_config.set_working_hours(uow, "", agents.boss.id)
    assert ask(uow, "morning").status is HandoffStatus.WAITING  # the same offer, now queued


def test_record_callback_refuses_a_bad_number_and_uses_the_registered_one_only_when_verified(
    uow: UnitOfWork, agents: Team
) -> None:
    ask(uow, "c-1", channel="rest")
    window = Window(at("2026-11-27T13:00"), at("2026-11-27T15:00"), True)
    with pytest.raises(HandoffError):
        handoff.record_callback(uow, "c-1", window, phone="12345")
    with pytest.raises(HandoffError):
        handoff.record_callback(uow, "c-1", window, use_registered_phone=True)  # not verified
    with pytest.raises(HandoffError):
        handoff.record_callback(uow, "nobody", window, phone="0908111321")


# ------------------------------------------------------------------- take, close


def test_take_transfer_reply_and_close(uow: UnitOfWork, agents: Team) -> None:
    opened = ask(uow, "c-1")
    taken = handoff_desk.take(uow, opened.handoff_id, agents.lan.id)
    assert taken.ok and taken.agent_name == "Lan"
    detail = handoff_desk.handoff_detail(uow, opened.handoff_id)
    assert detail.status == "active" and detail.agent_name == "Lan"
    # The customer is told who joined (pending until Rasa delivers it); a desk note is kept.
    assert [(m.direction, m.delivery) for m in detail.messages] == [
        ("system", "internal"),
        ("agent", "pending"),
    ]
    assert "Lan" in detail.messages[1].text
    with pytest.raises(DeskError):
        handoff_desk.add_agent_message(uow, opened.handoff_id, agents.minh.id, "tôi trả lời thay")
    handoff_desk.add_agent_message(uow, opened.handoff_id, agents.lan.id, "Dạ em kiểm tra ngay ạ")
    moved = handoff_desk.transfer(uow, opened.handoff_id, agents.lan.id, agents.minh.id)
    assert moved.agent_name == "Minh" and moved.status == "active"
    back = handoff_desk.transfer(uow, opened.handoff_id, agents.minh.id, None)
    assert back.status == "waiting" and back.agent_id is None and back.position == 1
    handoff_desk.take(uow, opened.handoff_id, agents.minh.id)
    closed = handoff_desk.close(uow, opened.handoff_id, agents.minh.id, "resolved", "đã hướng dẫn")
    assert (
        closed.status == "closed" and closed.outcome == "resolved" and closed.outcome_note == "đã hướng dẫn"
    )
    with pytest.raises(DeskError):
        handoff_desk.close(uow, opened.handoff_id, agents.minh.id, "resolved")
    assert handoff_messages.conversations_to_resume(uow) == ["c-1"]


def test_take_tells_the_loser_who_has_it(uow: UnitOfWork, agents: Team) -> None:
    opened = ask(uow, "c-1")
    assert handoff_desk.take(uow, opened.handoff_id, agents.lan.id).ok
    lost = handoff_desk.take(uow, opened.handoff_id, agents.minh.id)
    assert not lost.ok and lost.agent_name == "Lan" and lost.status == "active"


def test_replies_are_checked(uow: UnitOfWork, agents: Team) -> None:
    opened = ask(uow, "c-1")
    with pytest.raises(DeskError):  # not taken yet
        handoff_desk.add_agent_message(uow, opened.handoff_id, agents.lan.id, "chào")
    handoff_desk.take(uow, opened.handoff_id, agents.lan.id)
    for bad in ("", "   ", "\x00\x01", "x" * 2001):
        with pytest.raises(DeskError):
            handoff_desk.add_agent_message(uow, opened.handoff_id, agents.lan.id, bad)
    emoji = handoff_desk.add_agent_message(
        uow, opened.handoff_id, agents.lan.id, "Dạ vâng ạ 🙏 '; DROP TABLE x;--"
    )
    assert emoji.text == "Dạ vâng ạ 🙏 '; DROP TABLE x;--"


# ------------------------------------------------------------------ cancel, rating


def test_the_customer_cancels_while_waiting_but_not_once_an_agent_has_it(
    uow: UnitOfWork, agents: Team
) -> None:
    waiting = ask(uow, "c-1")
    cancelled = handoff.cancel_by_customer(uow, "c-1")
    assert cancelled.cancelled and cancelled.status_before is HandoffStatus.WAITING
    assert uow.session.get(Handoff, waiting.handoff_id).status == "cancelled"
    assert handoff.active_handoff(uow, "c-1") is None
    # The bot was paused: it must say it is back (once).
    assert handoff_messages.conversations_to_resume(uow) == ["c-1"]
    notice = handoff.closing_notice(uow, "c-1")
    assert notice.status is HandoffStatus.CANCELLED and not notice.ask_rating
    assert handoff.closing_notice(uow, "c-1") is None
    taken = ask(uow, "c-2")
    handoff_desk.take(uow, taken.handoff_id, agents.lan.id)
    refused = handoff.cancel_by_customer(uow, "c-2")
    assert not refused.cancelled and refused.status_before is HandoffStatus.ACTIVE
    assert handoff.cancel_by_customer(uow, "nobody") == handoff.CancelResult(False)


def test_rating_is_stored_for_the_handoff_an_agent_closed(uow: UnitOfWork, agents: Team) -> None:
    opened = ask(uow, "c-1")
    assert handoff.store_rating(uow, "c-1", 5) is None  # nothing closed yet
    handoff_desk.take(uow, opened.handoff_id, agents.lan.id)
    handoff_desk.close(uow, opened.handoff_id, agents.lan.id, "resolved")
    notice = handoff.closing_notice(uow, "c-1")
    assert notice.ask_rating and notice.agent_name == "Lan"
    stored = handoff.store_rating(uow, "c-1", 4, "  nhanh   gọn ")
    assert stored == handoff.RatingStored(opened.handoff_id, 4, False)
    assert handoff.store_rating(uow, "c-1", 5).replaced
    rating = uow.session.execute(select(HandoffRating)).scalar_one()
    assert (rating.score, rating.comment) == (5, None)
    for bad in (0, 6, True, "5", 4.5):
        with pytest.raises(HandoffError):
            handoff.store_rating(uow, "c-1", bad)  # type: ignore[arg-type]
    with clock.frozen("2026-11-28T09:01"):  # more than a day later
        assert handoff.store_rating(uow, "c-1", 1) is None
    assert handoff_stats.desk_stats(uow).average_rating == 5.0


# ------------------------------------------------------------ messages both ways


def test_customer_messages_reach_the_handoff_between_pause_and_resume(uow: UnitOfWork, agents: Team) -> None:
    ask(uow, "c-1")
    assert handoff_messages.record_customer_message(uow, "c-1", "trước khi dừng", "m0") is None
    handoff_id = handoff_messages.mark_paused(uow, "c-1")
    first = handoff_messages.record_customer_message(uow, "c-1", "alo có ai không", "m1")
    assert first is not None and first.handoff_id == handoff_id and first.direction == "customer"
    assert handoff_messages.record_customer_message(uow, "c-1", "alo có ai không", "m1") is None  # redelivery
    assert handoff_messages.record_customer_message(uow, "c-1", "   ", "m2") is None
    long = handoff_messages.record_customer_message(uow, "c-1", "a" * 10_000, "m3")
    assert len(long.text) == handoff_messages.MAX_MESSAGE
    handoff_messages.mark_resumed(uow, "c-1")
    assert handoff_messages.record_customer_message(uow, "c-1", "bot trả lời rồi", "m4") is None
    assert [m.text[:5] for m in handoff_messages.messages_of(uow, handoff_id)] == ["alo c", "aaaaa"]


def test_agent_messages_are_delivered_once_and_fail_after_five_tries(uow: UnitOfWork, agents: Team) -> None:
    opened = ask(uow, "c-1")
    handoff_desk.take(uow, opened.handoff_id, agents.lan.id)  # queues the "agent joined" message
    handoff_desk.add_agent_message(uow, opened.handoff_id, agents.lan.id, "một")
    assert handoff_messages.conversations_with_pending(uow) == ["c-1"]
    texts = handoff_messages.take_undelivered(uow, "c-1")
    assert len(texts) == 2 and texts[1] == "một"
    assert handoff_messages.take_undelivered(uow, "c-1") == []
    handoff_desk.add_agent_message(uow, opened.handoff_id, agents.lan.id, "hai")
    for _ in range(handoff_messages.MAX_DELIVERY_ATTEMPTS - 1):
        assert handoff_messages.note_delivery_failure(uow, "c-1") == 0
    assert handoff_messages.note_delivery_failure(uow, "c-1") == 1
    assert handoff_messages.conversations_with_pending(uow) == []
    last = handoff_desk.handoff_detail(uow, opened.handoff_id).messages[-1]
    assert (last.text, last.delivery) == ("hai", "failed")
    assert handoff_messages.take_undelivered(uow, "c-1") == ["hai"]  # a later delivery still sends it


# ------------------------------------------------------------------------ summary


def test_the_summary_holds_what_an_agent_needs(uow: UnitOfWork, agents: Team) -> None:
    from bot.db.models import Incident, Ticket
    from bot.services.verification import Requester
    from tests.db.builders import add_customer, add_station

    station = add_station(uow.session)
    add_customer(uow.session, station=station)
    incident = Incident(code="SC-261127-0001", area="Trạm TBA-TN-001", status="open", created_at=clock.now())
    incident.stations.append(station)
    uow.session.add(incident)
    uow.session.add(
        Ticket(
            number="SC2611270001",
            kind="outage",
            status="open",
            customer_code="PB05010000001",
            summary="Mất điện",
        )
    )
    uow.session.flush()
    requester = Requester("callback", "c-1")
    uow.identity.record_attempt("PB05010000001", "callback", "c-1", True)
    context = ConversationContext(
        intents=["ask_bill", "ask_bill_detail", "request_human"],
        slots={
            "customer_code": "PB05010000001",
            "verify_answer": "1321",
            "shown_month": "2026-10",
            "x": None,
        },
        messages=[
            Utterance("customer", "tiền điện tháng 10 bao nhiêu"),
            Utterance("bot", "Tháng 10/2026 (16/09/2026–15/10/2026): 300 kWh, 798.660 đ."),
            Utterance("customer", "cho tôi nói chuyện với nhân viên"),
        ],
    )
    opened = handoff.open_handoff(
        uow,
        HandoffRequest("c-1", "callback", HandoffReason.REQUEST, context, "pb05010000001", requester),
    )
    summary = handoff_desk.handoff_detail(uow, opened.handoff_id).summary
    assert summary.customer_code == "PB05010000001" and summary.verified
    assert summary.customer_name_masked == "Tr*** T*** B***"
    assert summary.intents == ["request_human", "ask_bill_detail", "ask_bill"]
    assert summary.slots == {"customer_code": "PB05010000001", "shown_month": "2026-10"}  # no verify answer
    assert "798.660 đ" in summary.figures and "300 kWh" in summary.figures
    assert "16/09/2026–15/10/2026" in summary.figures
    assert [m["speaker"] for m in summary.last_messages] == ["customer", "bot", "customer"]
    assert [t.number for t in summary.tickets] == ["SC2611270001"]
    assert [i.code for i in summary.incidents] == ["SC-261127-0001"]
    assert uow.session.get(Handoff, opened.handoff_id).verified


def test_an_unverified_code_is_shown_as_such(uow: UnitOfWork, agents: Team) -> None:
    from bot.services.verification import Requester
    from tests.db.builders import add_customer

    add_customer(uow.session)
    opened = handoff.open_handoff(
        uow,
        HandoffRequest(
            "c-9",
            "socketio",
            HandoffReason.VERIFICATION_LOCK,
            customer_code="PB05010000001",
            requester=Requester("socketio", "c-9"),
        ),
    )
    detail = handoff_desk.handoff_detail(uow, opened.handoff_id)
    assert detail.customer_code == "PB05010000001" and not detail.verified and detail.priority == 2


def test_operator_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    assert handoff.operator_rule(["greet", "report_hazard"]).reason is HandoffReason.HAZARD
    assert handoff.operator_rule(["ask_bill+report_hazard"]) is not None
    assert handoff.operator_rule(["ask_bill"]) is None
    monkeypatch.setenv("DESK_HANDOFF_INTENTS", "complain, express_frustration")
    assert handoff.operator_rule(["complain"]).reason is HandoffReason.RULE
