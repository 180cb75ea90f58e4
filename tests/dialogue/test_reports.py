"""Outage and hazard reports a crew can act on (issue 11) and the hazard's urgent handoff
(issue 12), through the engine over the outage world (clock 27/11/2026 09:00, Friday):
where (any words of an address or landmark, old or new ward names), a number to call
back (a Vietnamese mobile, masked), since when ("vẫn mất điện" is none), the advice by
situation, safety questions that follow, cancelling.

Replies are checked against the data: the ticket in the database holds what the reply
says it recorded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot import clock
from bot.db.models import Handoff, Ticket
from bot.dialogue.state import (
    AWAIT_BREAKER,
    AWAIT_REPORT_PHONE,
    AWAIT_REPORT_PLACE,
    AWAIT_SCOPE,
    AWAIT_SINCE,
)
from bot.services import desk_auth, unit_of_work
from tests.dialogue.conftest import Chat

PASSWORD = "mật-khẩu-đủ-dài-2026"
NOT_UNDERSTOOD = "chưa hiểu"
VN = clock.VN_TZ


def tickets(chat: Chat) -> list[Ticket]:
    with unit_of_work(chat.url) as uow:
        found = list(uow.session.execute(select(Ticket).order_by(Ticket.id)).scalars())
        for ticket in found:
            uow.session.expunge(ticket)
        return found


def the_ticket(chat: Chat) -> Ticket:
    found = [t for t in tickets(chat) if t.number == chat.state.ticket.number]
    assert len(found) == 1
    return found[0]


def handoffs(chat: Chat) -> list[Handoff]:
    with unit_of_work(chat.url) as uow:
        found = list(uow.session.execute(select(Handoff)).scalars())
        for handoff in found:
            uow.session.expunge(handoff)
        return found


def verified(chat: Chat, code: str) -> None:
    with unit_of_work(chat.url) as uow:
        uow.identity.record_attempt(code, chat.channel, chat.sender, success=True)


@pytest.fixture
def agent_online(outage_chat: Chat) -> Iterator[None]:
    with unit_of_work(outage_chat.url) as uow:
        _token, session = desk_auth.start_session(uow, desk_auth.create_agent(uow, "lan", "Lan", PASSWORD).id)
        desk_auth.mark_present(uow, session.id, 8 * 3600)
    yield


# ------------------------------------------------------------------ where, and who


def test_a_report_without_a_code_asks_for_an_address_or_landmark_and_a_number(outage_chat: Chat) -> None:
    reply = outage_chat.say("mất điện rồi", "report_outage")
    for part in ("rất tiếc", "mã khách hàng", "địa chỉ", "điểm dễ nhận ra", "số điện thoại"):
        assert part in reply
    assert outage_chat.state.awaiting.kind == AWAIT_REPORT_PLACE


@pytest.mark.parametrize(
    ("text", "intent", "entities", "shown"),
    [
        (
            "123 Nguyễn Trãi, phường 2, quận 5",
            "inform",
            {"area": "Phường 2, Quận 5"},
            "123 Nguyễn Trãi, phường 2, quận 5 (Phường Chợ Quán, Thành phố Hồ Chí Minh)",
        ),
        (
            "gan cho Ben Thanh",
            "ask_office",
            {"area": "Phường Bến Thành"},
            "gan cho Ben Thanh (Phường Bến Thành",
        ),
        ("gần chợ Bến Thành", "out_of_scope", {}, "gần chợ Bến Thành"),
        (
            "123 nguyen trai p2 q5",
            "ask_outage_reason",
            {"area": "Phường 2, Quận 5"},
            "123 nguyen trai p2 q5 (",
        ),
        ("kế bên trường tiểu học Phú Hòa", "out_of_scope", {}, "kế bên trường tiểu học Phú Hòa"),
        (
            "cho cay xang Phu Lam",
            "report_hazard",
            {},
            "cho cay xang Phu Lam",
        ),  # the NLU's guess, no danger named
    ],
)
def test_the_next_message_is_the_place_whatever_the_nlu_made_of_it(
    outage_chat: Chat, text: str, intent: str, entities: dict, shown: str
) -> None:
    outage_chat.say("mất điện rồi", "report_outage")
    reply = outage_chat.say(text, intent, **entities)
    assert f"ghi nhận địa chỉ: {shown}" in reply and NOT_UNDERSTOOD not in reply
    awaiting = outage_chat.state.awaiting
    assert awaiting.kind == AWAIT_REPORT_PHONE and awaiting.draft.location == text


def test_a_report_by_address_records_a_ticket_a_crew_can_act_on(outage_chat: Chat) -> None:
    outage_chat.say("nhà tui mất điện rồi em ơi", "report_outage")
    outage_chat.say("123 Nguyễn Trãi, phường 2, quận 5", "inform", area="Phường 2, Quận 5")
    assert "10 chữ số" not in outage_chat.say("sđt 0909 123 456 nha", "inform", phone="0909123456")
    assert outage_chat.state.awaiting.kind == AWAIT_SCOPE
    assert "từ lúc nào" in outage_chat.say("cả xóm luôn", "unsubscribe_alerts")
    # "vẫn mất điện" is no start time: asked again, neither stored nor taken for power back.
    again = outage_chat.say("vẫn mất điện", "report_outage")
    assert "mấy giờ" in again and outage_chat.state.awaiting.kind == AWAIT_SINCE and not tickets(outage_chat)
    reply = outage_chat.say("mất từ 2 giờ chiều", "report_outage", time="2 giờ chiều=14:00")
    ticket = the_ticket(outage_chat)
    assert ticket.number in reply and "đã tạo phiếu báo mất điện" in reply
    assert "• Địa chỉ: 123 Nguyễn Trãi, phường 2, quận 5 (Phường Chợ Quán, Thành phố Hồ Chí Minh)" in reply
    assert "• Mất điện từ: 14:00 hôm qua (26/11/2026)" in reply  # 14:00 is still to come today at 09:00
    assert "• Số gọi lại: 09xx xxx 456" in reply and "0909" not in reply
    assert "dự kiến trước 11:00 hôm nay (27/11/2026)" in reply  # an area outage: 2 hours (service rules)
    assert ticket.location == "123 Nguyễn Trãi, phường 2, quận 5 (Phường Chợ Quán, Thành phố Hồ Chí Minh)"
    assert ticket.callback_phone == "0909123456" and ticket.priority == 2
    assert ticket.started_at == datetime(2026, 11, 26, 14, tzinfo=VN)
    assert "vẫn mất điện" not in ticket.details and "Mất điện từ: mất từ 2 giờ chiều" in ticket.details
    assert outage_chat.state.awaiting is None and outage_chat.state.ticket.kind == "outage"


def test_address_and_number_in_one_message_and_the_start_in_the_report(outage_chat: Chat) -> None:
    outage_chat.say("nha toi mat dien tu sang toi gio", "report_outage")
    reply = outage_chat.say("so 5 hem 12 tran hung dao, phuong 1, ca mau, sdt 0939222654", "inform",
                            area="Phường 1, Cà Mau", phone="0939222654")  # fmt: skip
    assert "hàng xóm" in reply  # neither the number nor since when is asked again
    reply = outage_chat.say("ca xom luon", "inform")
    assert "• Mất điện từ: buổi sáng hôm nay (27/11/2026)" in reply and "09xx xxx 654" in reply
    ticket = the_ticket(outage_chat)
    assert ticket.location.startswith("so 5 hem 12 tran hung dao, phuong 1, ca mau")
    assert "Phường An Xuyên" in ticket.location  # Phường 1 of the old Cà Mau city, by its current name
    assert ticket.started_at == datetime(2026, 11, 27, 7, tzinfo=VN)


def test_one_house_still_dark_after_ok_tao_phieu_is_recorded_with_the_start_unknown(
    outage_chat: Chat,
) -> None:
    outage_chat.say("nhà tui mất điện", "report_outage")
    outage_chat.say("hẻm 5 Mậu Thân, phường Tân An, Cần Thơ", "inform", area="Phường Tân An, Cần Thơ")
    outage_chat.say("0909123456", "inform", phone="0909123456")
    assert "cầu dao" in outage_chat.say("chỉ nhà tui thôi", "cancel")  # a scope, not a "thôi"
    assert outage_chat.state.awaiting.kind == AWAIT_BREAKER
    since = outage_chat.say("ok tạo phiếu giúp tôi", "ask_next_steps")
    assert "từ lúc nào" in since and "cầu dao trong nhà bị nhảy" not in since  # not "power is back"
    reply = outage_chat.say("ok tạo phiếu giúp tôi", "ask_next_steps")
    assert "• Mất điện từ: chưa rõ" in reply and "dự kiến trước 13:00 hôm nay" in reply  # one house: 4 hours
    ticket = the_ticket(outage_chat)
    assert ticket.started_at is None and "ok tạo phiếu" not in ticket.details and ticket.priority == 3


def test_power_back_after_the_breaker_records_nothing(outage_chat: Chat) -> None:
    outage_chat.say("nhà tui mất điện", "report_outage")
    outage_chat.say("hẻm 5 Mậu Thân, phường Tân An, Cần Thơ", "inform", area="Phường Tân An, Cần Thơ")
    outage_chat.say("không có", "deny")
    outage_chat.say("chỉ nhà tui thôi", "deny")
    assert "cầu dao trong nhà bị nhảy" in outage_chat.say("có điện lại rồi", "affirm")
    assert not tickets(outage_chat)


def test_the_breaker_that_stayed_on_answers_the_breaker_question(outage_chat: Chat) -> None:
    """"cầu dao vẫn bật" reads as a safety question to the NLU (0.88): while the breaker
    is asked it is the answer (still no power), never "Dạ có, nên ngắt cầu dao"."""
    outage_chat.say("nhà tui mất điện", "report_outage")
    outage_chat.say("hẻm 5 Mậu Thân, phường Tân An, Cần Thơ", "inform", area="Phường Tân An, Cần Thơ")
    outage_chat.say("0909123456", "inform", phone="0909123456")
    outage_chat.say("chỉ nhà tui thôi", "cancel")
    assert outage_chat.state.awaiting.kind == AWAIT_BREAKER
    reply = outage_chat.say("cầu dao vẫn bật", "ask_safety")
    assert "từ lúc nào" in reply and "nên ngắt" not in reply, reply
    assert outage_chat.state.awaiting.draft.breaker == "still_dark"


def test_the_breaker_that_stayed_on_is_noted_while_the_place_is_asked(outage_chat: Chat) -> None:
    outage_chat.say("nhà tui mất điện", "report_outage")
    reply = outage_chat.say("cau dao nha toi van bat ma", "ask_safety")
    assert "ghi nhận cầu dao nhà mình vẫn bật" in reply and "địa chỉ" in reply and "nên ngắt" not in reply
    awaiting = outage_chat.state.awaiting
    assert awaiting.kind == AWAIT_REPORT_PLACE and awaiting.draft.breaker == "still_dark"


def test_the_breaker_that_stayed_on_after_the_ticket_points_to_it(outage_chat: Chat) -> None:
    outage_chat.say("nha toi mat dien tu sang toi gio", "report_outage")
    outage_chat.say("so 5 hem 12 tran hung dao, phuong 1, ca mau, sdt 0939222654", "inform",
                    area="Phường 1, Cà Mau", phone="0939222654")  # fmt: skip
    outage_chat.say("ca xom luon", "inform")
    number = the_ticket(outage_chat).number
    reply = outage_chat.say("cau dao van bat", "ask_safety")
    assert "lưới điện bên ngoài" in reply and number in reply and "nên ngắt" not in reply, reply
    assert outage_chat.payloads() == ["/ask_restore_time"]
    # the NLU hears a new report in "cb khong nhay" (0.73): it is the same news
    again = outage_chat.say("cb khong nhay", "report_outage", confidence=0.73)
    assert "lưới điện bên ngoài" in again and number in again, again
    # a tripped breaker is no such news: the report topic answers (the ticket exists)
    tripped = outage_chat.say("cb nhay roi, bat len khong duoc", "report_outage")
    assert "lưới điện bên ngoài" not in tripped and number in tripped, tripped
    assert len(tickets(outage_chat)) == 1


def test_asked_about_the_breaker_the_advice_is_given(outage_chat: Chat) -> None:
    assert "nên ngắt cầu dao" in outage_chat.say("cầu dao vẫn bật, có nên ngắt không", "ask_safety")
    fresh = Chat(outage_chat.url).say("cau dao van bat", "ask_safety")  # said, with no report yet
    assert "lưới điện bên ngoài" in fresh and "Báo mất điện" in fresh


@pytest.mark.parametrize("wrong", ["0123456789", "0909 123 45", "028 3822 1234", "09091234567"])
def test_a_number_that_is_no_vietnamese_mobile_is_asked_again(outage_chat: Chat, wrong: str) -> None:
    outage_chat.say("mất điện rồi", "report_outage")
    outage_chat.say("gần chợ Bến Thành", "out_of_scope")
    reply = outage_chat.say(wrong, "inform")
    assert "10 chữ số" in reply and "03, 05, 07, 08 hoặc 09" in reply and NOT_UNDERSTOOD not in reply
    assert outage_chat.state.awaiting.kind == AWAIT_REPORT_PHONE and outage_chat.state.awaiting.failures == 1
    assert "hàng xóm" in outage_chat.say("+84 909 123 456", "inform")
    assert outage_chat.state.awaiting.draft.phone == "0909123456"


def test_no_number_goes_on_and_the_ticket_says_so(outage_chat: Chat) -> None:
    outage_chat.say("mất điện rồi", "report_outage", time="")
    outage_chat.say("gần chợ Bến Thành", "out_of_scope")
    assert "hàng xóm" in outage_chat.say("không có số điện thoại", "ask_contact")
    outage_chat.say("cả xóm luôn", "inform")
    reply = outage_chat.say("khoảng 30 phút trước", "ask_tariff")  # the NLU's guess, a time all the same
    assert "• Số gọi lại: chưa có" in reply and "• Mất điện từ: 08:30 hôm nay (27/11/2026)" in reply
    assert the_ticket(outage_chat).callback_phone is None


def test_the_number_is_masked_in_every_reply_and_log_line(
    outage_chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    said = [
        outage_chat.say("mất điện rồi", "report_outage"),
        outage_chat.say("gần chợ Bến Thành, số 0909 123 456", "inform", phone="0909123456"),
        outage_chat.say("cả xóm luôn", "inform"),
        outage_chat.say("từ 8h", "inform", time="8h=08:00"),
    ]
    assert "09xx xxx 456" in said[-1]
    for text in [*said, caplog.text]:
        assert "0909123456" not in text and "0909 123 456" not in text
    assert "09xx xxx 456" in caplog.text  # the ticket's log line, masked


def test_an_answer_that_is_no_place_is_asked_again_never_em_chua_hieu(outage_chat: Chat) -> None:
    outage_chat.say("mất điện rồi", "report_outage")
    assert "không sao" in outage_chat.say("khong nho ma", "unlink_account")  # no code: a place will do
    for text, intent in (("ok", "affirm"), ("vẫn mất điện", "report_outage"), ("😀", "nlu_fallback")):
        reply = outage_chat.say(text, intent)
        assert "tìm đúng chỗ" in reply and "gần chợ Tân An" in reply and NOT_UNDERSTOOD not in reply
        assert outage_chat.state.awaiting.kind == AWAIT_REPORT_PLACE
    reply = outage_chat.say("không biết nữa", "nlu_fallback")
    assert "19001006" in reply and outage_chat.state.awaiting is None and not tickets(outage_chat)


def test_a_ward_with_a_known_incident_asks_nothing_more(outage_chat: Chat) -> None:
    outage_chat.say("mất điện rồi", "report_outage")
    known = outage_chat.say("phường tân thành cà mau", "inform", area="Phường Tân Thành, Cà Mau")
    assert "SC-261127-0001" in known and "không cần báo lại" in known
    assert outage_chat.state.awaiting is None and not tickets(outage_chat)


def test_a_ward_alone_is_checked_first_then_the_street_is_asked(outage_chat: Chat) -> None:
    outage_chat.say("mất điện rồi", "report_outage")
    reply = outage_chat.say("phường Tân An Cần Thơ", "inform", area="Phường Tân An, Cần Thơ")
    assert "ở Phường Tân An, Thành phố Cần Thơ" in reply and "số nhà, tên đường" in reply
    reply = outage_chat.say("hẻm 5 Mậu Thân", "inform")
    assert "ghi nhận địa chỉ: hẻm 5 Mậu Thân (Phường Tân An, Thành phố Cần Thơ)" in reply


def test_an_unverified_code_still_asks_where_and_a_known_incident_asks_nothing(outage_chat: Chat) -> None:
    reply = outage_chat.say(
        "nhà tui mất điện, mã PB11020000102", "report_outage", customer_code="PB11020000102"
    )
    assert "ghi nhận mã khách hàng PB11020000102" in reply and "địa chỉ nơi mất điện" in reply
    assert "47 Đường Lý Thường Kiệt" not in reply  # the registered address is not told
    outage_chat.say("hẻm 9 Mậu Thân", "inform")
    outage_chat.say("0909123456", "inform", phone="0909123456")
    outage_chat.say("cả xóm", "inform")
    outage_chat.say("từ 7h sáng", "inform", time="7h sáng=07:00")
    ticket = the_ticket(outage_chat)
    assert (ticket.customer_code, ticket.location) == ("PB11020000102", "hẻm 9 Mậu Thân")


def test_a_verified_code_uses_the_registered_address_and_number(outage_chat: Chat) -> None:
    verified(outage_chat, "PB11020000102")
    reply = outage_chat.say(
        "nhà tui mất điện, mã PB11020000102", "report_outage", customer_code="PB11020000102"
    )
    assert "hàng xóm" in reply  # neither a place nor a number is asked
    outage_chat.say("cả xóm", "inform")
    reply = outage_chat.say("vừa mới mất", "inform")
    assert (
        "• Địa chỉ: địa chỉ đăng ký của mã khách hàng PB11020000102, Phường Tân An, Thành phố Cần Thơ"
        in reply
    )
    assert "• Số gọi lại: số đã đăng ký 09xx xxx 321" in reply and "Lý Thường Kiệt" not in reply
    ticket = the_ticket(outage_chat)
    assert ticket.location == "47 Đường Lý Thường Kiệt, Phường Tân An, Thành phố Cần Thơ"
    assert ticket.callback_phone == "0908111321"


@pytest.mark.parametrize("stage", [0, 1, 2, 3])
@pytest.mark.parametrize("word", ["thôi", "hủy"])
def test_cancel_ends_the_pending_report_politely(outage_chat: Chat, stage: int, word: str) -> None:
    steps = [
        ("mất điện rồi", "report_outage", {}),
        ("gần chợ Bến Thành", "out_of_scope", {}),
        ("0909123456", "inform", {"phone": "0909123456"}),
        ("cả xóm luôn", "inform", {}),
    ]
    for text, intent, found in steps[: stage + 1]:
        outage_chat.say(text, intent, **found)
    reply = outage_chat.say(word, "cancel")
    assert "dừng" in reply and "chưa tạo phiếu" in reply and "19001006" in reply
    assert outage_chat.state.awaiting is None and not tickets(outage_chat)


# ------------------------------------------------------------------------ hazards

ADVICE = [
    (
        "dây điện bị đứt rơi xuống đường",
        "fallen_wire",
        ["Tránh xa dây điện ít nhất 10 mét", "không chạm", "114"],
    ),
    ("dây điện tóe lửa", "sparking_wire", ["tóe lửa ít nhất 10 mét", "không tạt nước", "115"]),
    ("đồng hồ điện tóe lửa", "sparking_meter", ["Không chạm vào công tơ", "Ngắt cầu dao tổng", "tay khô"]),
    ("nhà tui bị ngập nước", "flooded_house", ["cầu dao còn khô", "lội nước", "ổ cắm"]),
    ("trạm biến áp bị ngập", "flooded_transformer", ["trạm biến áp", "không lội qua", "115"]),
    ("cột điện đầu hẻm nghiêng sắp ngã", "leaning_pole", ["Tránh xa trụ điện", "không đứng hay đậu xe"]),
    ("có người bị điện giật", "person_shocked", ["⚠️ Gọi ngay 115", "Không chạm tay trần", "Ngắt cầu dao"]),
    ("tủ điện bốc cháy", "fire", ["⚠️ Gọi ngay 114", "không dùng nước dập lửa"]),
]


@pytest.mark.parametrize(("text", "kind", "parts"), ADVICE)
def test_the_advice_fits_the_situation_in_one_short_message_first(
    outage_chat: Chat, text: str, kind: str, parts: list[str]
) -> None:
    outage_chat.say(text, "report_hazard", hazard_kind=kind)
    advice = outage_chat.last[0].text
    for part in parts:
        assert part in advice, (kind, part)
    assert "19001006" in advice and "mã khách hàng" not in advice and len(advice) < 600
    assert outage_chat.state.awaiting.kind == AWAIT_REPORT_PLACE  # then where, and a number


@pytest.mark.parametrize(
    "text", ["bị giật nhẹ khi chạm tủ lạnh", "bi giat nhe khi cham may giat", "ổ cắm rò điện"]
)
def test_a_leaking_appliance_is_advice_for_the_household_no_ticket(outage_chat: Chat, text: str) -> None:
    reply = outage_chat.say(text, "report_hazard", hazard_kind="leaking_appliance")
    assert "rút phích cắm" in reply and "thợ điện" in reply and "phiếu KHẨN số" not in reply
    assert not reply.startswith("⚠️")  # a mild shock from an appliance: no 114/115 first
    assert not tickets(outage_chat) and not handoffs(outage_chat) and outage_chat.state.awaiting is None


def test_a_leak_at_the_meter_is_the_utilitys(outage_chat: Chat) -> None:
    outage_chat.say("thùng công tơ rò điện, sờ vào bị tê", "report_hazard", hazard_kind="leaking_appliance")
    assert outage_chat.state.awaiting.kind == AWAIT_REPORT_PLACE


def test_a_hazard_asks_where_then_files_an_urgent_ticket_and_opens_an_urgent_handoff(
    outage_chat: Chat,
) -> None:
    outage_chat.say(
        "dây điện bị đứt rơi xuống đường trước nhà tui", "report_hazard", hazard_kind="fallen_wire"
    )
    assert not tickets(outage_chat)  # "trước nhà tui" says no place
    reply = outage_chat.say(
        "trước số 25 đường 30 tháng 4, phường Tân Ninh, Tây Ninh",
        "nlu_fallback",
        area="Phường Tân Ninh, Tây Ninh",
    )
    ticket = the_ticket(outage_chat)
    assert (ticket.kind, ticket.priority) == ("hazard", 1)
    assert ticket.location == "trước số 25 đường 30 tháng 4, phường Tân Ninh, Tây Ninh"
    assert (
        f"phiếu KHẨN số {ticket.number}" in reply and "• Chỗ nguy hiểm: trước số 25 đường 30 tháng 4" in reply
    )
    assert "dự kiến có mặt trước 10:00 hôm nay (27/11/2026)" in reply  # a hazard: 1 hour (service rules)
    (handoff,) = handoffs(outage_chat)
    assert (handoff.reason, handoff.priority, handoff.status) == ("hazard", 1, "callback")  # REST: no chat
    summary = json.loads(handoff.summary)
    assert ticket.number in [t["number"] for t in summary["tickets"]]
    assert summary["note"] == f"Báo nguy hiểm: dây điện đứt/rơi; phiếu KHẨN {ticket.number}"
    assert "19001006" in reply and "gọi điện lại" in reply
    # The callback needs a number: asked, then on the ticket and the callback alike.
    assert outage_chat.state.awaiting.kind == AWAIT_REPORT_PHONE
    arranged = outage_chat.say("0909 123 456", "inform", phone="0909123456")
    assert "hẹn tư vấn viên gọi lại số 09xx xxx 456" in arranged and "0909" not in arranged
    assert the_ticket(outage_chat).callback_phone == "0909123456"
    with unit_of_work(outage_chat.url) as uow:
        handoff = uow.session.execute(select(Handoff)).scalar_one()
        assert handoff.callback.phone == "0909123456"


def test_with_an_agent_online_the_hazard_goes_to_the_top_of_the_queue_and_the_bot_pauses(
    outage_chat: Chat, agent_online: None
) -> None:
    outage_chat.channel = "zalo"  # an agent can write there
    outage_chat.say("calm", "greet")
    reply = outage_chat.say(
        "dây điện đứt trước số 25 đường 30 tháng 4, phường Tân Ninh, Tây Ninh, sđt 0909123456",
        "report_hazard",
        hazard_kind="fallen_wire",
        area="Phường Tân Ninh, Tây Ninh",
        phone="0909123456",
    )
    first, *rest = outage_chat.last
    assert "Tránh xa dây điện" in first.text  # the advice first, then the ticket, then the agent
    assert "phiếu KHẨN số" in rest[0].text and "• Số gọi lại: số 09xx xxx 456" in rest[0].text
    assert "báo ngay cho tư vấn viên trực" in reply and "người tiếp theo" in reply and "19001006" in reply
    assert outage_chat.paused
    (handoff,) = handoffs(outage_chat)
    assert (handoff.reason, handoff.priority, handoff.status) == ("hazard", 1, "waiting")


def test_out_of_hours_the_customer_still_gets_the_hotline_and_the_ticket(outage_chat: Chat) -> None:
    with clock.frozen("2026-11-27T23:30:00"):
        reply = outage_chat.say(
            "trụ điện ở đầu hẻm 5 Lê Lợi bị nghiêng", "report_hazard", hazard_kind="leaning_pole"
        )
        assert "phiếu KHẨN số" in reply and "ngoài giờ làm việc" in reply and "19001006" in reply
        assert the_ticket(outage_chat).location == "hẻm 5 Lê Lợi"  # the place in the report: filed at once
        arranged = outage_chat.say("0909123456", "inform", phone="0909123456")
    assert "hẹn tư vấn viên gọi lại số 09xx xxx 456 từ 07:00 đến 09:00 ngày 28/11/2026" in arranged


def test_a_verified_customer_hazard_is_at_the_registered_address(outage_chat: Chat) -> None:
    verified(outage_chat, "PB14030000003")
    outage_chat.say("mã PB14030000003", "inform", customer_code="PB14030000003")
    reply = outage_chat.say("đồng hồ điện tóe lửa", "report_hazard", hazard_kind="sparking_meter")
    assert "địa chỉ đăng ký của mã khách hàng PB14030000003, Phường Tân Thành, Cà Mau" in reply
    assert "số đã đăng ký" in reply
    ticket = the_ticket(outage_chat)
    assert ticket.location == "47 Đường Lý Thường Kiệt, Phường Tân Thành, Cà Mau"
    assert ticket.callback_phone == "0918333987"


# ---------------------------------------------------------- safety questions that follow


def test_should_i_cut_the_breaker_fits_the_hazard(outage_chat: Chat) -> None:
    outage_chat.say("dây điện bị đứt rơi xuống đường", "report_hazard", hazard_kind="fallen_wire")
    reply = outage_chat.say("co nen ngat cau dao khong", "ask_safety")
    first, second = (m.text for m in outage_chat.last)
    assert "không ngắt được điện của dây" in first and "tránh xa" in first
    assert "địa chỉ chỗ nguy hiểm" in second  # the question pending, again
    assert outage_chat.state.awaiting.kind == AWAIT_REPORT_PLACE and "Dạ có" not in reply


@pytest.mark.parametrize(
    ("report", "kind", "answer"),
    [
        ("nhà tui bị ngập nước", "flooded_house", "ngập tới cầu dao"),
        ("đồng hồ điện tóe lửa", "sparking_meter", "Cầu dao sau công tơ"),
        ("có người bị điện giật", "person_shocked", "Ngắt điện trước rồi mới chạm"),
    ],
)
def test_should_i_cut_the_breaker_inside_the_house(
    outage_chat: Chat, report: str, kind: str, answer: str
) -> None:
    outage_chat.say(report, "report_hazard", hazard_kind=kind)
    reply = outage_chat.say("có nên cúp CB không", "ask_safety")
    assert reply.startswith("Dạ có, anh/chị nên ngắt cầu dao tổng") and answer in reply


def test_water_up_to_the_socket_after_a_ticket_goes_to_the_same_ticket(outage_chat: Chat) -> None:
    outage_chat.say("dây điện đứt gần chợ Tân An Cần Thơ, sđt 0909123456", "report_hazard",
                    hazard_kind="fallen_wire", phone="0909123456")  # fmt: skip
    number = outage_chat.state.ticket.number
    reply = outage_chat.say("nước ngập tới ổ cắm thì sao", "report_hazard", hazard_kind="flooded_house")
    assert "cầu dao còn khô" in reply and "ổ cắm" in reply and f"phiếu KHẨN số {number}" in reply
    assert len(tickets(outage_chat)) == 1 and "nước ngập tới ổ cắm" in the_ticket(outage_chat).details
    assert outage_chat.state.ticket.hazard == "fallen_wire,flooded_house"
    assert "lội nước" in outage_chat.say("có nên cúp cầu dao không", "ask_safety")  # the newest situation


def test_a_safety_question_alone_gets_the_general_advice(outage_chat: Chat) -> None:
    reply = outage_chat.say("có nên cúp CB không", "ask_safety")
    assert "Dạ có" in reply and not tickets(outage_chat) and outage_chat.state.awaiting is None


@pytest.mark.parametrize("word", ["thôi", "hủy"])
def test_cancelling_a_hazard_before_its_place(outage_chat: Chat, word: str) -> None:
    outage_chat.say("cot dien dau hem nghieng sap nga", "report_hazard", hazard_kind="leaning_pole")
    reply = outage_chat.say(word, "cancel")
    assert "chưa tạo phiếu" in reply and "tránh xa" in reply and "19001006" in reply
    assert not tickets(outage_chat) and outage_chat.state.awaiting is None


def test_no_place_twice_for_a_hazard_hands_over_without_a_ticket(outage_chat: Chat) -> None:
    outage_chat.say("dây điện bị đứt", "report_hazard", hazard_kind="fallen_wire")
    outage_chat.say("ở đây nè", "nlu_fallback")
    outage_chat.say("không biết", "nlu_fallback")
    reply = outage_chat.say("nhanh lên", "nlu_fallback")
    assert "chưa có địa chỉ" in reply and "19001006" in reply and not tickets(outage_chat)
    assert [h.reason for h in handoffs(outage_chat)] == ["hazard"]


def test_one_ticket_per_case(outage_chat: Chat) -> None:
    with unit_of_work(outage_chat.url) as uow:
        before = uow.session.execute(select(func.count()).select_from(Ticket)).scalar_one()
    outage_chat.say("dây điện đứt gần chợ Tân An Cần Thơ", "report_hazard", hazard_kind="fallen_wire")
    outage_chat.say("0909123456", "inform", phone="0909123456")
    outage_chat.say("giờ tóe lửa luôn rồi", "report_hazard", hazard_kind="sparking_wire")
    assert len(tickets(outage_chat)) == before + 1


@pytest.mark.parametrize(
    ("text", "kind", "place"),
    [
        ("dây điện bị đứt rớt xuống đường trước nhà tôi, đang xẹt lửa", "fallen_wire", None),
        ("oi co day dien bi dut roi xuong san nha", "fallen_wire", None),
        ("cot dien dau hem co tia lua xet xet", "sparking_wire", None),
        ("có tia lửa ở công tơ nhà tui", "sparking_meter", None),
        ("trụ điện ở đầu hẻm 5 Lê Lợi bị nghiêng", "leaning_pole", "hẻm 5 Lê Lợi"),
        ("cot dien truoc so 12 hem 3 dang toe lua", "sparking_wire", "truoc so 12 hem 3"),
        ("dây điện đứt gần chợ Tân An Cần Thơ", "fallen_wire", "gần chợ Tân An, Cần Thơ"),
    ],
)
def test_the_place_of_a_danger_is_read_from_its_message_only_when_it_names_one(
    outage_chat: Chat, text: str, kind: str, place: str | None
) -> None:
    outage_chat.say(text, "report_hazard", hazard_kind=kind)
    if place is None:  # the description is no place: asked
        assert outage_chat.state.awaiting.kind == AWAIT_REPORT_PLACE and not tickets(outage_chat)
    else:
        assert the_ticket(outage_chat).location == place


# ------------------------------------------------------------ found by talking to make run


def test_a_start_time_in_the_report_is_no_address(outage_chat: Chat) -> None:
    """ "từ 2h chiều rồi" once became the address "2h chieu roi, khi nao co dien lai"."""
    reply = outage_chat.say("nha toi mat dien tu 2h chieu roi, khi nao co dien lai vay", "report_outage")
    assert "ghi nhận địa chỉ" not in reply and "địa chỉ" in reply
    assert outage_chat.state.awaiting.kind == AWAIT_REPORT_PLACE


def test_a_complaint_while_a_report_question_waits_is_heard_not_misunderstood(outage_chat: Chat) -> None:
    outage_chat.say("nhà tui mất điện rồi em ơi", "report_outage")
    outage_chat.say("123 Nguyễn Trãi, phường 2, quận 5", "inform", area="Phường 2, Quận 5")
    outage_chat.say("0909123456", "inform", phone="0909123456")
    assert outage_chat.state.awaiting.kind == AWAIT_SCOPE
    reply = outage_chat.say("dien luc lam an kieu gi vay, toi muon khieu nai", "complain")
    assert NOT_UNDERSTOOD not in reply and "xin lỗi" in reply.lower()
