"""Why a bill is what it is, in short polite Vietnamese sentences (southern register).

Renders :class:`bot.domain.explain.BillExplanation` (the typed reasons); the order of
the sentences is the order of the reasons.
"""

from __future__ import annotations

from decimal import Decimal

from bot.domain.explain import (
    BillExplanation,
    EstimatedReading,
    HigherTiers,
    LongerPeriod,
    PriceChange,
    Reason,
    ReasonKind,
    Recheck,
    UsageComparison,
    VatChange,
)
from bot.domain.formatting import (
    format_date,
    format_kwh,
    format_money,
    format_percent,
    format_period,
    format_rate,
)


def explanation_text(e: BillExplanation) -> list[str]:
    """Short, polite Vietnamese sentences (southern register) for the reasons, in order."""
    cur = e.current
    sentences = [
        f"Dạ, hóa đơn tiền điện kỳ {format_period(cur.period_start, cur.period_end)} của "
        f"anh/chị là {format_money(cur.total)} ({format_kwh(cur.kwh)})."
    ]
    versus_previous = e.reason(ReasonKind.CHANGE_VS_PREVIOUS)
    if isinstance(versus_previous, UsageComparison) and versus_previous.money_change < 0:
        # "sao tháng này cao thế" about a bill that went down: said plainly first
        sentences[0] = sentences[0].removesuffix(".") + ", thấp hơn kỳ trước ạ."
    for reason in e.reasons:
        if isinstance(reason, UsageComparison):
            sentences.append(_comparison_text(reason))
        elif isinstance(reason, LongerPeriod):
            sentences.append(
                f"Kỳ này có {reason.days_now} ngày, nhiều hơn kỳ trước {reason.extra_days} ngày; "
                f"tính bình quân mỗi ngày anh/chị dùng khoảng "
                f"{format_kwh(reason.kwh_per_day_now)} (kỳ trước {format_kwh(reason.kwh_per_day_before)})."
            )
        elif isinstance(reason, HigherTiers):
            sentences.append(_higher_tiers_text(reason, versus_previous))
        elif isinstance(reason, PriceChange):
            sentences.append(_price_text(reason))
        elif isinstance(reason, VatChange):
            sentences.append(_vat_text(reason))
        elif isinstance(reason, EstimatedReading):
            sentences.extend(_estimated_text(reason))
        elif isinstance(reason, Recheck):
            sentences.append(
                "Vì điện năng tăng từ 30% trở lên so với kỳ trước, chỉ số kỳ này thuộc diện được "
                "Điện lực phúc tra (kiểm tra lại) trước khi phát hành hóa đơn. Nếu anh/chị vẫn thấy "
                "chưa đúng, anh/chị cứ yêu cầu kiểm tra lại, Điện lực sẽ giải quyết trong vòng 24 giờ nha."
            )
    return sentences


def _change_phrase(change: Decimal | int, percent: Decimal | None, fmt) -> str:
    if change == 0:
        return "không đổi"
    word = "tăng" if change > 0 else "giảm"
    share = f" ({format_percent(abs(percent))})" if percent is not None else ""
    return f"{word} {fmt(abs(change))}{share}"


def _comparison_text(c: UsageComparison) -> str:
    label = "kỳ trước" if c.kind is ReasonKind.CHANGE_VS_PREVIOUS else "cùng kỳ năm trước"
    kwh = _change_phrase(c.kwh_change, c.kwh_change_percent, format_kwh)
    money = _change_phrase(c.money_change, c.money_change_percent, format_money)
    return (
        f"So với {label} ({format_period(c.other_period_start, c.other_period_end)}: "
        f"{format_kwh(c.kwh_before)}, {format_money(c.money_before)}), điện năng {kwh}, "
        f"tiền điện {money}."
    )


def _higher_tiers_text(h: HigherTiers, versus_previous: Reason | None) -> str:
    price = f"{format_money(h.top_price_now)}/kWh"
    tiers = (
        f"bậc {h.from_tier} ({price})"
        if h.top_tier_now == h.from_tier
        else f"bậc {h.from_tier} trở lên (cao nhất bậc {h.top_tier_now}, {price})"
    )
    before = (
        "kỳ trước không có kWh nào ở các bậc này"
        if h.kwh_before == 0
        else f"kỳ trước chỉ có {format_kwh(h.kwh_before)} ({format_money(h.amount_before)})"
    )
    text = (
        f"Giá điện sinh hoạt tính theo bậc thang: kỳ này có {format_kwh(h.kwh_now)} nằm ở {tiers}, "
        f"thành tiền {format_money(h.amount_now)} (chưa gồm VAT), còn {before}."
    )
    if (
        isinstance(versus_previous, UsageComparison)
        and versus_previous.kwh_change_percent is not None
        and versus_previous.money_change_percent is not None
        and versus_previous.money_change_percent > versus_previous.kwh_change_percent > 0
    ):
        text += " Vì vậy tiền điện tăng nhanh hơn số kWh nha."
    return text


def _price_text(p: PriceChange) -> str:
    when = format_date(p.effective_from)
    if p.within_period:
        return (
            f"Giá điện được điều chỉnh theo {p.new_name} từ ngày {when}, giữa kỳ này, nên điện "
            f"năng được chia theo số ngày: phần trước ngày {when} tính giá cũ ({p.old_name}), "
            f"phần còn lại tính giá mới."
        )
    return (
        f"Từ ngày {when} giá điện áp dụng theo {p.new_name} (trước đó là {p.old_name}), nên đơn "
        f"giá các bậc kỳ này khác kỳ trước."
    )


def _vat_text(v: VatChange) -> str:
    old, new = format_rate(v.old_rate), format_rate(v.new_rate)
    when = format_date(v.effective_from)
    if v.within_period:
        if v.split_by_days:
            return (
                f"Thuế GTGT tiền điện đổi từ {old} sang {new} từ ngày {when}, giữa kỳ này, nên "
                f"phần điện năng từ ngày đó tính thuế {new}."
            )
        return f"Thuế GTGT tiền điện đổi từ {old} sang {new} từ ngày {when}, giữa kỳ này."
    return f"Từ ngày {when} thuế GTGT tiền điện là {new} (trước đó {old})."


def _estimated_text(r: EstimatedReading) -> list[str]:
    texts = []
    if r.current:
        texts.append(
            "Chỉ số kỳ này là chỉ số ước tính, chưa phải chỉ số ghi thực tế; phần chênh lệch sẽ "
            "được điều chỉnh khi ghi được chỉ số thực tế nha."
        )
    if r.previous:
        texts.append(
            "Kỳ trước dùng chỉ số ước tính nên kỳ này có thể gồm cả phần điện năng chênh lệch "
            "khi ghi lại chỉ số thực tế."
        )
    return texts
