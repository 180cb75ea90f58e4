"""Details read from a message: entities first, then the text, and the follow-up shape."""

from __future__ import annotations

import pytest

from bot.dialogue.details import is_bare_follow_up, read
from bot.dialogue.turn import Entity, Turn


def turn(text: str, *entities: Entity) -> Turn:
    return Turn(text=text, intents=("inform",), entities=entities)


def test_entities_come_first() -> None:
    details = read(turn("còn tháng 9 thì sao", Entity("period", "month:9", "tháng 9")))
    assert details.periods == ("month:9",)


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("tháng 6 năm ngoái", ("month:6;year:-1",)),
        ("thang 6 nam ngoai", ("month:6;year:-1",)),
        ("cùng kỳ năm ngoái", ("relative:-12",)),
        ("thế tháng trước?", ("relative:-1",)),
        ("còn t9 thì sao", ("month:9",)),
    ],
)
def test_months_without_entities_are_read_from_the_text(text: str, periods: tuple[str, ...]) -> None:
    assert read(turn(text)).periods == periods


def test_the_year_the_nlu_dropped_is_added() -> None:
    details = read(turn("tháng 6 năm ngoái", Entity("period", "month:6", "tháng 6")))
    assert details.periods == ("month:6;year:-1",)


@pytest.mark.parametrize(
    ("text", "kwh", "households"),
    [
        ("thế 400 số?", 400, None),
        ("còn 1 hộ thì sao", None, 1),
        ("2 hộ xài chung 450 số", 450, 2),
        ("hai ho 1.200 kwh", 1200, 2),
        ("còn tháng 9 thì sao", None, None),
    ],
)
def test_kwh_and_households(text: str, kwh: int | None, households: int | None) -> None:
    details = read(turn(text))
    assert (details.kwh, details.households) == (kwh, households)


def test_codes_tickets_and_places_from_the_text() -> None:
    assert read(turn("tiền điện mã pb 0501 000 0001")).codes == ("PB05010000001",)
    assert read(turn("phiếu sc 2611270001 sao rồi")).ticket == "SC2611270001"
    assert read(turn("còn phường An Hòa thì sao")).areas == ("phường An Hòa",)
    assert read(turn("con p5 ca mau thi sao")).areas == ("p5 ca mau",)
    assert read(turn("phiếu sc2611270001")).areas == ()  # "p" of "phiếu" is no ward


@pytest.mark.parametrize(
    ("text", "entities", "bare"),
    [
        ("còn tháng 9 thì sao", [Entity("period", "month:9", "tháng 9")], True),
        ("thế tháng trước?", [Entity("period", "relative:-1", "tháng trước")], True),
        ("con thang 9 thi sao", [Entity("period", "month:9", "thang 9")], True),
        ("còn mã PB11020000002 thì sao", [Entity("customer_code", "PB11020000002", "PB11020000002")], True),
        ("còn 1 hộ thì sao", [], True),
        ("thế 400 số?", [], True),
        ("vậy còn tuần sau nữa", [Entity("date", "week:+1", "tuần sau")], True),
        ("còn tháng 9 nợ bao nhiêu", [Entity("period", "month:9", "tháng 9")], False),
        ("lịch cúp điện tuần sau", [Entity("date", "week:+1", "tuần sau")], False),
        ("xin chào", [], False),
    ],
)
def test_the_follow_up_shape(text: str, entities: list[Entity], bare: bool) -> None:
    message = turn(text, *entities)
    assert is_bare_follow_up(message, read(message)) is bare
