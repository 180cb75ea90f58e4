"""The residential tier table in force, and personal calculations from the tariff engine.

"300 số hết bao nhiêu tiền", "2 hộ xài chung 450 số": the kWh and households are read
from the message by the NLU (``bot.nlu.core.read.quote``), and the bill is computed by
:func:`bot.services.tariff.compute_bill` with today's prices and VAT over a regular
one-month cycle (so the table's tier widths apply, times the households). Business
customers are told the residential table does not apply to them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import TariffGroup
from bot.services import verification
from bot.services.formatting import format_date, format_kwh, format_money, format_number, format_rate
from bot.services.tariff import (
    Bill,
    TariffSchedule,
    TariffVersion,
    compute_bill,
    days_in_month_before,
    load_schedule,
)
from bot.services.verification import Requester


@dataclass(frozen=True)
class QuoteRequest:
    kwh: int | None  # None: no amount of kWh in the message
    households: int = 1
    business: bool = False  # the customer asks about business / production prices


@dataclass(frozen=True)
class TierRow:
    tier: int
    lower_kwh: int  # first kWh of the tier (1-based for display: 0 for tier 1)
    upper_kwh: int | None
    price: Decimal


@dataclass(frozen=True)
class PriceTable:
    version: TariffVersion
    rows: list[TierRow]
    vat_rate: Decimal
    as_of: date


def price_table(today: date | None = None, schedule: TariffSchedule | None = None) -> PriceTable:
    """The residential tiers in force today, with today's VAT rate."""
    today = today or clock.today()
    schedule = schedule or load_schedule()
    version = schedule.version_on(today)
    rows, lower = [], 0
    for number, tier in enumerate(version.tiers, start=1):
        rows.append(TierRow(number, lower, tier.upper_kwh, tier.price))
        lower = tier.upper_kwh or lower
    return PriceTable(version, rows, schedule.vat_rate_on(today), today)


def _tier_range(row: TierRow, households: int = 1) -> str:
    lower = row.lower_kwh * households
    if row.upper_kwh is None:
        return f"từ {format_number(lower + 1)} kWh trở lên"
    start = 0 if row.tier == 1 else lower + 1
    return f"{format_number(start)}–{format_number(row.upper_kwh * households)} kWh"


def table_text(table: PriceTable) -> str:
    lines = [
        f"Dạ, giá bán lẻ điện sinh hoạt bậc thang đang áp dụng theo {table.version.name} "
        f"(từ ngày {format_date(table.version.effective_from)}), chưa gồm thuế GTGT:"
    ]
    lines += [f"- Bậc {r.tier} ({_tier_range(r)}): {format_money(r.price)}/kWh" for r in table.rows]
    lines.append(
        f"Thuế GTGT tiền điện hiện nay là {format_rate(table.vat_rate)}. "
        f"(Giá tính đến ngày {format_date(table.as_of)}.)"
    )
    lines.append(
        'Anh/chị muốn em tính thử thì nhắn số kWh, ví dụ "300 số hết bao nhiêu" hoặc '
        '"2 hộ xài chung 450 số" nha.'
    )
    return "\n".join(lines)


def quote(
    kwh: int, households: int = 1, today: date | None = None, schedule: TariffSchedule | None = None
) -> Bill:
    """The bill of ``kwh`` over a regular one-month cycle at the prices and VAT of today."""
    table = price_table(today, schedule)
    today = table.as_of
    current = replace(table.version, effective_from=date(1900, 1, 1), effective_to=None)
    frozen_prices = TariffSchedule(versions=[current], vat_periods=[], default_vat_rate=table.vat_rate)
    start = today - timedelta(days=days_in_month_before(today) - 1)
    return compute_bill(kwh, start, today, households, frozen_prices)


def quote_text(bill: Bill, table: PriceTable) -> str:
    households = (
        "1 hộ"
        if bill.households == 1
        else f"{bill.households} hộ dùng chung công tơ: mỗi bậc được nhân {bill.households}"
    )
    lines = [
        f"Dạ, nếu xài {format_kwh(bill.kwh)} trong một tháng ({households}), tiền điện tính theo "
        f"giá hiện hành ({table.version.name}) là {format_money(bill.total)}, gồm:"
    ]
    for line in bill.lines:
        lines.append(
            f"- Bậc {line.tier}: {format_kwh(line.kwh)} × {format_money(line.unit_price)} = "
            f"{format_money(line.amount)}"
        )
    lines.append(
        f"- Cộng {format_money(bill.subtotal)}, thuế GTGT {format_rate(bill.vat_rate)} "
        f"{format_money(bill.vat_amount)}."
    )
    lines.append(
        f"(Tính theo giá đến ngày {format_date(table.as_of)}, kỳ ghi chỉ số tròn một tháng; "
        "hóa đơn thật còn tùy số ngày của kỳ.)"
    )
    return "\n".join(lines)


BUSINESS_TEXT = (
    "Dạ, bảng giá bậc thang chỉ áp dụng cho điện sinh hoạt hộ gia đình. Khách hàng kinh "
    "doanh, sản xuất được tính giá theo khung giờ (bình thường, cao điểm, thấp điểm) và cấp "
    "điện áp, nên bảng giá sinh hoạt không áp dụng cho anh/chị. Anh/chị gọi tổng đài 19001006 "
    "hoặc 19009000, hoặc hỏi phòng giao dịch Điện lực để được báo đúng giá nha."
)

HOUSEHOLDS_RULE_TEXT = (
    "Nhà có nhiều hộ dùng chung một công tơ thì mỗi bậc được nhân với số hộ (ví dụ 2 hộ: "
    "bậc 1 là 0–100 kWh, bậc 2 là 101–200 kWh...). Anh/chị đăng ký số hộ dùng chung tại "
    "phòng giao dịch Điện lực, mang theo giấy tờ cư trú của các hộ."
)


def residential_applies(session: Session, code: str | None, requester: Requester) -> bool:
    """False only for a code this requester is verified for whose customer is not
    residential (nothing is disclosed about codes the requester may not see)."""
    if not code:
        return True
    current = verification.status(session, code, requester)
    if not current.verified or current.customer is None:
        return True
    return current.customer.tariff_group == TariffGroup.RESIDENTIAL.value
