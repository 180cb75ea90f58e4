"""What outage and hazard reports ask and confirm so that a crew can act on the ticket:
where (an address or a landmark), a number to call back, since when (issue 11).

The questions never say "em chưa hiểu": an answer that is no address is asked again
with what would do. A number is repeated masked (``09xx xxx 456``), never in full.
"""

from __future__ import annotations

from datetime import datetime

from bot import clock
from bot.domain import phones
from bot.domain.formatting import format_date
from bot.wording.common import hotlines, moment_text

OUTAGE, HAZARD = "outage", "hazard"
_PARTS = {
    "part:morning": "buổi sáng",
    "part:noon": "buổi trưa",
    "part:afternoon": "buổi chiều",
    "part:evening": "buổi tối",
    "part:night": "ban đêm",
    "part:late_night": "khuya",
}
_WHERE = {OUTAGE: "nơi mất điện", HAZARD: "chỗ nguy hiểm"}
_WHO = {OUTAGE: "nhân viên", HAZARD: "đội xử lý"}


def ask_place(kind: str, with_code: bool = True, lead: str = "", area: str | None = None) -> str:
    """Where, and a number to call back, in one question. ``with_code``: a customer code
    would do too (an outage report that has none yet)."""
    where = _WHERE.get(kind, _WHERE[OUTAGE])
    if area:
        asked = (
            f"ở {area}, anh/chị cho em số nhà, tên đường hoặc một điểm dễ nhận ra gần {where} "
            "(chợ, trường học, cây xăng...)"
        )
    elif kind == OUTAGE and with_code:
        asked = (
            "anh/chị cho em xin mã khách hàng (13 ký tự, ví dụ PB05010000001, in trên hóa đơn), hoặc địa chỉ "
            f"{where} (số nhà, tên đường, phường/xã) hay một điểm dễ nhận ra gần đó"
        )
    else:
        asked = (
            f"anh/chị cho em địa chỉ {where} (số nhà, tên đường, phường/xã) hoặc một điểm dễ nhận ra gần đó "
            "(chợ, trường học, cây xăng...)"
        )
    text = f"Dạ, {asked}, kèm số điện thoại để {_WHO.get(kind, 'nhân viên')} liên hệ khi cần nha."
    if not lead and kind == OUTAGE and with_code and not area:
        lead = "Dạ, em rất tiếc vì nhà mình đang bị mất điện."
    if not lead:
        return text
    rest = text.removeprefix("Dạ, ")
    return f"{lead} {rest[:1].upper()}{rest[1:]}"


def place_again(kind: str, area: str | None = None) -> str:
    """An answer that gave no address: what would do, asked again (never "em chưa hiểu")."""
    where = _WHERE.get(kind, _WHERE[OUTAGE])
    if area:
        return (
            f"Dạ, để {_WHO.get(kind, 'nhân viên')} tìm đúng chỗ, anh/chị cho em thêm số nhà, tên đường "
            f"hoặc một điểm dễ nhận ra gần {where} ở {area} nha."
        )
    return (
        f"Dạ, để {_WHO.get(kind, 'nhân viên')} tìm đúng chỗ, anh/chị cho em địa chỉ {where}: số nhà, tên "
        'đường, phường/xã (tên cũ hay mới đều được), hoặc một điểm dễ nhận ra như "gần chợ Tân An", '
        '"đối diện trường tiểu học Phú Hòa" nha.'
    )


def _place_request(kind: str, *, names_either: bool = False, with_phone: bool = True) -> str:
    """The request for the place, shared by the three questions that ask for it: "địa chỉ
    nơi mất điện (số nhà, tên đường, phường/xã) hoặc một điểm dễ nhận ra gần đó[, kèm số
    điện thoại liên hệ] nha." """
    where = _WHERE.get(kind, _WHERE[OUTAGE])
    ward = "phường/xã; tên cũ hay mới đều được" if names_either else "phường/xã"
    phone = ", kèm số điện thoại liên hệ" if with_phone else ""
    return f"địa chỉ {where} (số nhà, tên đường, {ward}) hoặc một điểm dễ nhận ra gần đó{phone} nha."


def no_code_ask_place(kind: str) -> str:
    return "Dạ không sao ạ. Anh/chị cho em " + _place_request(kind, names_either=True)


def code_noted_ask_place(kind: str, code: str) -> str:
    return f"Dạ, em ghi nhận mã khách hàng {code}. Anh/chị cho em " + _place_request(kind)


def ask_phone(kind: str, location: str | None = None) -> str:
    noted = f"Dạ, em ghi nhận địa chỉ: {location}. " if location else "Dạ, "
    rest = (
        f"anh/chị cho em xin số điện thoại di động để {_WHO.get(kind, 'nhân viên')} gọi lại khi cần nha "
        '(không tiện cho số thì nhắn "không có").'
    )
    return noted + (rest[:1].upper() + rest[1:] if noted != "Dạ, " else rest)


def phone_invalid() -> str:
    return (
        "Dạ, số điện thoại này chưa đúng ạ: số di động gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 "
        '(ví dụ 0908 111 321). Anh/chị nhắn lại giúp em, hoặc nhắn "không có" nếu không tiện cho số nha.'
    )


def phone_noted_ask_place(kind: str, phone: str) -> str:
    noted = f"Dạ, em ghi số {phones.masked(phone)}. Anh/chị cho em thêm "
    return noted + _place_request(kind, with_phone=False)


def since_text(at: datetime | None, precision: str | None, part: str | None, now: datetime) -> str:
    """Since when, as recorded: "14:00 hôm qua (26/11/2026)", "buổi sáng hôm nay
    (27/11/2026)", "hôm qua (26/11/2026)", "chưa rõ"."""
    if at is None:
        return "chưa rõ"
    at = at.astimezone(clock.VN_TZ)
    if precision == "minute":
        return moment_text(at, now)
    day = at.date()
    named = {now.date(): "hôm nay", (now - _ONE_DAY).date(): "hôm qua"}.get(day)
    day_text = f"{named} ({format_date(day)})" if named else f"ngày {format_date(day)}"
    if precision == "part" and part in _PARTS:
        return f"{_PARTS[part]} {day_text}"
    return day_text


def outage_recorded(
    number: str,
    location: str,
    since: str | None,
    phone: str | None,
    respond_by: datetime | None,
    now: datetime | None = None,
    registered_phone: bool = False,
) -> str:
    """The outage ticket: what it holds (the number masked), what happens next and when."""
    lines = [
        f"Dạ, em đã tạo phiếu báo mất điện số {number} và chuyển cho Điện lực khu vực:",
        f"• Địa chỉ: {location}",
    ]
    if since:
        lines.append(f"• Mất điện từ: {since}")
    lines.append(f"• Số gọi lại: {_phone_shown(phone, registered_phone)}")
    when = f", dự kiến trước {moment_text(respond_by, now)}" if respond_by else " sớm nhất có thể"
    lines.append(
        f"Nhân viên sẽ đến kiểm tra và liên hệ anh/chị{when}. Anh/chị lưu số phiếu để hỏi tiến độ (nhắn "
        f'"khi nào có điện" cho em, hoặc gọi Tổng đài {hotlines()} và đọc số phiếu) nha.'
    )
    return "\n".join(lines)


def registered_place(code: str, area: str) -> str:
    """How a confirmation names a verified customer's registered address (the street is
    not repeated)."""
    return f"địa chỉ đăng ký của mã khách hàng {code}, {area}"


def _phone_shown(phone: str | None, registered: bool) -> str:
    if not phone:
        return "chưa có"
    return f"{'số đã đăng ký ' if registered else ''}{phones.masked(phone)}"


def cancelled(kind: str, ticket: str | None = None) -> str:
    """ "thôi", "hủy" while a report is being collected."""
    if ticket:
        return (
            f"Dạ vâng, em dừng ở đây. Phiếu KHẨN số {ticket} vẫn đang được xử lý; tình hình nguy hiểm "
            f"hơn thì anh/chị gọi ngay Tổng đài {hotlines()} (24/7) nha."
        )
    if kind == HAZARD:
        return (
            "Dạ vâng, em dừng ở đây, chưa tạo phiếu nào ạ. Nếu vẫn còn nguy hiểm, anh/chị tránh xa và gọi "
            f"ngay Tổng đài {hotlines()} (24/7) nha."
        )
    return (
        "Dạ vâng, em dừng báo mất điện ở đây, chưa tạo phiếu nào ạ. Nếu nhà mình vẫn mất điện, anh/chị nhắn "
        f"em lúc nào cũng được hoặc gọi Tổng đài {hotlines()} nha."
    )


_ONE_DAY = datetime(2000, 1, 2) - datetime(2000, 1, 1)
