"""Complaints and frustration, as the customer reads them (:mod:`bot.services.complaints`).

Short and sincere: one apology, what was done (the ticket and when the answer comes),
and a person offered. Never a wall of template text.
"""

from __future__ import annotations

from bot.domain.formatting import format_date
from bot.services.complaints import ComplaintRecorded
from bot.services.rules import Delay
from bot.wording.common import hhmm

HUMAN_OFFER = "Anh/chị có muốn em chuyển sang tư vấn viên để trao đổi trực tiếp không ạ?"


def deadline_text(delay: Delay) -> str:
    if delay.working_days:
        return f"trong {delay.working_days} ngày làm việc"
    return f"trong vòng {delay.hours} giờ"


def _by(recorded: ComplaintRecorded) -> str:
    at = recorded.answer_by
    if recorded.deadline.working_days:
        return f"chậm nhất ngày {format_date(at.date())}"
    return f"trước {hhmm(at)} ngày {format_date(at.date())}"


def recorded_text(recorded: ComplaintRecorded) -> str:
    if recorded.added_to_existing:
        return (
            f"Dạ, em đã bổ sung nội dung này vào khiếu nại số {recorded.number}. Điện lực vẫn trả lời "
            f"anh/chị {deadline_text(recorded.deadline)}, {_by(recorded)} ạ."
        )
    return (
        "Dạ, em thành thật xin lỗi vì sự việc anh/chị gặp phải. Em đã ghi nhận khiếu nại số "
        f"{recorded.number} với nội dung anh/chị nêu; Điện lực sẽ kiểm tra và trả lời anh/chị "
        f"{deadline_text(recorded.deadline)}, {_by(recorded)}. Khi cần hỏi lại, anh/chị đọc số phiếu này nha."
    )


def ask_what_about() -> str:
    return (
        "Dạ, em rất tiếc vì anh/chị chưa hài lòng. Anh/chị cho em biết cụ thể việc muốn khiếu nại "
        "(ví dụ hóa đơn tháng nào, mất điện ở đâu, từ khi nào) để em ghi nhận và chuyển bộ phận "
        "phụ trách nha."
    )


def not_recorded() -> str:
    return (
        "Dạ, em chưa ghi nhận khiếu nại nào. Khi cần, anh/chị nhắn em nội dung khiếu nại bất cứ lúc nào nha."
    )


# ----------------------------------------------------------------- frustration

APOLOGIES = {
    "misunderstood": "Dạ, em xin lỗi vì chưa hiểu đúng ý anh/chị, làm anh/chị phải nhắn nhiều lần.",
    "outage": "Dạ, em hiểu mất điện như vậy rất bất tiện, em thành thật xin lỗi anh/chị.",
    "bill": "Dạ, em hiểu anh/chị đang lo về tiền điện, em xin lỗi vì sự bất tiện này.",
    "general": "Dạ, em xin lỗi vì đã làm anh/chị bực mình.",
}


def apology(kind: str) -> str:
    return APOLOGIES.get(kind, APOLOGIES["general"])


def frustration_offer(kind: str) -> str:
    return (
        f"{apology(kind)} Anh/chị muốn em chuyển sang tư vấn viên, hay nói em nghe việc cần để em "
        "giải quyết ngay ạ?"
    )
