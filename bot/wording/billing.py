"""Bills, debts, bill explanations, re-checks and payment methods, as the customer reads them.

Renders the results of :mod:`bot.services.billing`. Customers are named by their code
and masked name only (``mã PB05010000001 (Tr*** T*** B***)``); every account answer
says the day it is valid for.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from pathlib import Path

import yaml

from bot.domain.billing import InvoiceStatus
from bot.domain.formatting import format_date, format_kwh, format_money, format_period, format_rate
from bot.services.billing import (
    Account,
    Arrears,
    DebtAnswer,
    ExplainedBill,
    InvoiceAnswer,
    InvoiceView,
    NoInvoice,
    RecheckResult,
)
from bot.wording.explain import explanation_text

RESOURCES = Path(__file__).resolve().parent / "resources"

PAYMENT_CHANNELS = {
    "bank": "qua chuyển khoản ngân hàng",
    "auto_debit": "qua trích nợ tự động",
    "momo": "qua ví MoMo",
    "zalopay": "qua ví ZaloPay",
    "vnpay": "qua VNPay",
    "viettelmoney": "qua Viettel Money",
    "shopeepay": "qua ví ShopeePay",
    "app": "qua ứng dụng EVNSPC CSKH",
    "collection_point": "tại điểm thu hộ",
    "counter": "tại quầy giao dịch",
}
RECHECK_OFFER = (
    "Nếu anh/chị vẫn thấy chưa hợp lý, em tạo yêu cầu phúc tra (Điện lực kiểm tra lại chỉ số "
    "công tơ) và Điện lực sẽ trả lời anh/chị trong vòng 24 giờ. Anh/chị có muốn em tạo yêu cầu "
    "phúc tra không ạ?"
)


# ------------------------------------------------------------------------ pieces


def account_label(account: Account) -> str:
    """``mã PB05010000001 (Tr*** T*** B***)``: never the full name, never the phone."""
    return f"mã {account.code} ({account.masked_name})"


def as_of_text(today: date) -> str:
    return f"(Thông tin tính đến ngày {format_date(today)}.)"


def _paid_text(invoice: InvoiceView) -> str:
    how = PAYMENT_CHANNELS.get((invoice.payment_channel or "").lower())
    return f"đã thanh toán ngày {format_date(invoice.payment_date)}{' ' + how if how else ''}."


def arrears_text(arrears: Arrears) -> str:
    """What happens when bills stay unpaid (DOMAIN.md "Payment")."""
    if arrears.suspended:
        return (
            "Hiện nguồn điện của anh/chị đang tạm ngừng do chưa thanh toán tiền điện. Sau khi "
            "anh/chị thanh toán hết số nợ, Điện lực sẽ đóng điện lại nha."
        )
    notices = arrears.notices_sent
    sent = f"Điện lực đã gửi {notices} lần thông báo nhắc nợ. " if notices else ""
    if notices >= arrears.notices_before_suspension:
        return (
            f"{sent}Nếu chưa thanh toán, Điện lực có thể tạm ngừng cấp điện (sẽ báo trước ít nhất "
            "24 giờ). Anh/chị thanh toán sớm giúp em nha."
        )
    return (
        f"{sent}Sau {arrears.notices_before_suspension} lần thông báo mà vẫn chưa thanh toán, "
        "Điện lực có thể tạm ngừng cấp điện (báo trước ít nhất 24 giờ). Anh/chị thanh toán sớm giúp em nha."
    )


def status_text(invoice: InvoiceView, arrears: Arrears | None) -> str:
    if invoice.status is InvoiceStatus.PAID:
        return _paid_text(invoice)
    if invoice.status is InvoiceStatus.UNPAID:
        return f"chưa thanh toán, hạn thanh toán ngày {format_date(invoice.due_date)}."
    steps = arrears_text(arrears) if arrears is not None else ""
    return f"chưa thanh toán, đã quá hạn (hạn ngày {format_date(invoice.due_date)}). " + steps


def _vat_label(invoice: InvoiceView) -> str:
    return " và ".join(format_rate(rate) for rate in invoice.vat_rates)


def no_invoice_text(account: Account, missing: NoInvoice, as_of: date) -> str:
    label = account_label(account)
    if missing.available is None:
        return f"Dạ, hiện em chưa thấy hóa đơn tiền điện nào của {label}. {as_of_text(as_of)}"
    oldest, newest = missing.available
    available = f"Trên hệ thống có hóa đơn từ tháng {oldest.label} đến tháng {newest.label}."
    if missing.not_issued_yet and missing.asked is not None:
        return (
            f"Dạ, hóa đơn tháng {missing.asked.label} của {label} chưa phát hành: công tơ được ghi chỉ số "
            f"ngày {missing.reading_day} hằng tháng, hóa đơn có sau ngày ghi. {available}"
        )
    asked = f"tháng {missing.asked.label}" if missing.asked is not None else "kỳ này"
    return f"Dạ, em chưa thấy hóa đơn {asked} của {label}. {available} {as_of_text(as_of)}"


def _missing_text(answer: InvoiceAnswer | ExplainedBill | RecheckResult) -> str:
    assert answer.missing is not None
    return no_invoice_text(answer.account, answer.missing, answer.as_of)


# ------------------------------------------------------------------------ answers


def bill_text(answer: InvoiceAnswer) -> str:
    invoice = answer.invoice
    if invoice is None:
        return _missing_text(answer)
    lines = [
        f"Dạ, hóa đơn tiền điện tháng {invoice.month.label} của {account_label(answer.account)}:",
        f"- Kỳ: {format_period(invoice.period_start, invoice.period_end)} ({invoice.days} ngày)",
        f"- Điện năng tiêu thụ: {format_kwh(invoice.kwh)}",
        f"- Tổng tiền (đã gồm thuế GTGT {_vat_label(invoice)}): {format_money(invoice.total)}",
        f"- Hạn thanh toán: {format_date(invoice.due_date)}",
        f"- Tình trạng: {status_text(invoice, answer.arrears)}",
    ]
    if invoice.estimated_reading:
        lines.append("- Lưu ý: kỳ này dùng chỉ số ước tính, sẽ được điều chỉnh khi ghi chỉ số thực tế.")
    lines.append(as_of_text(answer.as_of))
    return "\n".join(lines)


def bill_detail_text(answer: InvoiceAnswer) -> str:
    invoice = answer.invoice
    if invoice is None:
        return _missing_text(answer)
    lines = [
        f"Dạ, chi tiết hóa đơn tháng {invoice.month.label} của {account_label(answer.account)}, kỳ "
        f"{format_period(invoice.period_start, invoice.period_end)}, {format_kwh(invoice.kwh)}:"
    ]
    parts = sorted({line.part for line in invoice.lines})
    for part in parts:
        part_lines = [line for line in invoice.lines if line.part == part]
        first = part_lines[0]
        if len(parts) > 1 and first.part_start and first.part_end:
            lines.append(
                f"Từ {format_date(first.part_start)} đến {format_date(first.part_end)} "
                f"(giá theo {first.tariff_name}, thuế GTGT {format_rate(first.vat_rate)}):"
            )
        else:
            lines.append(f"Giá theo {first.tariff_name}:")
        for line in part_lines:
            lines.append(
                f"- Bậc {line.tier}: {format_kwh(line.kwh)} × {format_money(line.unit_price)} = "
                f"{format_money(line.amount)}"
            )
    lines += [
        f"- Cộng tiền điện: {format_money(invoice.subtotal)}",
        f"- Thuế GTGT {_vat_label(invoice)}: {format_money(invoice.vat_amount)}",
        f"- Tổng cộng: {format_money(invoice.total)}",
        as_of_text(answer.as_of),
    ]
    return "\n".join(lines)


def debt_text(answer: DebtAnswer) -> str:
    today = format_date(answer.as_of)
    label = account_label(answer.account)
    if not answer.unpaid:
        last = ""
        if answer.last_paid is not None:
            paid = answer.last_paid
            last = (
                f" Hóa đơn gần nhất (tháng {paid.month.label}, {format_money(paid.total)}) "
                f"đã thanh toán ngày {format_date(paid.payment_date)}."
            )
        return f"Dạ, tính đến ngày {today}, {label} không còn nợ tiền điện.{last}"
    lines = [f"Dạ, tính đến ngày {today}, {label} còn {len(answer.unpaid)} hóa đơn chưa thanh toán:"]
    for invoice in answer.unpaid:
        when = (
            f"quá hạn từ ngày {format_date(invoice.due_date + timedelta(days=1))}"
            if invoice.status is InvoiceStatus.OVERDUE
            else f"hạn thanh toán ngày {format_date(invoice.due_date)}"
        )
        period = format_period(invoice.period_start, invoice.period_end)
        lines.append(f"- Tháng {invoice.month.label} (kỳ {period}): {format_money(invoice.total)}, {when}")
    lines.append(f"Tổng cộng: {format_money(answer.total)}.")
    if answer.arrears is not None:
        lines.append(arrears_text(answer.arrears))
    return "\n".join(lines)


def bill_high_text(answer: ExplainedBill) -> str:
    """The reasons, the day, saving tips and the offer of a re-check."""
    if answer.explanation is None:
        return _missing_text(answer)
    sentences = explanation_text(answer.explanation)
    sentences[0] = sentences[0].replace("của anh/chị", f"của {account_label(answer.account)}", 1)
    return "\n".join([*sentences, as_of_text(answer.as_of), "", tips_text(answer.as_of), "", RECHECK_OFFER])


def recheck_text(result: RecheckResult) -> str:
    if not result.found:
        return _missing_text(result)
    assert result.month is not None and result.answer_by is not None
    opening = "em đã tạo yêu cầu phúc tra" if result.created else "yêu cầu phúc tra đã được tạo trước đó,"
    answer_by = result.answer_by
    return (
        f"Dạ, {opening} số {result.ticket_number} cho hóa đơn tháng {result.month.label} của "
        f"{account_label(result.account)}. "
        f"Điện lực sẽ kiểm tra lại chỉ số công tơ và trả lời anh/chị trong vòng 24 giờ (trước "
        f"{answer_by:%H:%M} ngày {format_date(answer_by.date())}). Khi cần hỏi lại, anh/chị đọc số "
        "yêu cầu này nha."
    )


def recheck_overdue_text(result: RecheckResult) -> str:
    """A re-check still open after the time promised: the apology before a person takes it."""
    assert result.month is not None and result.answer_by is not None
    answer_by = result.answer_by
    return (
        f"Dạ, yêu cầu phúc tra số {result.ticket_number} cho hóa đơn tháng {result.month.label} của "
        f"{account_label(result.account)} đã quá hạn trả lời (hẹn trước {answer_by:%H:%M} ngày "
        f"{format_date(answer_by.date())}) mà anh/chị chưa nhận được kết quả. Em thành thật xin lỗi "
        "anh/chị."
    )


# -------------------------------------------------------------- public information


@functools.cache
def _yaml(name: str) -> dict:
    return yaml.safe_load((RESOURCES / name).read_text(encoding="utf-8"))


def tips_text(today: date) -> str:
    """Saving tips (``resources/saving_tips.yml``), the hot-season header in its months."""
    tips = _yaml("saving_tips.yml")
    header = tips["hot_season_header"] if today.month in tips.get("hot_season_months", []) else tips["header"]
    return "\n".join([header, *(f"- {tip}" for tip in tips["tips"])])


def payment_methods_text() -> str:
    """The ways to pay (``resources/payment_methods.yml``; public, no verification)."""
    data = _yaml("payment_methods.yml")
    lines = ["Dạ, anh/chị có thể thanh toán tiền điện qua:"]
    lines += [f"- {m['name']}: {m['how']}" for m in data["methods"]]
    lines += list(data.get("notes") or [])
    return "\n".join(lines)
