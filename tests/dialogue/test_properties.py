"""No dead ends: whatever the state and whatever the message, the engine replies.

Hypothesis draws conversation states (every kind of awaited answer, topics on screen,
codes good and bad, outages shown, tickets) and messages (every intent the NLU gives or
will give, combined intents, odd texts, entities or none) and runs them through the
real engine over the demo database.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import clock
from bot.dialogue import Entity, Turn, run_turn
from bot.dialogue.state import (
    AWAIT_KINDS,
    Awaiting,
    Question,
    ReportDraft,
    ShownOutage,
    State,
    TicketRef,
    from_slots,
    to_slots,
)
from bot.services.verification import Requester
from tests.dialogue.conftest import BICH, CUONG, DUNG, NOW, Chat

INTENTS = """
greet goodbye thank affirm deny bot_challenge out_of_scope inform ask_bill ask_bill_high ask_debt
ask_payment_methods ask_tariff ask_meter_reading ask_reading_date ask_outage_schedule report_outage
ask_restore_time report_hazard request_human ask_contact subscribe_alerts unsubscribe_alerts
ask_bill_detail change_customer_code unlink_account request_recheck request_service nlu_fallback
complain express_frustration ask_supply_status ask_payment_posting ask_next_bill ask_late_payment
ask_office ask_estimated_reading ask_safety ask_outage_reason ask_more_detail ask_next_steps cancel
""".split()
TOPICS = (
    None, "bill", "bill_detail", "bill_high", "debt", "recheck", "meter_reading", "reading_date", "tariff",
    "outage_schedule", "restore_time", "supply_status", "outage_reason", "outage_report", "hazard",
    "payment_methods", "service_request", "complaint", "payment_posting", "payment_check", "next_bill",
    "estimated_reading", "office", "supply_history", "late_payment",
)  # fmt: skip
CODES = (None, BICH, CUONG, DUNG, "PB99990000001")
TEXTS = (
    "", "1321", "0000", "ok", "thôi", "còn tháng 9 thì sao", "vì sao cắt vậy", "😀", "'; DROP TABLE x; --",
    "chỉ nhà tui thôi", "vẫn mất điện", "từ 7h sáng", "Cần Thơ", "a" * 3000, "/ask_bill",
    "123 Nguyễn Trãi, phường 2, quận 5", "gan cho Ben Thanh", "0909 123 456", "0123456789", "không có",
    "ok tạo phiếu giúp tôi", "có nên cúp CB không", "nước ngập tới ổ cắm thì sao", "hủy",
    "dây điện đứt trước số 25 đường 30 tháng 4, phường Tân Ninh, Tây Ninh",
)  # fmt: skip
ENTITIES = (
    Entity("customer_code", BICH, BICH),
    Entity("customer_code", "PB99990000001", "PB99990000001"),
    Entity("period", "relative:-1", "tháng trước"),
    Entity("period", "month:6;year:-1", "tháng 6 năm ngoái"),
    Entity("area", "Phường Tân An, Thành phố Cần Thơ", "phường Tân An"),
    Entity("area", "Phường 1", "phường 1"),
    Entity("date", "week:+1", "tuần sau"),
    Entity("digits", "1321", "1321"),
    Entity("kwh", "300", "300 số"),
    Entity("households", "2", "2 hộ"),
    Entity("tier", "4", "bậc 4"),
    Entity("tariff_when", "previous", "giá cũ"),
    Entity("payment_channel", "momo", "momo"),
    Entity("date", "relative_day:-1", "hôm qua"),
    Entity("phone", "0909123456", "0909 123 456"),
    Entity("hazard_kind", "fallen_wire", "dây điện đứt"),
    Entity("hazard_kind", "leaking_appliance", "rò điện"),
    Entity("time", "14:00", "2 giờ chiều"),
)

questions = st.builds(
    Question,
    topic=st.sampled_from(
        [t for t in TOPICS if t]
        + ["request_ticket", "hazard_place", "code_received", "human_offer", "payment_ticket"]
    ),
    code=st.sampled_from(CODES),
    months=st.sampled_from([(), ("2026-10",), ("relative:0",)]),
    tier=st.sampled_from([None, 9]),
    channel=st.sampled_from([None, "counter"]),
    service=st.sampled_from([None, "complaint", "answer"]),
)
awaiting = st.builds(
    Awaiting,
    kind=st.sampled_from(sorted(AWAIT_KINDS)),
    questions=st.lists(questions, max_size=2).map(tuple),
    code=st.sampled_from(CODES),
    query=st.sampled_from([None, "Phường 1", "Ninh Kiều"]),
    failures=st.integers(0, 3),
    offer=st.sampled_from([None, "recheck", "request", "human", "payment_ticket"]),
    draft=st.sampled_from(
        [
            None,
            ReportDraft(code=CUONG),
            ReportDraft(area="Phường Tân An, Thành phố Cần Thơ"),
            # reports a crew can act on (topics/report_form.py): where, a number, since when
            ReportDraft(location="gần chợ Bến Thành", phone="0909123456", scope="area"),
            ReportDraft(
                location="hẻm 5", area="Phường Tân An, Thành phố Cần Thơ", phone="none", since="từ 7h"
            ),
            ReportDraft(kind="hazard", hazard="fallen_wire", text="dây điện đứt"),
            ReportDraft(kind="hazard", hazard="flooded_house", location="số 3 Lê Lợi", ticket="SC2699999998"),
            ReportDraft(kind="hazard", code=BICH, phone="0909123456"),
        ]
    ),
    choices=st.sampled_from([(), ("ask_bill",), ("ask_bill", "ask_debt")]),
)
states = st.builds(
    State,
    topic=st.sampled_from(TOPICS),
    customer_code=st.sampled_from(CODES),
    period_shown=st.sampled_from([None, "2026-10", "2025-06"]),
    area=st.sampled_from([None, "Phường Tân An, Thành phố Cần Thơ", "Ninh Kiều", "nowhere at all"]),
    kwh=st.sampled_from([None, 300]),
    households=st.sampled_from([None, 1, 2]),
    dates_shown=st.sampled_from([(), ("week:+1",)]),
    ticket=st.sampled_from(
        [
            None,
            TicketRef("SC2699999999", "outage"),
            TicketRef("SC2699999998", "hazard"),
            TicketRef("SC2699999997", "hazard", "fallen_wire,flooded_house"),
        ]
    ),
    outages_shown=st.sampled_from(
        [
            (),
            (
                ShownOutage(
                    "planned", "KH1", "2026-12-03T07:30:00+07:00", "2026-12-03T16:00:00+07:00", "bảo trì"
                ),
            ),
        ]
    ),
    awaiting=st.one_of(st.none(), awaiting),
    misunderstood=st.integers(0, 3),
    tips_shown=st.booleans(),
    privacy_notice_shown=st.booleans(),
    frustration=st.integers(0, 2),
    tier=st.sampled_from([None, 4]),
    tariff_when=st.sampled_from([None, "previous"]),
    payment_channel=st.sampled_from([None, "momo"]),
)
intents = st.one_of(
    st.sampled_from(INTENTS), st.tuples(st.sampled_from(INTENTS), st.sampled_from(INTENTS)).map("+".join)
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    state=states,
    intent=intents,
    text=st.sampled_from(TEXTS),
    entities=st.lists(st.sampled_from(ENTITIES), max_size=2),
    channel=st.sampled_from(["rest", "zalo"]),
)
def test_no_state_and_message_yields_an_empty_reply(
    chat: Chat, state: State, intent: str, text: str, entities: list[Entity], channel: str
) -> None:
    from bot.dialogue import split_intents

    turn = Turn(
        text=text,
        intents=split_intents(intent),
        entities=tuple(entities),
        ranking=split_intents(intent),
        channel=channel,
        requester=Requester(channel, "property-user", persistent=channel == "zalo"),
    )
    with clock.frozen(NOW):
        outcome = run_turn(turn, state, chat.url)
    assert outcome.messages, (intent, text, state)
    assert all(m.text.strip() for m in outcome.messages)
    assert outcome.messages[0].text.startswith(("Dạ", "Anh/chị", "⚠️")), outcome.messages
    assert not any(m.text.strip() == "Dạ vâng ạ." for m in outcome.messages)
    assert from_slots(to_slots(outcome.state)) == outcome.state


REPORT_DRAFTS = (
    ReportDraft(),
    ReportDraft(code=CUONG, location="hẻm 9 Mậu Thân"),
    ReportDraft(location="gần chợ Bến Thành", phone="0909123456", scope="area"),
    ReportDraft(location="hẻm 5", phone="none", scope="house", breaker="still_dark"),
    ReportDraft(kind="hazard", hazard="fallen_wire", text="dây điện đứt"),
    ReportDraft(kind="hazard", hazard="sparking_meter", location="số 3 Lê Lợi", ticket="SC2699999998"),
)
REPORT_TEXTS = (
    "", "123 Nguyễn Trãi, phường 2, quận 5", "gan cho Ben Thanh", "0909 123 456", "0123456789", "không có",
    "vẫn mất điện", "ok tạo phiếu giúp tôi", "có nên cúp CB không", "thôi", "PB11020000002", "😀",
)  # fmt: skip
REPORT_INTENTS = ("inform", "report_hazard", "ask_safety", "ask_bill", "nlu_fallback", "cancel")
REPORT_WAITS = sorted(
    {"report_place", "report_phone", "report_scope", "report_breaker", "report_since", "hazard_place"}
)


@pytest.mark.parametrize("kind", REPORT_WAITS)
def test_every_report_question_answers_every_message(chat: Chat, kind: str) -> None:
    """Each awaited report answer (the new ones included) with every kind of message:
    a polite reply, never empty, never "em chưa hiểu" for a place, and a state that
    survives the slots."""
    assert set(REPORT_WAITS) <= AWAIT_KINDS
    turns = 0
    for n, text in enumerate(REPORT_TEXTS):
        for m, intent in enumerate(REPORT_INTENTS):
            draft = REPORT_DRAFTS[(n + m) % len(REPORT_DRAFTS)]
            question = Question("hazard" if draft.kind == "hazard" else "outage_report", ticket=draft.ticket)
            state = State(awaiting=Awaiting(kind, (question,), draft=draft), customer_code=draft.code)
            turn = Turn(
                text=text,
                intents=(intent,),
                ranking=(intent,),
                channel="rest",
                requester=Requester("rest", f"report-{kind}"),
                conversation_id=f"report-{kind}-{n}-{m}",
            )
            with clock.frozen(NOW):
                outcome = run_turn(turn, state, chat.url)
            said = [m.text for m in outcome.messages]
            assert said and all(t.strip() for t in said), (kind, text, intent)
            assert said[0].startswith(("Dạ", "Anh/chị", "⚠️")), said
            if kind == "report_place" and text in REPORT_TEXTS[1:3]:
                assert not any("chưa hiểu" in t for t in said), (text, intent, said)
            assert from_slots(to_slots(outcome.state)) == outcome.state
            turns += 1
    assert turns == len(REPORT_TEXTS) * len(REPORT_INTENTS)
