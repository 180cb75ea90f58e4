"""A connection's supply: plainly to a verified requester (suspended for debt, with the
reconnection rule), the area's status to anyone else, identical whether or not the
connection is suspended; a past month's outages."""

from __future__ import annotations

from bot.domain import places
from bot.domain.periods import Month
from bot.services import supply, unit_of_work, verification
from bot.services.supply import Supply
from bot.services.verification import Requester
from bot.wording import supply as words

WHO = Requester("rest", "supply-test")
SUSPENDED, SAME_STATION = "PB05010000104", "PB05010000105"


def answer(url: str, code: str, who: Requester = WHO) -> supply.SupplyAnswer:
    with unit_of_work(url) as uow:
        return supply.for_customer(uow, code, who)


def verify(url: str, code: str, digits: str, who: Requester = WHO) -> None:
    with unit_of_work(url) as uow:
        assert verification.verify(uow, code, who, digits).verified


def test_unverified_the_suspension_is_never_told_and_the_answer_is_the_neighbours(outage_db: str) -> None:
    suspended, neighbour = answer(outage_db, SUSPENDED), answer(outage_db, SAME_STATION)
    assert suspended.state is Supply.PLANNED and not suspended.verified and suspended.suspended_at is None
    assert suspended.debt is None
    text = words.supply_text(suspended)
    assert text.replace(SUSPENDED, "X") == words.supply_text(neighbour).replace(SAME_STATION, "X")
    assert "tạm ngừng cung cấp" not in text and "thanh toán" not in text and "nợ" not in text


def test_verified_the_suspension_is_told_with_the_reconnection_time(outage_db: str) -> None:
    verify(outage_db, SUSPENDED, "0104")
    found = answer(outage_db, SUSPENDED)
    assert found.state is Supply.SUSPENDED and found.verified and found.reconnection_hours == 24
    text = words.supply_text(found)
    assert "tạm ngừng cung cấp từ 09:00 ngày 20/11/2026" in text and "trong vòng 24 giờ" in text


def test_the_other_states_of_a_station(outage_db: str) -> None:
    assert answer(outage_db, "PB14030000003").state is Supply.INCIDENT
    assert answer(outage_db, "PB11020000002").state is Supply.RESTORED  # restored at 08:10 today
    normal = answer(outage_db, "PB11020000102")
    assert normal.state is Supply.NORMAL
    assert "không có lịch cắt điện hay sự cố" in words.supply_text(normal)
    assert "12:25 hôm nay" in words.supply_text(answer(outage_db, "PB14030000003"))
    with unit_of_work(outage_db) as uow:
        assert supply.for_customer(uow, "PB99990000001", WHO) is None


def test_a_place(outage_db: str) -> None:
    with unit_of_work(outage_db) as uow:
        found = supply.for_area(uow, places.resolve("Phường Tân Ninh, Tây Ninh").found)
    assert found.state is Supply.PLANNED and "16:00" in words.supply_text(found)


def test_verified_and_supplied_but_with_overdue_bills_is_warned(demo_db: str) -> None:
    verify(demo_db, "PB05010000001", "1321")
    found = answer(demo_db, "PB05010000001")
    assert found.state is Supply.NORMAL and found.debt is not None
    assert (found.debt.bills, found.debt.overdue, found.debt.total) == (2, 2, 1_331_817)
    text = words.supply_text(found)
    assert "không bị tạm ngừng" in text and "1.331.817 đ" in text and "sau 2 lần thông báo" in text


def test_a_past_month_lists_the_stations_outages(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        planned = supply.history(uow, "PB04030000101", WHO, Month(2026, 10))
        incident = supply.history(uow, "PB09030000101", WHO, Month(2026, 10))
        quiet = supply.history(uow, "PB09030000101", WHO, Month(2026, 9))
    text = words.history_text(planned)
    assert "tháng 10/2026" in text and "30/10/2026 07:30–16:00: lịch cắt điện để bảo trì" in text
    assert "30/10/2026 17:10: sự cố (xe va quẹt làm gãy trụ điện), có điện lại 21:07" in words.history_text(
        incident
    )
    assert "không có lịch cắt điện hay sự cố nào" in words.history_text(quiet)
    assert not planned.verified and planned.suspended_at is None
