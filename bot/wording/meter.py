"""Meter readings and reading dates, as the customer reads them (:mod:`bot.services.meter`)."""

from __future__ import annotations

from bot.domain.formatting import format_date, format_kwh, format_period
from bot.services.meter import ReadingAnswer, ReadingSchedule
from bot.wording.billing import account_label, as_of_text


def reading_text(answer: ReadingAnswer) -> str:
    label = account_label(answer.account)
    reading = answer.reading
    if reading is None:
        if answer.newest_reading_date is None:
            return f"Dạ, em chưa thấy chỉ số công tơ nào của {label}. {as_of_text(answer.as_of)}"
        asked = f"tháng {answer.asked.label}" if answer.asked else "kỳ này"
        return (
            f"Dạ, em chưa thấy chỉ số {asked} của {label}. Lần ghi gần nhất là ngày "
            f"{format_date(answer.newest_reading_date)}. {as_of_text(answer.as_of)}"
        )
    multiplier = answer.multiplier
    lines = [
        f"Dạ, chỉ số công tơ của {label} kỳ {format_period(reading.period_start, reading.period_end)}, "
        f"ghi ngày {format_date(reading.reading_date)}:",
        f"- Chỉ số cũ: {reading.old_index}",
        f"- Chỉ số mới: {reading.new_index}",
        f"- Điện năng tiêu thụ: {format_kwh(reading.kwh)}"
        + (f" (chênh lệch chỉ số × hệ số nhân {multiplier})" if multiplier != 1 else ""),
    ]
    if reading.estimated:
        lines.append(
            "- Lưu ý: đây là chỉ số ước tính, phần chênh lệch sẽ được điều chỉnh khi ghi được chỉ số thực tế."
        )
    lines.append(as_of_text(answer.as_of))
    return "\n".join(lines)


def reading_date_text(schedule: ReadingSchedule) -> str:
    day = schedule.reading_day
    lines = [
        f"Dạ, công tơ của {account_label(schedule.account)} được ghi chỉ số vào ngày {day} hằng tháng"
        + (" (tháng nào ít ngày hơn thì ghi vào ngày cuối tháng)." if day > 28 else ".")
    ]
    if schedule.last_reading is not None:
        last = f"ngày {format_date(schedule.last_reading)} ({format_kwh(schedule.last_kwh)})"
        lines.append(f"- Lần ghi gần nhất: {last}.")
    when = (
        "hôm nay" if schedule.next_reading == schedule.as_of else f"ngày {format_date(schedule.next_reading)}"
    )
    lines.append(f"- Lần ghi tiếp theo dự kiến: {when}.")
    lines.append(
        "Lịch ghi có thể lệch một vài ngày khi trùng ngày lễ hoặc thời tiết xấu. "
        + as_of_text(schedule.as_of)
    )
    return "\n".join(lines)
