"""Payments as the customer reads them: how long a payment takes to show, what the
account shows, the steps of one channel, the late-payment rules, and when the next
bill comes (:mod:`bot.services.payments`, :mod:`bot.services.payment_channels`,
:mod:`bot.services.billing_cycle`, :mod:`bot.services.rules`)."""

from __future__ import annotations

from datetime import datetime

from bot.domain.billing import InvoiceStatus
from bot.domain.formatting import format_date, format_money
from bot.services.billing import DebtAnswer
from bot.services.billing_cycle import NextBill
from bot.services.payment_channels import ChannelGuide, guide
from bot.services.payments import PostingCheck, PostingTiming
from bot.services.rules import Delay, PaymentRules
from bot.wording.common import hhmm, hotlines

CHANNEL_NAMES = {
    "momo": "ví MoMo",
    "zalopay": "ví ZaloPay",
    "vnpay": "VNPay",
    "bank_app": "ứng dụng ngân hàng",
    "evn_app": "ứng dụng EVNSPC CSKH",
    "store": "điểm thu hộ",
    "counter": "quầy giao dịch",
    "auto_debit": "trích nợ tự động",
}


def delay_text(delay: Delay | None) -> str:
    if delay is None:
        return ""
    if delay.at_once:
        return "được ghi nhận ngay"
    if delay.working_days:
        return f"được ghi nhận trong {delay.working_days} ngày làm việc"
    return f"được ghi nhận trong vòng {delay.hours} giờ"


def _moment(moment: datetime) -> str:
    return f"{hhmm(moment)} ngày {format_date(moment.date())}"


def channel_name(channel: str | None) -> str:
    return CHANNEL_NAMES.get(channel or "", "")


# ------------------------------------------------------------------- posting


def _rules_line(timing: PostingTiming) -> str:
    rules = timing.rules
    if timing.channel is None:
        return (
            f"Dạ, tiền điện đóng qua ví điện tử, ứng dụng ngân hàng hay ứng dụng của Điện lực thường "
            f"{delay_text(rules['connected'])}; chuyển khoản thường vào tài khoản Điện lực "
            f"{delay_text(rules['transfer'])}; tại quầy hoặc điểm thu hộ thì {delay_text(rules['instant'])}."
        )
    text = f"Dạ, tiền điện đóng qua {channel_name(timing.channel)} thường {delay_text(timing.delay)}"
    if timing.transfer is not None:
        text += f" (chuyển khoản thường vào tài khoản Điện lực thì {delay_text(timing.transfer)})"
    return text + "."


def timing_text(timing: PostingTiming) -> str:
    if timing.paid_on is None or timing.delay is None:
        return ""
    paid = format_date(timing.paid_on)
    if timing.delay.at_once:
        return f" Khoản anh/chị đóng ngày {paid} lẽ ra đã được ghi nhận ngay."
    if timing.expected_by is None:
        hours = timing.delay.hours
        return f" Anh/chị đóng hôm nay ({paid}) thì chờ thêm trong vòng {hours} giờ sau lúc thanh toán nha."
    if timing.overdue:
        return f" Anh/chị đóng ngày {paid} thì đến nay đã quá thời gian này."
    return f" Anh/chị đóng ngày {paid} thì chậm nhất {_moment(timing.expected_by)} sẽ được ghi nhận."


def posting_text(timing: PostingTiming) -> str:
    """The rule (and, with the day paid, the timing): the public part."""
    advice = (
        " Anh/chị kiểm tra tin nhắn hoặc biên lai giao dịch đã thành công và đúng mã khách hàng; quá thời "
        f"gian đó mà vẫn báo nợ thì giữ biên lai và gọi Tổng đài {hotlines()}, hoặc để em tạo phiếu kiểm tra."
    )
    return _rules_line(timing) + timing_text(timing) + advice


def check_text(check: PostingCheck, timing: PostingTiming | None = None) -> str:
    """What the account shows (verified)."""
    label = f"mã {check.account.code}"
    as_of = format_date(check.as_of)
    if check.asked is not None:
        invoice = check.invoice
        if invoice is None:
            return f"Dạ, em chưa thấy hóa đơn tháng {check.asked.label} của {label} ạ."
        if invoice.payment_date is not None and invoice.payment_date <= check.as_of:
            how = channel_name_of_invoice(invoice.payment_channel)
            return (
                f"Dạ, hóa đơn tháng {invoice.month.label} của {label} ({format_money(invoice.total)}) "
                f"đã được ghi nhận thanh toán ngày {format_date(invoice.payment_date)}"
                f"{' qua ' + how if how else ''} ạ."
            )
        return (
            f"Dạ, tính đến ngày {as_of}, hóa đơn tháng {invoice.month.label} của {label} "
            f"({format_money(invoice.total)}) chưa được ghi nhận thanh toán ạ."
        )
    last = check.last_payment
    last_text = ""
    if last is not None and last.payment_date is not None:
        how = channel_name_of_invoice(last.payment_channel)
        last_text = (
            f"Khoản thanh toán gần nhất em thấy là ngày {format_date(last.payment_date)}"
            f"{' qua ' + how if how else ''}, cho hóa đơn tháng {last.month.label}."
        )
    if not check.unpaid:
        done = f"Dạ, tính đến ngày {as_of}, {label} không còn nợ tiền điện: thanh toán đã vào hệ thống ạ."
        return f"{done} {last_text}".strip()
    paid_since = (
        timing is not None
        and timing.paid_on is not None
        and last is not None
        and (last.payment_date is not None and last.payment_date >= timing.paid_on)
    )
    months = ", ".join(f"tháng {v.month.label}" for v in check.unpaid)
    text = (
        f"Dạ, tính đến ngày {as_of}, hệ thống còn ghi {label} chưa thanh toán {len(check.unpaid)} hóa đơn "
        f"({months}), tổng {format_money(check.total_unpaid)}."
    )
    if timing is not None and timing.paid_on is not None and not paid_since:
        text += f" Em chưa thấy khoản thanh toán nào từ ngày {format_date(timing.paid_on)}."
    return f"{text} {last_text}".strip()


def channel_name_of_invoice(stored: str | None) -> str:
    from bot.services.payment_channels import of_invoice

    return channel_name(of_invoice(stored))


TICKET_OFFER = "Anh/chị có muốn em tạo phiếu để Điện lực kiểm tra khoản thanh toán này không ạ?"


def ask_code_to_check() -> str:
    return "Anh/chị nhắn mã khách hàng, em kiểm tra khoản thanh toán đã vào hệ thống chưa nha."


# --------------------------------------------------------------- channel steps


def steps_text(found: ChannelGuide) -> str:
    lines = [f"Dạ, đóng tiền điện qua {found.title}:"]
    lines += [f"{n}. {step}" for n, step in enumerate(found.steps, start=1)]
    lines.append(f"Khoản thanh toán {delay_text(found.posting)}.")
    return "\n".join(lines)


def steps_for(channel: str | None) -> str | None:
    found = guide(channel)
    return steps_text(found) if found is not None else None


# --------------------------------------------------------------- late payment


def late_payment_text(rules: PaymentRules, focus: str = "") -> str:
    """``focus``: fee / suspension / together / "" (everything, shortly)."""
    notices = rules.notices_before_suspension
    suspension = (
        f"sau {notices} lần thông báo mà vẫn chưa thanh toán, Điện lực có thể tạm ngừng cấp điện, "
        f"có báo trước ít nhất {rules.suspension_warning_hours} giờ"
    )
    reconnection = (
        f"thanh toán xong thì điện được đóng lại trong vòng {rules.reconnection_hours} giờ kể từ khi "
        "ghi nhận thanh toán"
    )
    term = (
        f"hạn thanh toán là {rules.term_days} ngày kể từ khi nhận thông báo tiền điện lần đầu "
        "(in trên hóa đơn)"
    )
    interest = (
        "theo hợp đồng mua bán điện, khoản trả chậm có thể bị tính thêm lãi chậm trả"
        if rules.late_interest
        else "hóa đơn trả trễ không bị cộng thêm phí"
    )
    together = (
        "anh/chị có thể thanh toán gộp nhiều kỳ một lần: trên ví hay ứng dụng ngân hàng nhập mã khách hàng "
        "là thấy hết các hóa đơn còn nợ, tại quầy thì báo thanh toán toàn bộ"
        if rules.several_months_at_once
        else "mỗi hóa đơn được thanh toán riêng"
    )
    if focus == "fee":
        return f"Dạ, {term}. Trả trễ thì {interest}; {suspension}."
    if focus == "suspension":
        return (
            f"Dạ, quá hạn thanh toán thì Điện lực gửi thông báo nhắc lần 1 khoảng "
            f"{rules.first_reminder_after_due_days} ngày sau hạn, lần 2 khoảng "
            f"{rules.second_reminder_after_first_days} ngày sau đó; {suspension}. Sau đó {reconnection}."
        )
    if focus == "together":
        return (
            f"Dạ, được ạ: {together}. Anh/chị nên thanh toán trước các hóa đơn đã quá hạn để tránh bị "
            "tạm ngừng cấp điện."
        )
    return f"Dạ, {term}. Trả trễ thì {interest}; {suspension}; {reconnection}. Ngoài ra {together}."


def own_debt_text(debt: DebtAnswer) -> str:
    overdue = sum(1 for v in debt.unpaid if v.status is InvoiceStatus.OVERDUE)
    late = f", {overdue} hóa đơn đã quá hạn" if overdue else ""
    return (
        f"Mã {debt.account.code} hiện còn {len(debt.unpaid)} hóa đơn chưa thanh toán, tổng "
        f"{format_money(debt.total)}{late}."
    )


# ------------------------------------------------------------------ next bill


def next_bill_text(bill: NextBill) -> str:
    label = f"mã {bill.account.code}"
    text = f"Dạ, công tơ của {label} được ghi chỉ số vào ngày {bill.reading_day} hằng tháng."
    if bill.issued is not None:
        issued = bill.issued
        text += (
            f" Hóa đơn tháng {issued.month.label} đã có ({format_money(issued.total)}, hạn thanh toán "
            f"{format_date(issued.due_date)})."
        )
    elif bill.asked is not None:
        text += f" Hóa đơn tháng {bill.asked.label} chưa phát hành."
    text += (
        f" Hóa đơn tiếp theo dự kiến có ngày {format_date(bill.expected_issue)}, sau lần ghi chỉ số ngày "
        f"{format_date(bill.next_reading)}; hạn thanh toán khoảng ngày {format_date(bill.expected_due)}."
    )
    return text


def next_bill_general() -> str:
    return (
        "Dạ, hóa đơn tiền điện có khoảng 1–2 ngày sau ngày ghi chỉ số công tơ. Mỗi nhà có ngày ghi riêng "
        "(thường từ ngày 6 đến ngày 15, một số nơi ghi vào cuối tháng), in trên hóa đơn kỳ trước và trong "
        "tin nhắn báo tiền điện. Anh/chị nhắn mã khách hàng để em tra ngày của nhà mình nha."
    )
