"""Meter readings and reading dates, for a verified requester.

A reading shows the old and new index, the reading date and the kWh; the reading day is
the customer's own (never one day for everyone: DOMAIN.md "Meter reading"). Both are
account data: verified first, disclosure audited.
"""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy.orm import Session

from bot import clock
from bot.db import queries
from bot.db.models import MeterReading, ReadingSource
from bot.services.billing import Answer, account_label, as_of_text
from bot.services.formatting import format_date, format_kwh, format_period
from bot.services.periods import Month, shift
from bot.services.verification import Requester, require_verified


def reading_day_in(year: int, month: int, reading_day: int) -> date:
    """The reading day of a month; a day past the month's end is its last day."""
    return date(year, month, min(reading_day, calendar.monthrange(year, month)[1]))


def next_reading_date(reading_day: int, today: date, last_reading: date | None = None) -> date:
    """The next reading date: today counts when today's reading is not in yet."""
    this_month = reading_day_in(today.year, today.month, reading_day)
    if this_month > today or (this_month == today and (last_reading is None or last_reading < today)):
        return this_month
    year, month = shift(today.year, today.month, 1)
    return reading_day_in(year, month, reading_day)


def _pick_reading(readings: list[MeterReading], month: Month | None) -> MeterReading | None:
    """The reading of ``month`` (newest first list); the latest for None or "kỳ này"."""
    if not readings:
        return None
    if month is None:
        return readings[0]
    key = (month.year, month.month)
    in_month = [r for r in readings if (r.reading_date.year, r.reading_date.month) == key]
    if in_month:
        return in_month[0]
    return readings[0] if month.current else None


def reading_text(reading: MeterReading, label: str, multiplier: int, today: date) -> str:
    lines = [
        f"Dạ, chỉ số công tơ của {label} kỳ {format_period(reading.period_start, reading.period_end)}, "
        f"ghi ngày {format_date(reading.reading_date)}:",
        f"- Chỉ số cũ: {reading.old_index}",
        f"- Chỉ số mới: {reading.new_index}",
        f"- Điện năng tiêu thụ: {format_kwh(reading.kwh)}"
        + (f" (chênh lệch chỉ số × hệ số nhân {multiplier})" if multiplier != 1 else ""),
    ]
    if reading.source == ReadingSource.ESTIMATED.value:
        lines.append(
            "- Lưu ý: đây là chỉ số ước tính, phần chênh lệch sẽ được điều chỉnh khi ghi được chỉ số thực tế."
        )
    lines.append(as_of_text(today))
    return "\n".join(lines)


def reading_answer(
    session: Session,
    code: str,
    requester: Requester,
    month: Month | None = None,
    today: date | None = None,
) -> Answer:
    """The reading of ``month`` (None: the latest): old and new index, date, kWh."""
    customer = require_verified(session, code, requester)
    today = today or clock.today()
    readings = queries.readings_for_customer(session, customer.code)
    reading = _pick_reading(readings, month)
    label = account_label(customer)
    if reading is None:
        if not readings:
            return Answer(
                f"Dạ, em chưa thấy chỉ số công tơ nào của {label}. {as_of_text(today)}", found=False
            )
        asked = f"tháng {month.label}" if month else "kỳ này"
        newest = readings[0].reading_date
        return Answer(
            f"Dạ, em chưa thấy chỉ số {asked} của {label}. Lần ghi gần nhất là ngày "
            f"{format_date(newest)}. {as_of_text(today)}",
            found=False,
        )
    key = f"{reading.reading_date.year:04d}-{reading.reading_date.month:02d}"
    queries.record_disclosure(session, customer.code, requester.channel, requester.user_id, f"reading {key}")
    return Answer(reading_text(reading, label, customer.meter_multiplier or 1, today), month_key=key)


def reading_date_answer(
    session: Session, code: str, requester: Requester, today: date | None = None
) -> Answer:
    """This customer's reading day, the last and the next reading dates."""
    customer = require_verified(session, code, requester)
    today = today or clock.today()
    latest = queries.latest_reading(session, customer.code)
    upcoming = next_reading_date(customer.reading_day, today, latest.reading_date if latest else None)
    queries.record_disclosure(
        session, customer.code, requester.channel, requester.user_id, "reading schedule"
    )
    day = customer.reading_day
    lines = [
        f"Dạ, công tơ của {account_label(customer)} được ghi chỉ số vào ngày {day} hằng tháng"
        + (" (tháng nào ít ngày hơn thì ghi vào ngày cuối tháng)." if day > 28 else ".")
    ]
    if latest is not None:
        lines.append(
            f"- Lần ghi gần nhất: ngày {format_date(latest.reading_date)} ({format_kwh(latest.kwh)})."
        )
    when = "hôm nay" if upcoming == today else f"ngày {format_date(upcoming)}"
    lines.append(f"- Lần ghi tiếp theo dự kiến: {when}.")
    lines.append(
        "Lịch ghi có thể lệch một vài ngày khi trùng ngày lễ hoặc thời tiết xấu. " + as_of_text(today)
    )
    return Answer("\n".join(lines))
