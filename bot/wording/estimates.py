"""Why a reading was estimated, as the customer reads it (:mod:`bot.services.estimates`)."""

from __future__ import annotations

from bot.domain.formatting import format_date, format_kwh, format_period
from bot.services.estimates import LOOK_BACK_READINGS, EstimateAnswer
from bot.wording.billing import account_label


def estimate_text(answer: EstimateAnswer) -> str:
    label = account_label(answer.account)
    reading = answer.reading
    if reading is None:
        asked = f"tháng {answer.asked.label}" if answer.asked else "nào"
        return f"Dạ, em chưa thấy chỉ số {asked} của {label} ạ."
    period = format_period(reading.period_start, reading.period_end)
    if not reading.estimated:
        if answer.asked is None and answer.estimated_count == 0:
            return (
                f"Dạ, {LOOK_BACK_READINGS - 1} kỳ gần nhất của {label} đều là chỉ số ghi thực tế trên "
                "công tơ, không có kỳ nào ước tính ạ (lần ghi gần nhất ngày "
                f"{format_date(reading.reading_date)})."
            )
        return (
            f"Dạ, chỉ số kỳ {period} của {label} là chỉ số ghi thực tế trên công tơ ngày "
            f"{format_date(reading.reading_date)} ({reading.new_index}), không phải ước tính ạ."
        )
    lines = [
        f"Dạ, chỉ số kỳ {period} của {label}, {format_kwh(reading.kwh)}, là chỉ số ước tính: kỳ đó "
        "Điện lực không ghi được chỉ số thực tế trên công tơ"
        + (f", thường do {'; '.join(answer.reasons)}." if answer.reasons else ".")
    ]
    if answer.settled_by is not None:
        settled = answer.settled_by
        lines.append(
            f"Lần ghi thực tế sau đó (ngày {format_date(settled.reading_date)}, chỉ số {settled.new_index}) "
            "đã tính theo đúng công tơ, phần chênh lệch được điều chỉnh ở kỳ đó, nên anh/chị chỉ trả đúng "
            "điện năng thực tế đã dùng."
        )
    elif answer.next_reading is not None:
        lines.append(
            "Phần chênh lệch sẽ được điều chỉnh khi ghi chỉ số thực tế, dự kiến ngày "
            f"{format_date(answer.next_reading)}; anh/chị chỉ trả đúng điện năng thực tế đã dùng."
        )
    lines.append('Thấy chưa hợp lý, anh/chị nhắn "phúc tra" để em tạo yêu cầu kiểm tra lại nha.')
    return " ".join(lines)
