"""Rule-based entities: values in the documented formats, offsets into the typed text."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import ENTITIES

from bot.nlu.entity_extractor import MALFORMED_CODE_PROPERTY, VietnameseEntityExtractor
from bot.nlu.normaliser import VietnameseNormaliser
from tests.nlu.conftest import message


@pytest.fixture(scope="module")
def extractor() -> VietnameseEntityExtractor:
    return VietnameseEntityExtractor.create({}, None, None, None)


def extract(extractor: VietnameseEntityExtractor, text: str) -> list[tuple[str, str, str]]:
    """(entity, typed text, value) of each entity; checks the offsets on the way."""
    msg = message(text)
    extractor.process([msg])
    found = []
    for ent in msg.get(ENTITIES):
        assert ent["extractor"] == "VietnameseEntityExtractor"
        assert 0 <= ent["start"] < ent["end"] <= len(text)
        found.append((ent["entity"], text[ent["start"] : ent["end"]], ent["value"]))
    return found


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("mã PB05010000001 nha", "PB05010000001"),
        ("ma kh la pb 0501 000 0001", "pb 0501 000 0001"),
        ("mã pb-0501-0000001 ạ", "pb-0501-0000001"),
        ("Mã KH: pk1203 0000 456", "pk1203 0000 456"),
        ("PE0101000000 1", "PE0101000000 1"),
    ],
)
def test_customer_code_normalised_to_13_upper_case_chars(extractor, text: str, surface: str) -> None:
    codes = [e for e in extract(extractor, text) if e[0] == "customer_code"]
    assert len(codes) == 1
    _, typed, value = codes[0]
    assert typed == surface
    assert len(value) == 13 and value == value.upper() and value[2:].isdigit()


@pytest.mark.parametrize("text", ["mã pb050100000 nha", "PB050100000012", "mã xy05010000001", "PB0501"])
def test_only_well_formed_codes_are_entities(extractor, text: str) -> None:
    assert not [e for e in extract(extractor, text) if e[0] == "customer_code"]


def test_code_of_wrong_length_is_flagged_for_the_bot(extractor) -> None:
    msg = message("mã em là pb050100000 á")
    extractor.process([msg])
    assert msg.get(MALFORMED_CODE_PROPERTY) == ["PB050100000"]
    assert msg.get(ENTITIES) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("sđt 0912345678", "0912345678"),
        ("số em 0912 345 678 nha", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("gọi 0387.123.456", "0387123456"),
    ],
)
def test_phone(extractor, text: str, value: str) -> None:
    assert [e[2] for e in extract(extractor, text) if e[0] == "phone"] == [value]


def test_hotline_and_codes_are_not_phones(extractor) -> None:
    assert not [e for e in extract(extractor, "gọi 19001006 được không") if e[0] == "phone"]
    assert not [e for e in extract(extractor, "mã PB09120345678") if e[0] == "phone"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1321", "1321"), ("4 số cuối là 1321 nha", "1321"), ("dạ 0042 ạ", "0042")],
)
def test_digits_answer(extractor, text: str, value: str) -> None:
    assert [e[2] for e in extract(extractor, text) if e[0] == "digits"] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "xài 1200 số", "năm 2026", "hết 1200k", "từ 1130 giờ", "0912345678", "PB05010000001",
        "10/2026", "12345",
    ],
)
def test_digits_not_part_of_something_else(extractor, text: str) -> None:
    assert not [e for e in extract(extractor, text) if e[0] == "digits"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hết 600k", "600000"),
        ("600 ngàn", "600000"),
        ("600 k thôi", "600000"),
        ("6 lít", "600000"),
        ("1tr2", "1200000"),
        ("1 củ 2", "1200000"),
        ("1 triệu rưỡi", "1500000"),
        ("1 trieu ruoi", "1500000"),
        ("1,5 triệu", "1500000"),
        ("798.660 đ", "798660"),
        ("1.200.000", "1200000"),
        ("1 triệu 200 ngàn", "1200000"),
        ("2 trăm ngàn", "200000"),
    ],
)
def test_money_in_dong(extractor, text: str, value: str) -> None:
    assert [e[2] for e in extract(extractor, text) if e[0] == "money"] == [value]


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("tiền điện tháng 10", "tháng 10", "month:10"),
        ("tien dien thang 9", "thang 9", "month:9"),
        ("hóa đơn t9", "t9", "month:9"),
        ("tháng 10/2026", "tháng 10/2026", "2026-10"),
        ("10/2026", "10/2026", "2026-10"),
        ("tháng 10 năm 2026", "tháng 10 năm 2026", "2026-10"),
        ("tháng này", "tháng này", "relative:0"),
        ("kỳ này", "kỳ này", "relative:0"),
        ("tháng trước", "tháng trước", "relative:-1"),
        ("thang truoc", "thang truoc", "relative:-1"),
        ("hóa đơn tháng trc", "tháng trc", "relative:-1"),
        ("2 tháng trước", "2 tháng trước", "relative:-2"),
        ("tháng sau", "tháng sau", "relative:+1"),
    ],
)
def test_period(extractor, text: str, surface: str, value: str) -> None:
    assert [(e[1], e[2]) for e in extract(extractor, text) if e[0] == "period"] == [(surface, value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("hôm nay", "relative_day:0"),
        ("bữa nay", "relative_day:0"),
        ("mai có cúp không", "relative_day:+1"),
        ("ngày mai", "relative_day:+1"),
        ("ngày mốt", "relative_day:+2"),
        ("mốt", "relative_day:+2"),
        ("hôm qua", "relative_day:-1"),
        ("tuần này", "week:0"),
        ("tuần sau", "week:+1"),
        ("thứ 7", "weekday:6"),
        ("thứ hai", "weekday:1"),
        ("chủ nhật", "weekday:7"),
        ("thứ 7 tuần sau", "weekday:6,week:+1"),
        ("5/12", "day:5/12"),
        ("ngày 5/12/2026", "day:5/12/2026"),
        ("ngày 5 tháng 12", "day:5/12"),
        ("ngày 5", "day:5"),
        ("mot co cat dien hok", "relative_day:+2"),
        ("từ tối qua tới giờ", "relative_day:-1"),
    ],
)
def test_date_values_stay_relative(extractor, text: str, value: str) -> None:
    assert [e[2] for e in extract(extractor, text) if e[0] == "date"] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "mai mốt có điện không", "tiền điện ngày một tăng", "tôi qua phòng giao dịch", "cái nay",
        "mấy bữa nay cúp hoài", "dây điện sát mai nhà", "lắp điện mặt trời áp mai", "tổng đài trực 24/7",
    ],
)
def test_no_date_in_ordinary_words(extractor, text: str) -> None:
    assert not [e for e in extract(extractor, text) if e[0] == "date"]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("cúp từ 2h chiều", ["14:00"]),
        ("từ 7h30", ["07:30"]),
        ("7 giờ rưỡi tối", ["19:30"]),
        ("14:00", ["14:00"]),
        ("10h đêm", ["22:00"]),
        ("hồi sáng", ["part:morning"]),
        ("chiều nay", ["part:afternoon"]),
        ("từ 8h đến 11h", ["08:00", "11:00"]),
        ("mat dien tu hoi toi", ["part:evening"]),
        ("7g30", ["07:30"]),
        ("đăng ký 4G", []),
    ],
)
def test_time(extractor, text: str, values: list[str]) -> None:
    assert [e[2] for e in extract(extractor, text) if e[0] == "time"] == values


def test_part_of_day_and_day_word_are_two_entities(extractor) -> None:
    found = extract(extractor, "tối qua cúp điện")
    assert ("time", "tối", "part:evening") in found
    assert ("date", "qua", "relative_day:-1") in found


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [
        ("Phường An Khánh, Quận Ninh Kiều cúp điện", "Phường An Khánh, Quận Ninh Kiều",
         "Phường An Khánh, Quận Ninh Kiều"),
        ("phuong an khanh quan ninh kieu can tho", "phuong an khanh quan ninh kieu can tho",
         "Phường An Khánh, Quận Ninh Kiều, Cần Thơ"),
        ("nhà ở Phường 1 TP Tây Ninh", "Phường 1 TP Tây Ninh", "Phường 1, Thành phố Tây Ninh"),
        ("p5 tp ca mau mat dien", "p5 tp ca mau", "Phường 5, Thành phố Cà Mau"),
        ("Cần Thơ có cúp điện không", "Cần Thơ", "Cần Thơ"),
        ("soc trang", "soc trang", "Sóc Trăng"),
        ("lịch cúp ở Sài Gòn", "Sài Gòn", "Hồ Chí Minh"),
        ("xã Tân Thành", "xã Tân Thành", "Xã Tân Thành"),
        ("ở khu vực Ninh Kiều", "Ninh Kiều", "Ninh Kiều"),
        ("Long Xuyên nha", "Long Xuyên", "Long Xuyên"),  # a bare name as the whole answer
        ("điện lực Ninh Kiều ở đâu", "Ninh Kiều", "Ninh Kiều"),
        ("xa tan phu dong thap", "xa tan phu dong thap", "Xã Tân Phú, Đồng Tháp"),
    ],
)
def test_area(extractor, text: str, surface: str, value: str) -> None:
    assert [(e[1], e[2]) for e in extract(extractor, text) if e[0] == "area"] == [(surface, value)]


@pytest.mark.parametrize(
    "text",
    ["chúc mừng thành công", "mong hòa bình mãi", "ở xa quá", "tôi ở nhà", "dong ho ghi bao nhieu kw"],
)
def test_no_area_in_ordinary_words(extractor, text: str) -> None:
    assert not [e for e in extract(extractor, text) if e[0] == "area"]


def test_offsets_survive_normalisation(extractor) -> None:
    text = "Hoá\u200b đơn  tháng trc của mã  pb 0501 000 0001 hết 1tr2 ko 👍"
    msg = message(text)
    VietnameseNormaliser.create({}, None, None, None).process([msg])
    extractor.process([msg])
    spans = {e["entity"]: text[e["start"] : e["end"]] for e in msg.get(ENTITIES)}
    assert spans == {"period": "tháng trc", "customer_code": "pb 0501 000 0001", "money": "1tr2"}


def test_keeps_entities_of_other_extractors(extractor) -> None:
    msg = message("mã PB05010000001")
    msg.set(ENTITIES, [{"entity": "x", "start": 0, "end": 2, "value": "mã"}])
    extractor.process([msg])
    assert [e["entity"] for e in msg.get(ENTITIES)] == ["x", "customer_code"]
