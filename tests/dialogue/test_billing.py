"""Account questions through the engine (demo data, today 27/11/2026): identification,
verification, bills and follow-ups on the month on screen."""

from __future__ import annotations

import re

import pytest

from tests.dialogue.conftest import BICH, DIGITS, DUNG, NAMES, PHONES, Chat

MONEY = re.compile(r"\d[\d.]* đ(?!\w)")


def verified(chat: Chat, code: str = BICH) -> None:
    chat.say(f"mã {code}", "inform", customer_code=code)
    chat.state = chat.state.but(awaiting=None)
    chat.say("xem hóa đơn", "ask_bill")
    chat.say(DIGITS[code], "inform", digits=DIGITS[code])


def test_the_bill_after_the_privacy_notice_and_the_digits_and_no_amount_before(chat: Chat) -> None:
    first = chat.say(
        "tiền điện tháng 10/2026 mã PB05010000001", "ask_bill", period="2026-10", customer_code=BICH
    )
    assert "bảo vệ thông tin" in first and "4 số cuối" in first and not MONEY.search(first)
    bill = chat.say("1321", "inform", digits="1321")
    assert "798.660 đ" in bill and "16/09/2026–15/10/2026" in bill and "300 kWh" in bill
    assert "Tr*** T*** B***" in bill and not any(name in bill for name in NAMES)
    assert not any(phone in bill for phone in PHONES)
    assert "/ask_bill_detail" in chat.payloads()
    assert chat.state.period_shown == "2026-10" and chat.state.topic == "bill"


def test_the_privacy_notice_comes_once(chat: Chat) -> None:
    chat.say("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    again = chat.say("nợ bao nhiêu", "ask_debt")
    assert "4 số cuối" in again and "bảo vệ thông tin" not in again


def test_digits_in_words_or_a_whole_phone_number_count(chat: Chat) -> None:
    chat.say("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    assert "hóa đơn tiền điện tháng 11/2026" in chat.say("4 số cuối là 13 21 nha", "nlu_fallback")


def test_wrong_digits_say_how_many_tries_are_left_and_the_third_locks(chat: Chat) -> None:
    chat.say("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    assert "còn 2 lần thử" in chat.say("0000", digits="0000")
    assert "còn 1 lần thử" in chat.say("0001", digits="0001")
    locked = chat.say("0002", digits="0002")
    assert "tạm ngưng xác thực" in locked and "19001006" in locked and not MONEY.search(locked)
    assert chat.state.awaiting.kind == "one_time_code_offer"  # a code by SMS, or a person (test_locks.py)
    again = chat.say("tiền điện mã PB05010000001", "ask_bill", customer_code=BICH)
    assert "tạm ngưng xác thực" in again and "nhập 4 số cuối" not in again
    # The guesser is locked, not the customer: another requester is still asked.
    owner = Chat(chat.url).say("tiền điện mã PB05010000001", "ask_bill", customer_code=BICH)
    assert "nhập 4 số cuối" in owner and "tạm ngưng" not in owner


def test_not_four_digits_is_asked_again_without_losing_a_try(chat: Chat) -> None:
    chat.say("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    assert "đúng 4 chữ số" in chat.say("13", "inform")
    assert "còn 2 lần thử" in chat.say("0000", digits="0000")


@pytest.mark.parametrize("typed", ["PB1403000000", "mã PB140300000003 nha"])  # 10 and 12 digits
def test_a_mistyped_code_while_the_digits_are_awaited_is_no_wrong_try(chat: Chat, typed: str) -> None:
    """Found on `make run`: "PB1403000000" holds 10 digits and was judged as a whole phone
    number, a wrong try. It is a code of the wrong length: its reason, no try lost."""
    chat.say("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    malformed = typed.removeprefix("mã ").removesuffix(" nha")
    reply = chat.say(typed, "inform", malformed=[malformed])
    assert "13 ký tự" in reply and "4 số cuối" in reply and "PB05010000001" in reply, reply
    assert "lần thử" not in reply
    assert chat.state.awaiting.kind == "digits" and chat.state.awaiting.code == BICH
    assert "còn 2 lần thử" in chat.say("0000", digits="0000")  # the first wrong try is this one
    assert "hóa đơn tiền điện" in chat.say("1321", digits="1321")


def test_a_code_is_asked_when_none_is_known_and_bad_codes_get_their_reason(chat: Chat) -> None:
    assert "mã khách hàng" in chat.say("tra tiền điện giúp em", "ask_bill")
    assert "13 ký tự" in chat.say("PB0501000001", malformed=["PB0501000001"])
    assert "số điện thoại" in chat.say("0908111321", phone="0908111321")
    third = chat.say("XY99990000001", malformed=["XY99990000001"])
    assert "PB" in third and "19001006" in third
    assert chat.state.awaiting is None


def test_a_code_nobody_has_is_asked_for_the_digits_like_any_other(chat: Chat) -> None:
    """Codes are sequential: "không tìm thấy mã" would list the customers (issue 9)."""
    chat.say("tra tiền điện giúp em", "ask_bill")
    unknown = chat.say("PB99990000001", customer_code="PB99990000001")
    assert "4 số cuối" in unknown and "không tìm thấy" not in unknown
    wrong = chat.say("1321", digits="1321")
    assert "chưa khớp" in wrong and "không tìm thấy" not in wrong


def test_a_good_code_after_a_bad_one_goes_on_to_the_digits(chat: Chat) -> None:
    chat.say("tra tiền điện giúp em", "ask_bill")
    chat.say("PB99990000001", customer_code="PB99990000001")
    assert "4 số cuối" in chat.say("PB05010000001", customer_code=BICH)


def test_a_zalo_link_means_no_question_in_a_later_conversation(chat: Chat) -> None:
    zalo = Chat(chat.url, channel="zalo", sender="zalo-user-1")
    zalo.say("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    assert "ghi nhớ mã này" in zalo.say("1321", digits="1321")
    later = Chat(chat.url, channel="zalo", sender="zalo-user-1")
    assert "798.660 đ" in later.say("tiền điện tháng 10/2026", "ask_bill", period="2026-10")
    unlinked = later.say("hủy liên kết", "unlink_account")
    assert "hủy liên kết mã PB05010000001" in unlinked
    assert "mã khách hàng" in Chat(chat.url, channel="zalo", sender="zalo-user-1").say(
        "xem hóa đơn", "ask_bill"
    )


def test_follow_up_months_count_from_the_month_on_screen(chat: Chat) -> None:
    verified(chat)
    chat.say("tháng 10/2026", "ask_bill", period="2026-10")
    september = chat.say("thế tháng trước?", "inform", period="tháng trước=relative:-1")
    assert "tháng 09/2026" in september and "474.876 đ" in september and "4 số cuối" not in september
    assert chat.state.period_shown == "2026-09"
    last_year = chat.say("tháng 6 năm ngoái", "inform", period="tháng 6=month:6")
    assert "tháng 06/2025" in last_year


def test_a_follow_up_that_looks_like_another_question_keeps_the_topic(chat: Chat) -> None:
    """ "còn tháng 9 thì sao" after a bill once answered the debt: it is the bill of September."""
    verified(chat)
    september = chat.say("còn tháng 9 thì sao", "ask_debt", period="tháng 9=month:9")
    assert "tháng 09/2026" in september and "474.876 đ" in september and "Tổng cộng:" not in september


def test_same_period_last_year(chat: Chat) -> None:
    verified(chat)
    chat.say("tháng 10/2026", "ask_bill", period="2026-10")
    assert "tháng 10/2025" in chat.say("cùng kỳ năm ngoái", "deny")


def test_several_months_in_one_question(chat: Chat) -> None:
    verified(chat)
    both = chat.say("tháng 9 với tháng 10", "ask_bill", period=["month:9", "month:10"])
    assert "474.876 đ" in both and "798.660 đ" in both and chat.state.period_shown == "2026-10"


def test_a_follow_up_code_asks_the_same_topic_for_that_customer(chat: Chat) -> None:
    verified(chat)
    other = chat.say("còn mã PB14030000003 thì sao", "inform", customer_code=DUNG)
    assert "4 số cuối" in other and "PB14030000003" in other
    debt_text = chat.say("3987", digits="3987")
    assert "hóa đơn tiền điện" in debt_text and "PB14030000003" in debt_text


def test_the_detail_and_why_high_are_about_the_month_on_screen(chat: Chat) -> None:
    verified(chat)
    chat.say("tháng 9", "ask_bill", period="month:9")
    detail = chat.say("chi tiết", "ask_bill_detail")
    assert "chi tiết hóa đơn tháng 09/2026" in detail and "Bậc 3: 100 kWh × 2.380 đ = 238.000 đ" in detail
    chat.say("tháng 10/2026", "ask_bill", period="2026-10")
    assert "- Bậc 4: 100 kWh × 2.998 đ = 299.800 đ" in chat.say("chi tiết hơn", "ask_bill_detail")


def test_why_high_gives_the_tips_once_and_offers_a_recheck(chat: Chat) -> None:
    verified(chat)
    first = chat.say("sao tiền điện cao vậy", "ask_bill_high")
    assert "mẹo" in first.lower() and "phúc tra" in first
    assert len(chat.last) == 3 and chat.last[-1].buttons
    again = chat.say("vì sao tiền điện cao", "ask_bill_high")
    assert "mẹo" not in again.lower() and len(chat.last) == 1
    ticket = chat.say("có", "affirm")
    assert "đã tạo yêu cầu phúc tra số SC" in ticket and chat.state.ticket.kind == "recheck"
    assert "đã được tạo trước đó" in chat.say("phúc tra giúp em", "request_recheck")


def test_no_to_the_recheck(chat: Chat) -> None:
    verified(chat)
    chat.say("sao tiền điện cao vậy", "ask_bill_high")
    reply = chat.say("không cần", "deny")
    assert reply.startswith("Dạ") and "phúc tra số" not in reply and chat.state.awaiting is None


def test_debt_reading_and_reading_date(chat: Chat) -> None:
    verified(chat, DUNG)
    debt = chat.say("tui còn nợ không", "ask_debt")
    assert "1.111.644 đ" in debt and "quá hạn" in debt and "Tổng cộng:" in debt
    reading = chat.say("chỉ số công tơ tháng 10", "ask_meter_reading", period="month:10")
    assert "450 kWh" in reading and "ghi ngày 10/10/2026" in reading
    assert "ngày 10 hằng tháng" in chat.say("khi nào ghi chỉ số", "ask_reading_date")


def test_another_account_question_while_the_digits_are_asked_waits_with_it(chat: Chat) -> None:
    chat.say("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    chat.say("à cho xem nợ luôn", "ask_debt")
    both = chat.say("1321", digits="1321")
    assert "hóa đơn tiền điện tháng 11/2026" in both and "798.660 đ" in both and "Tổng cộng:" in both


def test_a_code_on_its_own_is_checked_and_nothing_is_shown(chat: Chat) -> None:
    reply = chat.say("PB05010000001", customer_code=BICH)
    assert "đã nhận mã khách hàng PB05010000001" in reply and not MONEY.search(reply)
    assert "/ask_bill" in chat.payloads()
    assert "4 số cuối" in chat.say("xem hóa đơn", "ask_bill")


def test_change_code_forgets_the_code_and_asks_for_another(chat: Chat) -> None:
    verified(chat)
    assert "mã khách hàng" in chat.say("đổi mã khác", "change_customer_code")
    assert chat.state.customer_code is None
    assert "4 số cuối" in chat.say("PB14030000003", customer_code=DUNG)


def test_payment_methods_need_no_identification(chat: Chat) -> None:
    reply = chat.say("đóng tiền điện ở đâu", "ask_payment_methods")
    assert "MoMo" in reply and "4 số cuối" not in reply


def test_a_malformed_code_in_the_question_gets_its_reason_at_once(chat: Chat) -> None:
    reply = chat.say("xem hóa đơn mã PB050100000", "ask_bill", malformed=["PB050100000"])
    assert "13 ký tự" in reply


def test_a_message_without_a_channel_identity_is_never_asked_the_digits(chat: Chat) -> None:
    from bot.dialogue import run_turn
    from bot.services.verification import Requester

    turn = chat.turn("xem hóa đơn mã PB05010000001", "ask_bill", customer_code=BICH)
    anonymous = Requester("rest", "anonymous:x", verifiable=False)
    outcome = run_turn(type(turn)(**{**turn.__dict__, "requester": anonymous}), chat.state, chat.url)
    said = "\n".join(m.text for m in outcome.messages)
    assert "4 số cuối" not in said and "chưa xác thực được" in said and outcome.state.awaiting is None
