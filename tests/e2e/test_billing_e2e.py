"""Billing conversations through the whole stack (REST channel, frozen clock 27/11/2026).

What these prove that `rasa test` cannot: the NLU, the policies, the action server and
the demo database together give the customer the right numbers, and only after the
verification stored in the database.
"""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import select, text

from bot.db.models import Customer
from bot.db.session import session_scope
from bot.demo.fixtures import FIXTURE_CODES
from tests.e2e.stack import Stack

MONEY = re.compile(r"\d[\d.]* đ(?!\w)")
PHONES = ("0908111321", "0939222654", "0918333987")


def sender(name: str) -> str:
    return f"e2e-{name}-{uuid.uuid4().hex[:8]}"


def said(replies: list[dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def payloads(replies: list[dict]) -> list[str]:
    return [button["payload"] for reply in replies for button in reply.get("buttons") or []]


@pytest.fixture(scope="module")
def other_code(stack: Stack) -> str:
    """A generated demo customer, so locking it disturbs no other test."""
    with session_scope(stack.env["DATABASE_URL"]) as session:
        codes = session.execute(select(Customer.code).order_by(Customer.code)).scalars().all()
    return next(code for code in codes if code not in FIXTURE_CODES)


def test_bill_of_october_2026_after_verification_and_no_amount_before(stack: Stack) -> None:
    me = sender("bill")
    first = said(stack.say(me, "tiền điện tháng 10/2026 mã PB05010000001 bao nhiêu vậy"))
    assert "4 số cuối" in first and "bảo vệ thông tin" in first, first
    assert not MONEY.search(first), f"an amount before verification: {first}"
    replies = stack.say(me, "1321")
    bill = said(replies)
    assert "798.660 đ" in bill, bill
    assert "16/09/2026–15/10/2026" in bill and "300 kWh" in bill and "tính đến ngày 27/11/2026" in bill
    assert "Tr*** T*** B***" in bill and "Trần Thị Bích" not in bill
    assert not any(phone in bill for phone in PHONES)
    assert "/ask_bill_detail" in payloads(replies)
    # Same conversation: the code and the verification are not asked again.
    detail = said(stack.say(me, "chi tiết"))
    assert "- Bậc 4: 100 kWh × 2.998 đ = 299.800 đ" in detail and "4 số cuối" not in detail, detail
    september = said(stack.say(me, "tháng 9 thì sao"))
    assert "474.876 đ" in september and "4 số cuối" not in september, september


def test_debt_and_reading_for_a_verified_customer(stack: Stack) -> None:
    me = sender("debt")
    stack.say(me, "tui còn nợ tiền điện không, mã PB14030000003")
    debt = said(stack.say(me, "3987"))
    assert "1.111.644 đ" in debt and "quá hạn" in debt and "Tổng cộng:" in debt, debt
    reading = said(stack.say(me, "chỉ số công tơ tháng 10"))
    assert "450 kWh" in reading and "ghi ngày 10/10/2026" in reading, reading


def test_three_wrong_answers_lock_the_guesser_not_the_customer(stack: Stack, other_code: str) -> None:
    attacker = sender("lock")
    stack.say(attacker, f"xem hóa đơn mã {other_code}")
    for wrong in ("0000", "0001"):
        assert "chưa khớp" in said(stack.say(attacker, wrong))
    locked = said(stack.say(attacker, "0002"))
    assert "tạm ngưng xác thực" in locked and "19001006" in locked, locked
    again = said(stack.say(attacker, f"tiền điện mã {other_code}"))
    assert "tạm ngưng xác thực" in again and "nhập 4 số cuối" not in again, again
    assert not MONEY.search(again)
    # The customer, in their own conversation, is not locked out by someone else.
    customer = said(stack.say(sender("owner"), f"tiền điện mã {other_code}"))
    assert "4 số cuối" in customer and "tạm ngưng" not in customer, customer


def test_verification_digits_never_reach_the_tracker_store(stack: Stack) -> None:
    me = sender("redact")
    stack.say(me, "tiền điện tháng 10/2026 mã PB05010000001 bao nhiêu vậy")
    assert "798.660 đ" in said(stack.say(me, "1321"))
    stack.say(me, "số điện thoại của tui là 0908 111 321 nha")
    with session_scope(stack.env["TRACKER_STORE_URL"]) as session:
        rows = session.execute(text("SELECT data FROM events WHERE sender_id = :s"), {"s": me})
        events = [json.loads(row[0]) for row in rows]
    # What the customer typed, as stored: text and parse data (the metadata holds opaque ids).
    typed = [
        json.dumps([e.get("text"), e.get("parse_data")], ensure_ascii=False)
        for e in events
        if e["event"] == "user"
    ]
    assert len(typed) == 3 and '"****"' in typed[1] and "**** *** ***" in typed[2], typed
    assert "PB05010000001" in typed[0]  # the rest is kept
    assert not [t for t in typed if "1321" in t or "111 321" in t or "0908" in t], typed


def test_wrong_code_gets_the_reason_in_vietnamese(stack: Stack) -> None:
    me = sender("badcode")
    stack.say(me, "tra tiền điện giúp em")
    reply = said(stack.say(me, "PB0501000001"))
    assert "13 ký tự" in reply, reply


def test_a_code_nobody_has_is_answered_like_a_customers_code(stack: Stack) -> None:
    """Codes are sequential: "em không tìm thấy mã" told anyone which codes exist."""
    replies = {}
    for code in ("PB05010000001", "PB05010009999"):
        me = sender("uniform")
        replies[code] = [said(stack.say(me, f"tiền điện mã {code}")), said(stack.say(me, "0000"))]
    assert "không tìm thấy" not in " ".join(replies["PB05010009999"])
    assert replies["PB05010009999"] == [
        r.replace("PB05010000001", "PB05010009999") for r in replies["PB05010000001"]
    ]


def test_personal_calculation_needs_no_identification(stack: Stack) -> None:
    assert "798.660 đ" in said(stack.say(sender("tariff"), "300 số hết bao nhiêu tiền"))
    two = said(stack.say(sender("tariff2"), "2 hộ xài chung 450 số thì hết bao nhiêu"))
    assert "1.111.644 đ" in two, two


def test_a_request_the_bot_cannot_complete(stack: Stack) -> None:
    replies = stack.say(sender("request"), "đồng hồ điện nhà tui chạy nhanh, muốn kiểm định")
    text = said(replies)
    assert "Giấy tờ cần chuẩn bị" in text and "/affirm" in payloads(replies), text


def test_out_of_scope_gets_one_vietnamese_question_then_the_hotline(stack: Stack) -> None:
    me = sender("fallback")
    first = stack.say(me, "hôm nay trời đẹp quá")
    assert said(first).startswith("Dạ") and "19001006" not in said(first), first
    assert "/ask_bill" in payloads(first), "the clarifying question offers quick replies"
    second = said(stack.say(me, "cho hỏi giá vàng hôm nay"))
    assert "19001006" in second, second


def test_bad_input_during_identification_never_breaks_the_conversation(stack: Stack) -> None:
    me = sender("odd")
    stack.say(me, "xem hóa đơn")
    for message in ("", "😀😀", "a" * 10_000, "'; DROP TABLE customers; --"):
        assert isinstance(stack.say(me, message), list)
    reply = said(stack.say(me, "PB05010000001"))
    assert "4 số cuối" in reply, reply
