"""Bills, debts, explanations and re-checks on the demo data: the typed results, and the
text the customer reads (rendered by bot.wording.billing), without Rasa."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from bot.db.models import DisclosureAudit, Invoice, Ticket, TicketKind
from bot.db.repositories.identity import hash_channel_user
from bot.domain.billing import InvoiceStatus
from bot.domain.formatting import format_money
from bot.domain.periods import Month
from bot.services import billing, unit_of_work, verification
from bot.services.verification import NotVerified, Requester, State
from bot.wording import billing as words
from tests.support.demo import BICH, CUONG, DIGITS, DUNG, PHONES

WHO = Requester("rest", "billing-test")
MONEY = re.compile(r"\d[\d.]* đ(?!\w)")


def verified(url: str, code: str, who: Requester = WHO) -> None:
    with unit_of_work(url) as s:
        assert verification.verify(s, code, who, DIGITS[code]).verified


def no_personal_data(text: str) -> None:
    assert not any(phone in text for phone in PHONES)
    assert not any(phone[-4:] in text for phone in PHONES)
    for name in ("Trần Thị Bích", "Lê Văn Cường", "Nguyễn Hoàng Dũng"):
        assert name not in text


def test_bill_of_october_2026_for_the_fixture_customer(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        answer = billing.bill_answer(s, BICH, WHO, Month(2026, 10))
    assert answer.found and answer.month_key == "2026-10"
    invoice = answer.invoice
    assert (invoice.kwh, invoice.total, invoice.days) == (300, 798_660, 30)
    assert invoice.status is InvoiceStatus.OVERDUE and answer.arrears is not None
    assert answer.account.code == BICH and answer.account.masked_name == "Tr*** T*** B***"
    text = words.bill_text(answer)
    for part in (
        "tháng 10/2026",
        "mã PB05010000001 (Tr*** T*** B***)",
        "16/09/2026–15/10/2026 (30 ngày)",
        "300 kWh",
        "798.660 đ",
        "thuế GTGT 8%",
        "đã quá hạn",
        "tính đến ngày 27/11/2026",
    ):
        assert part in text, part
    no_personal_data(text)


def test_the_bill_is_never_shown_without_verification(demo_db: str) -> None:
    with unit_of_work(demo_db) as s, pytest.raises(NotVerified) as refused:
        billing.bill_answer(s, BICH, WHO)
    assert refused.value.status.state is State.NEEDS_ANSWER
    with unit_of_work(demo_db) as s:
        assert s.session.execute(select(DisclosureAudit)).first() is None


def test_every_disclosure_is_audited_with_a_hashed_user(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        billing.bill_answer(s, BICH, WHO, Month(2026, 10))
        billing.debt_answer(s, BICH, WHO)
        billing.bill_detail_answer(s, BICH, WHO, Month(2026, 10))
    with unit_of_work(demo_db) as s:
        rows = s.session.execute(select(DisclosureAudit).order_by(DisclosureAudit.id)).scalars().all()
    assert [r.disclosed for r in rows] == ["invoice 2026-10", "debt", "invoice detail 2026-10"]
    assert {r.channel_user_hash for r in rows} == {hash_channel_user("rest", "billing-test")}
    assert all(r.customer_code == BICH and r.channel == "rest" for r in rows)


def test_latest_and_relative_months(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        latest = billing.bill_answer(s, BICH, WHO)
        current = billing.bill_answer(s, BICH, WHO, Month(2026, 11, current=True))
    assert latest.month_key == current.month_key == "2026-11"  # read on 15/11


def test_paid_bill_says_when_and_how(demo_db: str) -> None:
    verified(demo_db, CUONG)
    with unit_of_work(demo_db) as s:
        text = words.bill_text(billing.bill_answer(s, CUONG, WHO, Month(2026, 10)))
    assert "269.244 đ" in text and "120 kWh" in text
    assert "đã thanh toán ngày 12/10/2026 qua ví ZaloPay" in text


def test_month_without_invoice_and_a_future_month(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        old = billing.bill_answer(s, BICH, WHO, Month(2020, 1))
        future = billing.bill_answer(s, BICH, WHO, Month(2026, 12))
    assert not old.found and not old.missing.not_issued_yet and future.missing.not_issued_yet
    assert old.missing.available[1] == Month(2026, 11)
    old_text, future_text = words.bill_text(old), words.bill_text(future)
    assert "chưa thấy hóa đơn tháng 01/2020" in old_text
    assert "đến tháng 11/2026" in old_text  # says which months exist
    assert not future.found and "chưa phát hành" in future_text and "ngày 15 hằng tháng" in future_text
    assert not MONEY.search(old_text) and not MONEY.search(future_text)


def test_a_customer_without_any_invoice(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as uow:
        for invoice in uow.session.execute(
            select(Invoice).where(Invoice.customer_id == uow.customers.get(BICH).id)
        ).scalars():
            uow.session.delete(invoice)
        uow.flush()
        answer = billing.bill_answer(uow, BICH, WHO)
        uow.rollback()
    assert not answer.found and answer.missing.available is None
    assert "chưa thấy hóa đơn tiền điện nào" in words.bill_text(answer)


def test_breakdown_per_tier_from_the_stored_lines(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        text = words.bill_detail_text(billing.bill_detail_answer(s, BICH, WHO, Month(2026, 10)))
    for line in (
        "Giá theo QĐ 1279/QĐ-BCT",
        "- Bậc 1: 50 kWh × 1.984 đ = 99.200 đ",
        "- Bậc 2: 50 kWh × 2.050 đ = 102.500 đ",
        "- Bậc 3: 100 kWh × 2.380 đ = 238.000 đ",
        "- Bậc 4: 100 kWh × 2.998 đ = 299.800 đ",
        "- Cộng tiền điện: 739.500 đ",
        "- Thuế GTGT 8%: 59.160 đ",
        "- Tổng cộng: 798.660 đ",
    ):
        assert line in text, line


def test_two_households_get_doubled_tiers(demo_db: str) -> None:
    verified(demo_db, DUNG)
    with unit_of_work(demo_db) as s:
        text = words.bill_detail_text(billing.bill_detail_answer(s, DUNG, WHO, Month(2026, 10)))
    assert "- Bậc 1: 100 kWh × 1.984 đ = 198.400 đ" in text
    assert "- Tổng cộng: 1.111.644 đ" in text


def test_debt_lists_unpaid_bills_and_the_total(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        answer = billing.debt_answer(s, BICH, WHO)
        unpaid = s.invoices.unpaid(BICH, date(2026, 11, 27))
    text = words.debt_text(answer)
    assert "tính đến ngày 27/11/2026" in text
    assert "Tháng 10/2026 (kỳ 16/09/2026–15/10/2026): 798.660 đ, quá hạn" in text
    total = sum(i.total for i in unpaid)
    assert answer.total == total and len(answer.unpaid) == len(unpaid) and answer.arrears is not None
    assert f"Tổng cộng: {format_money(total)}." in text
    assert "tạm ngừng cấp điện" in text  # what happens next


def test_no_debt(demo_db: str) -> None:
    verified(demo_db, CUONG)
    with unit_of_work(demo_db) as s:
        answer = billing.debt_answer(s, CUONG, WHO)
    assert answer.unpaid == () and answer.total == 0 and answer.last_paid is not None
    assert "không còn nợ tiền điện" in words.debt_text(answer)


def test_why_high_explains_and_offers_a_recheck(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        answer = billing.bill_high_answer(s, BICH, WHO, Month(2026, 10))
    assert answer.offer_recheck and answer.month_key == "2026-10"
    assert answer.explanation.needs_recheck  # 300 kWh after 200: +50%
    text = words.bill_high_text(answer)
    assert "So với kỳ trước (16/08/2026–15/09/2026: 200 kWh, 474.876 đ)" in text
    assert "cùng kỳ năm trước (16/09/2025–15/10/2025: 180 kWh, 423.468 đ)" in text
    assert "bậc 4" in text and "mẹo" in text and "phúc tra" in text and "24 giờ" in text
    no_personal_data(text)


def test_recheck_opens_one_ticket_with_the_24_hour_promise(demo_db: str) -> None:
    verified(demo_db, BICH)
    with unit_of_work(demo_db) as s:
        first = billing.open_recheck(s, BICH, WHO, Month(2026, 10))
        again = billing.open_recheck(s, BICH, WHO, Month(2026, 10))
    assert first.created and not again.created and first.ticket_number == again.ticket_number
    assert "trong vòng 24 giờ (trước 09:00 ngày 28/11/2026)" in words.recheck_text(first)
    with unit_of_work(demo_db) as s:
        tickets = s.session.execute(select(Ticket)).scalars().all()
    assert len(tickets) == 1
    assert tickets[0].kind == TicketKind.RECHECK.value and tickets[0].customer_code == BICH
    assert "tháng 10/2026" in tickets[0].summary


def test_recheck_needs_verification(demo_db: str) -> None:
    with unit_of_work(demo_db) as s, pytest.raises(NotVerified):
        billing.open_recheck(s, BICH, WHO)


def test_payment_methods_come_from_data() -> None:
    text = words.payment_methods_text()
    assert text.startswith("Dạ,") and "MoMo" in text and "mã khách hàng" in text
