"""Outage questions through the engine: schedules, follow-ups on what was shown, restore
times, supply status, reports and hazards (clock 27/11/2026 09:00)."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import Ticket
from bot.db.session import session_scope
from tests.dialogue.conftest import CUONG, DUNG, Chat

CUONG_OUTAGE = ("03/12/2026", "07:30–16:00")


def tickets(url: str) -> int:
    with session_scope(url) as session:
        return session.execute(select(func.count()).select_from(Ticket)).scalar_one()


# ----------------------------------------------------------------------- schedules


def test_a_schedule_asks_for_a_code_or_a_place_then_answers_without_personal_data(chat: Chat) -> None:
    assert "mã khách hàng" in chat.say("sắp tới nhà tui có lịch cúp điện không", "ask_outage_schedule")
    answer = chat.say("PB11020000002", customer_code=CUONG)
    assert all(part in answer for part in CUONG_OUTAGE) and "bảo trì, sửa chữa lưới điện" in answer
    assert "7 ngày tới (27/11/2026–03/12/2026)" in answer and "Lê Văn Cường" not in answer
    assert chat.state.outages_shown and chat.state.outages_shown[0].kind == "planned"


def test_a_place_by_its_old_name(chat: Chat) -> None:
    answer = chat.say(
        "lich cup dien phuong an khanh ninh kieu can tho",
        "ask_outage_schedule",
        area="Phường An Khánh, Quận Ninh Kiều, Cần Thơ",
    )
    assert "Phường Tân An" in answer and all(part in answer for part in CUONG_OUTAGE)


def test_an_ambiguous_place_is_asked_back_with_buttons_and_the_choice_answers(chat: Chat) -> None:
    chat.say("lịch cúp điện ở Ninh Kiều", "ask_outage_schedule", area="Ninh Kiều")
    buttons = [b for m in chat.last for b in m.buttons]
    assert "có ở nhiều nơi" in chat.last[-1].text and len(buttons) == 2
    quarter = next(b for b in buttons if "Quận" in b.title)
    area = quarter.payload.split('"area": "')[1].rstrip('"}')
    assert "lịch ngừng cung cấp điện" in chat.say(quarter.payload, area=area)


def test_follow_ups_on_a_schedule_replace_one_detail_and_keep_the_rest(chat: Chat) -> None:
    chat.say("lịch cúp điện mã PB11020000002", "ask_outage_schedule", customer_code=CUONG)
    next_week = chat.say("còn tuần sau thì sao", "ask_outage_schedule", date="tuần sau=week:+1")
    assert "tuần sau (30/11/2026–06/12/2026)" in next_week and "mã khách hàng PB11020000002" in next_week
    place = chat.say(
        "còn phường Tân Ninh, Tây Ninh thì sao",
        "subscribe_alerts",
        area="phường Tân Ninh, Tây Ninh=Phường Tân Ninh, Tây Ninh",
    )
    assert "Phường Tân Ninh" in place and "tuần sau" in place
    assert "tự động" not in place  # not the notices answer
    code = chat.say("còn mã PB14030000003 thì sao", "inform", customer_code=DUNG)
    assert "mã khách hàng PB14030000003" in code and "tuần sau" in code


def test_when_power_comes_back_right_after_a_listed_planned_outage(chat: Chat) -> None:
    chat.say("lịch cúp điện mã PB11020000002", "ask_outage_schedule", customer_code=CUONG)
    back = chat.say("mấy giờ có điện lại", "ask_restore_time")
    assert "16:00" in back and "03/12/2026" in back and "chưa thấy" not in back


def test_why_right_after_a_listed_planned_outage_is_its_reason_not_the_bill(chat: Chat) -> None:
    chat.say("lịch cúp điện mã PB11020000002", "ask_outage_schedule", customer_code=CUONG)
    why = chat.say("vì sao cắt vậy", "ask_bill_high")
    assert "bảo trì, sửa chữa lưới điện" in why and "hóa đơn" not in why and "4 số cuối" not in why
    more = chat.say("chi tiết hơn", "ask_bill_detail")
    assert "bảo trì" in more and "16:00" in more and "4 số cuối" not in more


# ------------------------------------------------------------ restore and supply


def test_the_incident_on_the_customers_station(outage_chat: Chat) -> None:
    reply = outage_chat.say("khi nào có điện lại mã PB14030000003", "ask_restore_time", customer_code=DUNG)
    assert "SC-261127-0001" in reply and "12:25 hôm nay (27/11/2026)" in reply
    why = outage_chat.say("vì sao vậy", "nlu_fallback")
    assert "cây ngã vào đường dây trung thế" in why


def test_a_quoted_ticket_needs_no_code_and_an_unknown_one_is_said(outage_chat: Chat) -> None:
    assert "không tìm thấy phiếu số SC2699999999" in outage_chat.say(
        "phiếu SC2699999999 sao rồi", "ask_restore_time"
    )


# ----------------------------------------------------------------------- reports


def test_a_report_without_a_code_asks_with_sympathy(outage_chat: Chat) -> None:
    reply = outage_chat.say("mất điện rồi", "report_outage")
    assert "rất tiếc" in reply and "mã khách hàng" in reply


def test_a_known_incident_is_told_and_no_ticket_is_opened(outage_chat: Chat) -> None:
    before = tickets(outage_chat.url)
    outage_chat.say("mất điện rồi", "report_outage")
    reply = outage_chat.say("PB14030000003", customer_code=DUNG)
    assert "SC-261127-0001" in reply and "không cần báo lại" in reply
    assert tickets(outage_chat.url) == before and outage_chat.state.awaiting is None


def test_stopping_a_report(outage_chat: Chat) -> None:
    outage_chat.say("mất điện rồi", "report_outage")
    reply = outage_chat.say("thôi khỏi", "deny")
    assert "dừng" in reply and outage_chat.state.awaiting is None


# Reports a crew can act on (where, a number, since when) and hazards: test_reports.py.
