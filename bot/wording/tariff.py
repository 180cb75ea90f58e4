"""The residential tier table, personal calculations and the business case, as the
customer reads them (:mod:`bot.services.tariff_quote`)."""

from __future__ import annotations

from bot.domain.formatting import format_date, format_kwh, format_money, format_number, format_rate
from bot.domain.tariff import Bill
from bot.services.tariff_quote import PriceTable, TierRow
from bot.wording.common import hotlines, office_name


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


def business_text() -> str:
    """The residential table does not apply to business customers: where to ask."""
    return (
        "Dạ, bảng giá bậc thang chỉ áp dụng cho điện sinh hoạt hộ gia đình. Khách hàng kinh "
        "doanh, sản xuất được tính giá theo khung giờ (bình thường, cao điểm, thấp điểm) và cấp "
        f"điện áp, nên bảng giá sinh hoạt không áp dụng cho anh/chị. Anh/chị gọi tổng đài {hotlines()}, "
        f"hoặc hỏi {office_name()} để được báo đúng giá nha."
    )


HOUSEHOLDS_RULE_TEXT = (
    "Nhà có nhiều hộ dùng chung một công tơ thì mỗi bậc được nhân với số hộ (ví dụ 2 hộ: "
    "bậc 1 là 0–100 kWh, bậc 2 là 101–200 kWh...). Anh/chị đăng ký số hộ dùng chung tại "
    "phòng giao dịch Điện lực, mang theo giấy tờ cư trú của các hộ."
)


def tier_text(row: TierRow, table: PriceTable, previous: bool = False) -> str:
    """One tier's price: ``"bậc 4 (201–300 kWh) 2.998 đ/kWh"`` from the table named."""
    when = (
        f"theo bảng giá trước ({table.version.name}, áp dụng từ {format_date(table.version.effective_from)} "
        f"đến {format_date(table.version.effective_to)})"
        if previous and table.version.effective_to is not None
        else f"theo {table.version.name} (từ ngày {format_date(table.version.effective_from)})"
    )
    return (
        f"Dạ, giá điện sinh hoạt bậc {row.tier} ({_tier_range(row)}) {when} là "
        f"{format_money(row.price)}/kWh, chưa gồm thuế GTGT {format_rate(table.vat_rate)}."
    )


def no_such_tier(tier: int, table: PriceTable) -> str:
    top = table.rows[-1]
    return (
        f"Dạ, bảng giá {table.version.name} chỉ có {len(table.rows)} bậc, không có bậc {tier} ạ. Bậc cao "
        f"nhất là bậc {top.tier} ({_tier_range(top)}): {format_money(top.price)}/kWh, chưa gồm thuế GTGT."
    )


def previous_table_text(table: PriceTable, current: PriceTable) -> str:
    """The table in force before today's, each tier with today's price beside it."""
    version = table.version
    until = format_date(version.effective_to) if version.effective_to else ""
    lines = [
        f"Dạ, bảng giá trước đây theo {version.name}, áp dụng từ {format_date(version.effective_from)} "
        f"đến {until} (chưa gồm thuế GTGT):"
    ]
    now = {row.tier: row.price for row in current.rows}
    for row in table.rows:
        today = f" (nay {format_money(now[row.tier])})" if row.tier in now else ""
        lines.append(f"- Bậc {row.tier} ({_tier_range(row)}): {format_money(row.price)}/kWh{today}")
    since = format_date(current.version.effective_from)
    lines.append(f"Giá hiện hành theo {current.version.name} từ ngày {since}.")
    return "\n".join(lines)


def no_previous_table() -> str:
    return "Dạ, em chưa có bảng giá nào trước bảng giá hiện hành ạ."
