"""Safety hazards: the advice to give at once (by situation), the answers to safety
questions that follow, and the urgent ticket, as the customer reads them
(:mod:`bot.services.hazard`).

The kinds are those of ``bot.nlu.core.hazard.HAZARD_KINDS`` (most urgent first); the
advice of a message is the most urgent kind's, with the first point of the others, in
one bubble. Without a kind, :func:`safety_advice` gives the general advice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain import phones
from bot.domain.formatting import format_date
from bot.wording.common import hotlines, moment_text

LEAD = "Dạ, anh/chị giữ an toàn trước hết nha:"
EMERGENCY = "Nếu có cháy hoặc có người bị điện giật, bị thương: gọi ngay 114 (cứu hỏa) hoặc 115 (cấp cứu)."
MAX_POINTS = 5


def safety_advice(people_at_risk: bool = False) -> str:
    """The advice to give at once, in this order (DOMAIN.md "Safety"); when people are
    at risk (:func:`bot.services.hazard.people_at_risk`) the emergency numbers first."""
    lines = [
        LEAD,
        "• Tránh xa chỗ dây điện đứt, tia lửa hoặc trụ điện nghiêng ít nhất vài mét, và nhắc mọi người "
        "(nhất là trẻ nhỏ) tránh xa.",
        "• Tuyệt đối không chạm vào dây điện, và không chạm tay trần vào người bị điện giật; "
        "dùng vật khô, không dẫn điện (gậy gỗ, ống nhựa) để tách người ra khỏi nguồn điện.",
        "• Chỉ ngắt cầu dao (CB/aptomat) nhà mình nếu làm được an toàn, không đứng chỗ ẩm ướt.",
        f"• {EMERGENCY}",
        f"• Gọi ngay Tổng đài điện lực {hotlines()} (24/7) để được cắt điện khu vực và xử lý khẩn.",
    ]
    if people_at_risk:
        lines.insert(0, f"⚠️ {EMERGENCY}")
        lines.pop(5)  # the same line further down
    return "\n".join(lines)


# ------------------------------------------------------------- advice by situation

# The first line (an emergency call) when the situation itself puts people at risk.
_CALL_FIRST = {
    "person_shocked": "⚠️ Gọi ngay 115 (cấp cứu); có cháy thì gọi 114 (cứu hỏa).",
    "fire": "⚠️ Gọi ngay 114 (cứu hỏa); có người bị thương thì gọi 115 (cấp cứu).",
}
_POINTS = {
    "person_shocked": (
        "Không chạm tay trần vào người bị giật khi chưa ngắt điện.",
        "Ngắt cầu dao (CB/aptomat) nếu làm được an toàn, hoặc dùng vật khô không dẫn điện (gậy gỗ, "
        "ống nhựa) tách người ra khỏi nguồn điện.",
        "Khi đã tách ra: đặt nằm chỗ khô, xem còn thở không và sơ cứu trong lúc chờ cấp cứu.",
    ),
    "fire": (
        "Ngắt cầu dao tổng nếu tới được an toàn; chưa ngắt điện thì không dùng nước dập lửa, "
        "dùng bình chữa cháy (bột, CO2) hoặc cát.",
        "Đưa mọi người ra xa chỗ cháy.",
    ),
    "explosion": (
        "Tránh xa trạm, trụ điện chỗ vừa nổ ít nhất 10 mét, vì có thể nổ tiếp hoặc dây bị đứt rơi "
        "xuống; nhắc mọi người tránh xa.",
        "Không lại gần, không chạm vào dây điện quanh đó.",
    ),
    "fallen_wire": (
        "Tránh xa dây điện ít nhất 10 mét, cả vũng nước quanh dây; nhắc mọi người, nhất là trẻ nhỏ, "
        "tránh xa.",
        "Tuyệt đối không chạm hay dùng vật gì kéo dây, kể cả khi dây nằm yên.",
    ),
    "sparking_wire": (
        "Tránh xa chỗ dây điện chập, tóe lửa ít nhất 10 mét và nhắc mọi người tránh xa.",
        "Không chạm vào dây hay trụ điện, không tạt nước vào chỗ tóe lửa.",
    ),
    "sparking_meter": (
        "Không chạm vào công tơ (đồng hồ điện) hay thùng công tơ, không tạt nước vào.",
        "Ngắt cầu dao tổng trong nhà nếu làm được an toàn (tay khô, đứng chỗ khô).",
    ),
    "flooded_transformer": (
        "Tránh xa trạm biến áp, tủ điện bị ngập và vùng nước quanh đó; không lội qua, nhắc mọi người "
        "nhất là trẻ nhỏ.",
        "Có người bị điện giật dưới nước: đừng lội vào cứu, gọi ngay 115.",
    ),
    "flooded_house": (
        "Ngắt cầu dao tổng nếu cầu dao còn khô và anh/chị đứng chỗ khô; phải lội nước mới tới được "
        "thì đừng, ra khỏi chỗ ngập.",
        "Không chạm vào ổ cắm, dây điện, thiết bị đang ngập; chưa có thợ kiểm tra thì chưa dùng lại.",
    ),
    "leaning_pole": (
        "Tránh xa trụ điện và phía trụ có thể ngã xuống, không đứng hay đậu xe dưới dây; nhắc mọi "
        "người tránh xa.",
        "Không chạm vào trụ, dây néo hay dây điện.",
    ),
    "leaking_appliance": (
        "Đừng chạm vào thiết bị đó nữa; rút phích cắm bằng tay khô (đứng chỗ khô) hoặc ngắt cầu dao "
        "của nhánh đó, hay cầu dao tổng.",
        "Chưa dùng lại cho tới khi thợ điện kiểm tra dây nối đất và vỏ máy.",
    ),
}
# Situations on the network, outside the house: 114/115 told as a point of their own.
_OUTSIDE = frozenset({"explosion", "fallen_wire", "sparking_wire", "flooded_transformer", "leaning_pole"})
HOUSEHOLD_NOTE = (
    "Thiết bị và dây điện trong nhà (sau công tơ) là của gia đình, thợ điện sửa được ạ. Nếu rò điện ở "
    "thùng công tơ, trụ điện, hoặc nhà hàng xóm cũng bị, anh/chị nhắn em để em tạo phiếu KHẨN cho "
    "Điện lực nha."
)


def known(kinds: Sequence[str]) -> list[str]:
    return [kind for kind in kinds if kind in _POINTS]


def advice_for(kinds: Sequence[str], people_at_risk: bool = False, household: bool = False) -> str:
    """The advice for these situations (most urgent first) in one short message; the
    general advice when none is known. ``household``: the danger is the household's
    wiring (an electrician's job, no ticket): said at the end."""
    kinds = known(kinds)
    if not kinds:
        return safety_advice(people_at_risk)
    first = kinds[0]
    points = list(_POINTS[first])
    for other in kinds[1:]:
        if _POINTS[other][0] not in points:
            points.append(_POINTS[other][0])
    call = next((_CALL_FIRST[k] for k in kinds if k in _CALL_FIRST), None)
    if call is None and people_at_risk:
        call = f"⚠️ {EMERGENCY}"
    elif call is None and first in _OUTSIDE:
        points.append(EMERGENCY)
    lines = [call] if call else [LEAD]
    lines += [f"• {point}" for point in points[:MAX_POINTS]]
    if household:
        lines.append(HOUSEHOLD_NOTE)
    else:
        lines.append(f"• Cần hỗ trợ gấp: Tổng đài điện lực {hotlines()} (24/7).")
    return "\n".join(lines)


# -------------------------------------------------------- safety questions that follow

BREAKER, WATER, RESCUE = "breaker", "water", "rescue"
_NETWORK_BREAKER = (
    "Dạ, cầu dao (CB) trong nhà không ngắt được điện của dây, trụ hay trạm ngoài đường; Điện lực sẽ "
    "cắt điện khu vực. Anh/chị chỉ ngắt CB nhà mình khi dây điện rơi vào nhà hoặc chạm mái tôn, hàng "
    "rào sắt, và chỉ khi tới được cầu dao mà không đi gần chỗ nguy hiểm, tay khô, đứng chỗ khô."
)
_HOUSE_BREAKER = (
    "Dạ có, anh/chị nên ngắt cầu dao tổng (CB/aptomat) nếu làm được an toàn: tay khô, đứng chỗ khô, "
    "không phải lội nước hay đi qua chỗ tóe lửa."
)
_BREAKER_NOTES = {
    "flooded_house": (
        "Nếu nước đã ngập tới cầu dao, hoặc phải lội nước mới tới được, thì đừng ngắt: ra khỏi chỗ ngập "
        "và gọi Tổng đài {hotlines} để Điện lực cắt điện từ bên ngoài."
    ),
    "sparking_meter": (
        "Cầu dao sau công tơ chỉ ngắt điện trong nhà, phía trước công tơ vẫn có điện: anh/chị đừng chạm "
        "vào công tơ, Điện lực sẽ cắt điện từ bên ngoài."
    ),
    "person_shocked": (
        "Ngắt điện trước rồi mới chạm vào người bị giật; không ngắt được thì dùng vật khô không dẫn điện "
        "tách người ra, và gọi ngay 115."
    ),
    "fire": "Ngắt điện rồi mới dập lửa; chưa ngắt được thì không dùng nước, gọi ngay 114.",
    "leaking_appliance": (
        "Ngắt xong thì rút phích thiết bị bị rò và nhờ thợ điện kiểm tra trước khi dùng lại."
    ),
}
_WATER = (
    "Dạ, nước ngập tới ổ cắm, dây điện thì rất dễ bị điện giật: anh/chị ngắt cầu dao tổng nếu cầu dao còn "
    "khô và mình đứng chỗ khô; phải lội nước mới tới được thì đừng, ra khỏi chỗ ngập và gọi Tổng đài "
    "{hotlines} để Điện lực cắt điện từ bên ngoài. Không chạm vào ổ cắm, thiết bị đang ngập, chưa có thợ "
    "kiểm tra thì chưa dùng lại."
)
_RESCUE = (
    "Dạ, đừng chạm tay trần vào người bị giật: ngắt cầu dao trước nếu làm được an toàn, hoặc dùng vật khô "
    "không dẫn điện (gậy gỗ, ống nhựa) tách người ra. Gọi ngay 115; khi đã tách ra, đặt nằm chỗ khô, xem "
    "còn thở không và sơ cứu trong lúc chờ."
)


# "cầu dao vẫn bật", "cb không nhảy" during an outage: news, not a safety question.
BREAKER_STAYED_ON_NOTED = "Dạ, em ghi nhận cầu dao nhà mình vẫn bật, không bị nhảy ạ."
_BREAKER_STAYED_ON = (
    "Dạ, cầu dao nhà mình vẫn bật mà vẫn mất điện thì nhiều khả năng là mất điện từ lưới điện bên "
    "ngoài, không phải do đường dây trong nhà ạ."
)


def breaker_stayed_on(outage_ticket: str | None) -> str:
    """The breaker did not trip, said after (or without) an outage report."""
    if outage_ticket:
        return (
            f"{_BREAKER_STAYED_ON} Điện lực đang xử lý theo phiếu số {outage_ticket}; anh/chị cứ để "
            'nguyên cầu dao và nhắn "khi nào có điện" để em báo tiến độ nha.'
        )
    return f'{_BREAKER_STAYED_ON} Anh/chị bấm "Báo mất điện" để em tạo phiếu cho Điện lực khu vực nha.'


def safety_answer(asked: str | None, kinds: Sequence[str], people_at_risk: bool = False) -> str:
    """The answer to a safety question ("có nên cúp CB không", "nước ngập tới ổ cắm thì
    sao") that fits the situation reported (``kinds``, most urgent first)."""
    kinds = known(kinds)
    if asked == WATER or (asked is None and kinds[:1] == ["flooded_house"]):
        return _WATER.format(hotlines=hotlines())
    if asked == RESCUE:
        return _RESCUE
    if asked == BREAKER:
        inside = [k for k in kinds if k not in _OUTSIDE]
        if kinds and not inside:  # only dangers on the network, outside the house
            return f"{_NETWORK_BREAKER} Quan trọng nhất vẫn là tránh xa chỗ nguy hiểm nha."
        note = next((_BREAKER_NOTES[k] for k in inside if k in _BREAKER_NOTES), "")
        return f"{_HOUSE_BREAKER} {note.format(hotlines=hotlines())}".strip()
    return advice_for(kinds, people_at_risk)


# ---------------------------------------------------------------------------- hazard


HAZARD_PLACE_QUESTION = (
    "Dạ, anh/chị nhắn giúp em địa chỉ chỗ nguy hiểm (số nhà, tên đường, phường/xã, tỉnh) để đội xử lý "
    "tìm đến nhanh nhất nha."
)


def hazard_ticket_reply(number: str, added: bool) -> str:
    if added:
        return f"Dạ, em đã bổ sung thông tin vào phiếu KHẨN số {number} ạ."
    return (
        f"Dạ, em đã tạo phiếu KHẨN số {number} và chuyển ngay lên đầu hàng chờ của Điện lực để cử "
        "người xử lý. "
        f"Trong lúc chờ, anh/chị gọi Tổng đài {hotlines()} (24/7) để được hỗ trợ trực tiếp nha."
    )


def hazard_recorded(
    number: str,
    location: str,
    phone: str | None,
    respond_by: datetime | None,
    now: datetime | None = None,
    registered_phone: bool = False,
) -> str:
    """The urgent ticket, what it holds (the number masked) and what happens next."""
    if phone:
        who = "số đã đăng ký " if registered_phone else "số "
        callback = f"• Số gọi lại: {who}{phones.masked(phone)}"
    else:
        callback = "• Số gọi lại: chưa có"
    when = f", dự kiến có mặt trước {moment_text(respond_by, now)}" if respond_by else ""
    return (
        f"Dạ, em đã tạo phiếu KHẨN số {number} và chuyển ngay cho đội xử lý sự cố:\n"
        f"• Chỗ nguy hiểm: {location}\n"
        f"{callback}\n"
        f"Đội xử lý sẽ đến sớm nhất có thể{when}. Anh/chị lưu số phiếu để hỏi tiến độ nha."
    )


def hazard_added(number: str) -> str:
    return (
        f"Dạ, em đã bổ sung thông tin này vào phiếu KHẨN số {number} để đội xử lý nắm ạ. Tình hình nguy "
        f"hiểm hơn thì anh/chị gọi ngay Tổng đài {hotlines()} (24/7) nha."
    )


def callback_arranged(phone_shown: str, start: datetime, end: datetime, moved: bool) -> str:
    """The callback of the urgent handoff, arranged with the number the report gave."""
    note = " (em đã dời vào giờ làm việc)" if moved else ""
    if start.date() == end.date():
        window = f"từ {start:%H:%M} đến {end:%H:%M} ngày {format_date(start.date())}"
    else:
        first, last = format_date(start.date()), format_date(end.date())
        window = f"từ {start:%H:%M} ngày {first} đến {end:%H:%M} ngày {last}"
    return (
        f"Dạ, em đã hẹn tư vấn viên gọi lại {phone_shown} {window}{note}. Việc gấp, anh/chị gọi "
        f"Tổng đài {hotlines()} (24/7) nha."
    )


def no_place_handoff() -> str:
    """No address after asking twice: a person takes it from here."""
    return (
        "Dạ, em chưa có địa chỉ chỗ nguy hiểm nên chưa tạo phiếu được. Em chuyển ngay cho tư vấn viên để "
        f"hỗ trợ anh/chị; việc gấp, anh/chị gọi Tổng đài {hotlines()} (24/7) và tả chỗ nguy hiểm nha."
    )


def hazard_place_added(number: str) -> str:
    return (
        f"Dạ, em đã bổ sung địa chỉ vào phiếu KHẨN số {number}. Anh/chị nhớ tránh xa chỗ nguy hiểm và gọi "
        f"Tổng đài {hotlines()} nếu tình hình nguy hiểm hơn nha."
    )


def hazard_place_skipped() -> str:
    return f"Dạ vâng ạ. Anh/chị nhớ tránh xa chỗ nguy hiểm và gọi Tổng đài {hotlines()} nha."


def hazard_ticket_failed() -> str:
    return (
        "Dạ, hệ thống tạo phiếu đang gián đoạn, anh/chị gọi ngay Tổng đài "
        f"{hotlines()} (24/7) để báo sự cố khẩn này nha."
    )
