"""Offices, one tier's price and the previous tariff, and estimated readings through the
engine, with their follow-ups."""

from __future__ import annotations

from bot import clock
from tests.dialogue.conftest import BICH, Chat

ESTIMATED, ESTIMATED_DIGITS = "PB06020000101", "1674"  # demo: the reading of 11/11/2026 was estimated


def test_an_office_by_code_then_by_another_place(chat: Chat) -> None:
    asked = chat.say("phòng giao dịch điện lực ở đâu", "ask_office")
    assert "mã khách hàng" in asked and "phòng giao dịch gần nhất" in asked
    office = chat.say("PB05010000001", customer_code=BICH)
    assert "Phòng giao dịch Điện lực Tây Ninh, 155 Đường Lê Hồng Phong" in office
    assert "Bây giờ đang mở cửa, đến 11:30." in office and "4 số cuối" not in office
    other = chat.say("còn phường An Khánh, Ninh Kiều thì sao", area="Phường An Khánh, Quận Ninh Kiều")
    assert "Phòng giao dịch Điện lực Ninh Kiều, 235 Đường Lý Thường Kiệt" in other


def test_opening_hours_asked_at_night_say_when_it_opens(chat: Chat) -> None:
    with clock.frozen("2026-11-28T21:30:00"):  # Saturday night
        reply = chat.say("mấy giờ mở cửa, mã PB11020000002", "ask_office", customer_code="PB11020000002")
    assert "Bây giờ đang đóng cửa, mở lại lúc 07:00 ngày 30/11/2026." in reply


def test_an_unknown_place_is_said(chat: Chat) -> None:
    reply = chat.say("phòng giao dịch ở phường Xyzabc", "ask_office", area="Phường Xyzabc")
    assert "chưa tìm thấy" in reply


def test_one_tier_the_previous_table_and_back_to_a_calculation(chat: Chat) -> None:
    four = chat.say("bậc 4 giá bao nhiêu", "ask_tariff", tier="4")
    assert "bậc 4 (201–300 kWh)" in four and "2.998 đ/kWh" in four and len(chat.last) == 1
    old = chat.say("còn giá cũ thì sao", tariff_when="previous")
    assert "2.860 đ/kWh" in old and "QĐ 2699/QĐ-BCT" in old and "09/05/2025" in old
    six = chat.say("còn bậc 6?", tier="6")
    assert "bậc 6" in six and "3.302 đ/kWh" in six  # still the previous table
    quote = chat.say("thế 400 số?", kwh="400")
    assert "1.160.460 đ" in quote and chat.state.tier is None


def test_the_previous_table_asked_afresh_and_a_tier_that_does_not_exist(chat: Chat) -> None:
    table = chat.say("giá điện cũ trước khi tăng giá là bao nhiêu", "ask_tariff", tariff_when="previous")
    assert "Bậc 1 (0–50 kWh): 1.893 đ/kWh (nay 1.984 đ)" in table
    assert "không có bậc 9" in chat.say("bậc 9", "ask_tariff", tier="9")


def test_why_estimated_after_the_digits_then_another_month(chat: Chat) -> None:
    chat.say("sao chỉ số bị ước tính", "ask_estimated_reading", customer_code=ESTIMATED)
    reply = chat.say(ESTIMATED_DIGITS, digits=ESTIMATED_DIGITS)
    assert "kỳ 12/10/2026–11/11/2026" in reply and "148 kWh" in reply and "ước tính" in reply
    assert "dự kiến ngày 11/12/2026" in reply and "/request_recheck" in chat.payloads()
    october = chat.say("còn tháng 10 thì sao", period="month:10")
    assert "ghi thực tế" in october and "11/10/2026" in october


def test_why_estimated_for_a_customer_whose_readings_are_all_actual(chat: Chat) -> None:
    chat.say("xem nợ mã PB05010000001", "ask_debt", customer_code=BICH)
    chat.say("1321", digits="1321")
    assert "không có kỳ nào ước tính" in chat.say("sao chỉ số bị ước tính", "ask_estimated_reading")
