"""bot.nlu.core.read: the free-text readers the dialogue layer calls (no Rasa)."""

from __future__ import annotations

import pytest

from bot.domain.ticket_numbers import check_character
from bot.nlu.core import read
from bot.nlu.core.read import Breaker, Scope


@pytest.mark.parametrize(
    ("text", "kwh", "households"),
    [
        ("300 số hết bao nhiêu tiền", 300, 1),
        ("300 so het bao nhieu", 300, 1),
        ("2 hộ xài chung 450 số", 450, 2),
        ("hai ho xai chung 450 so", 450, 2),
        ("xài 200 ký thì bao nhiêu tiền", 200, 1),
        ("xai 150 kw het bn", 150, 1),
        ("tính giúp 250 kwh", 250, 1),
        ("1.200 kWh hết bao nhiêu", 1200, 1),
        ("thế 400 số?", 400, 1),
        ("còn 1 hộ thì sao", None, 1),
        ("3 gia đình xài chung", None, 3),
        ("giá điện bậc 4", None, 1),  # a tier, not kWh
        ("1 số điện bao nhiêu tiền", None, 1),  # the unit price: the table answers it
        ("tiền điện 600k", None, 1),
        ("nợ 2 ky rồi", None, 1),  # two billing periods
        ("4 số cuối là 1321", None, 1),  # the verification digits
        ("nhà 2 hộ chung đồng hồ thì tính giá sao", None, 2),
        ("", None, 1),
        ("9" * 10_000 + " số", None, 1),
    ],
)
def test_quote_reads_kwh_and_households(text: str, kwh: int | None, households: int) -> None:
    details = read.quote(text)
    assert (details.kwh, details.households) == (kwh, households)


def test_business_questions_are_recognised() -> None:
    assert read.quote("giá điện kinh doanh bao nhiêu").business
    assert read.quote("gia dien san xuat").business
    assert not read.quote("giá điện sinh hoạt").business


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("phiếu SC2611270001 sao rồi", "SC2611270001"),
        ("phiếu sc-k7q4-m2xz sao rồi", None),  # a wrong check character
        (f"so phieu SC K7Q4 M2X{check_character('K7Q4M2X')} a", f"SC-K7Q4-M2X{check_character('K7Q4M2X')}"),
        ("sc 2611270001", "SC2611270001"),
        ("so phieu sc2611270001 a", "SC2611270001"),
        ("SC26112700011", None),  # 11 digits: not a ticket number
        ("chừng nào có điện", None),
        ("", None),
        (None, None),
    ],
)
def test_ticket_numbers_are_found_in_what_the_customer_types(text: str | None, number: str | None) -> None:
    assert read.ticket_number(text) == number


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mã pb 0501 000 0001 nha", "PB05010000001"),
        ("PB-0501-0000001", "PB05010000001"),
        ("pb050100000", None),  # wrong length
        ("xin chào", None),
    ],
)
def test_customer_code(text: str, code: str | None) -> None:
    assert read.customer_code(text) == code


@pytest.mark.parametrize(
    ("text", "like"),
    [
        ("pb050100000", "PB050100000"),
        ("mã là PB 0501 000", "PB0501000"),
        ("0912345678", "0912345678"),
        ("mã của tui hả", None),
        ("1321", None),
    ],
)
def test_code_like_strings_are_reported_for_the_format_hint(text: str, like: str | None) -> None:
    assert read.code_like(text) == like


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("muốn gắn điện cho nhà mới xây", "new_connection"),
        ("xin lap dong ho dien moi", "new_connection"),
        ("mua nhà rồi, muốn sang tên hợp đồng điện", "change_owner"),
        ("đồng hồ điện nhà tui chạy nhanh quá", "meter_inspection"),
        ("dien ke chay nhanh, kiem dinh giup", "meter_inspection"),
        ("lấy bản sao hóa đơn điện tử tháng 9", "einvoice_copy"),
        ("đã đóng tiền rồi mà chưa có điện, đóng điện lại giùm", "reconnection"),
        ("xin chào", None),
        ("", None),
    ],
)
def test_service_kind(text: str, kind: str | None) -> None:
    assert read.service_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("đóng qua momo được không", "momo"),
        ("dong qua zalo pay sao", "zalopay"),
        ("thanh toán vnpay", "vnpay"),
        ("chuyển khoản rồi mà chưa gạch nợ", "bank_app"),
        ("ck rồi", "bank_app"),
        ("app evn có đóng được không", "evn_app"),
        ("ra circle k đóng được hông", "store"),
        ("đóng tại quầy", "counter"),
        ("đăng ký trích nợ tự động", "auto_debit"),
        ("nhắn zalo cho điện lực", None),
    ],
)
def test_payment_channel(text: str, channel: str | None) -> None:
    assert read.payment_channel(text) == channel


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("còn tháng 9 thì sao", "month:9"),
        ("tháng 6 năm ngoái", "month:6;year:-1"),
        ("t6 nam ngoai", "month:6;year:-1"),
        ("tháng 3 năm nay", "month:3;year:0"),
        ("cùng kỳ năm ngoái", "relative:-12"),
        ("con cung ky nam truoc thi sao", "relative:-12"),
        ("tháng này năm ngoái", "relative:-12"),
        ("năm ngoái thì sao", "relative:-12"),
        ("nha toi nam ngoai khu vuc cup", None),  # "nằm ngoài"
        ("điện lực miền nam trước giờ", None),
        ("thế tháng trước?", "relative:-1"),
    ],
)
def test_period(text: str, period: str | None) -> None:
    assert read.period(text) == period


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("chỉ nhà tui thôi", Scope.HOUSE),
        ("chi nha minh", Scope.HOUSE),
        ("cả xóm luôn", Scope.AREA),
        ("hang xom cung mat", Scope.AREA),
        ("không biết nữa", None),
    ],
)
def test_scope(text: str, scope: Scope | None) -> None:
    assert read.scope(text) == scope


@pytest.mark.parametrize(
    ("text", "intent", "breaker"),
    [
        ("vẫn mất điện", None, Breaker.STILL_DARK),
        ("có lại rồi", None, Breaker.BACK),
        ("ok tạo phiếu giúp tôi", "affirm", Breaker.STILL_DARK),  # not "power is back"
        ("ok", "affirm", Breaker.BACK),
        ("ko", "deny", Breaker.STILL_DARK),
        ("cầu dao vẫn bật", "ask_safety", Breaker.STILL_DARK),  # it did not trip: still no power
        ("cb khong nhay", None, Breaker.STILL_DARK),
        ("cầu dao bật lên lại là có điện rồi", None, Breaker.BACK),
    ],
)
def test_breaker(text: str, intent: str | None, breaker: Breaker) -> None:
    assert read.breaker(text, intent) == breaker


@pytest.mark.parametrize(
    ("text", "stayed_on"),
    [
        ("cầu dao vẫn bật", True),
        ("cau dao nha toi van bat ma", True),
        ("CB nhà em không bị nhảy", True),
        ("aptomat thì vẫn bình thường", True),
        ("cb van dong ma ko co dien", True),
        ("cb nhảy rồi", False),
        ("cầu dao bật lên rồi, có điện lại rồi", False),
        ("có nên ngắt cầu dao không", False),
        ("cầu dao vẫn bật, có nên ngắt không", False),  # asked, not told
        ("cb van bat ha?", False),
        ("vẫn bật", False),  # no breaker named
    ],
)
def test_a_breaker_that_stayed_on(text: str, stayed_on: bool) -> None:
    assert read.breaker_stayed_on(text) is stayed_on


def test_stop_and_no_code() -> None:
    assert read.wants_to_stop("thôi khỏi nha")
    assert not read.wants_to_stop("thôi chết, cúp điện rồi")
    assert read.says_no_code("tui không nhớ mã")


@pytest.mark.parametrize(
    ("text", "day", "time", "minutes", "recent", "unknown"),
    [
        ("từ 7h sáng", None, "07:00", None, False, False),
        ("từ tối qua", "relative_day:-1", "part:evening", None, False, False),
        ("tu sang toi gio", None, "part:morning", None, False, False),
        ("mất từ hôm qua", "relative_day:-1", None, None, False, False),
        ("hồi nãy", None, None, None, True, False),
        ("2 tiếng trước", None, None, 120, False, False),
        ("ko nhớ nữa", None, None, None, False, True),
    ],
)
def test_start_time(text, day, time, minutes, recent, unknown) -> None:
    start = read.start_time(text)
    assert start is not None and start.said == text
    assert (start.day, start.time, start.minutes_ago, start.recent, start.unknown) == (
        day, time, minutes, recent, unknown,
    )


@pytest.mark.parametrize("text", ["vẫn mất điện", "chua co dien", "ok tạo phiếu giúp tôi", "", "/affirm"])
def test_messages_without_a_time_are_no_start_time(text: str) -> None:
    assert read.start_time(text) is None


@pytest.mark.parametrize(
    ("text", "street", "area", "landmark"),
    [
        ("123 Trần Hưng Đạo, phường An Khánh, Ninh Kiều", "123 Trần Hưng Đạo",
         "Phường An Khánh, Ninh Kiều", None),
        ("hẻm 5 đường 30/4 p1 tp tây ninh", "hẻm 5 đường 30/4", "Phường 1, Thành phố Tây Ninh", None),
        ("ấp 3 xã Tân Phú Đồng Tháp", "ấp 3", "Xã Tân Phú, Đồng Tháp", None),
        ("nhà tui ở 45 nguyen trai phuong tan an can tho nha", "45 nguyen trai",
         "Phường Tân An, Cần Thơ", None),
        ("gần chợ Tân An", None, None, "chợ Tân An"),
        ("phường 5 cà mau", None, "Phường 5, Cà Mau", None),
    ],
)
def test_address_keeps_the_street_and_the_place(text, street, area, landmark) -> None:
    found = read.address(text)
    assert found is not None and found.has_location
    assert (found.street, found.area, found.landmark) == (street, area, landmark)


@pytest.mark.parametrize("text", ["vẫn mất điện", "ok tạo phiếu giúp tôi", "cảm ơn", ""])
def test_messages_without_a_place_are_no_address(text: str) -> None:
    assert read.address(text) is None


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("có người bị điện giật, dây điện đứt", ["person_shocked", "fallen_wire"]),
        ("tram bien ap gan nha bi no", ["explosion"]),
        ("đồng hồ điện tóe lửa", ["sparking_meter"]),
        ("dây điện tóe lửa", ["sparking_wire"]),
        ("nhà tui bị ngập nước", ["flooded_house"]),
        ("trạm biến áp bị ngập", ["flooded_transformer"]),
        ("so vao tu lanh bi giat te tay", ["leaking_appliance"]),
        ("cot dien bi gay", ["leaning_pole"]),
        ("đồng hồ điện chạy nhanh", []),
        ("hóa đơn cao bất thường", []),
    ],
)
def test_hazard_kinds_most_urgent_first(text: str, kinds: list[str]) -> None:
    assert read.hazard_kinds(text) == kinds
