"""Customer offices from the demo data: by code (the branch in the code), by place, by
province; open or closed by the clock; the CSV sample imports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot import clock
from bot.config import PROJECT_ROOT
from bot.db.models import Customer, Office
from bot.db.session import session_scope
from bot.domain import places
from bot.importer import import_file
from bot.services import offices, unit_of_work
from bot.wording import offices as words
from tests.support.demo import BICH, CUONG


def test_every_branch_of_the_demo_has_an_office_with_readable_hours(demo_db: str) -> None:
    with session_scope(demo_db) as session:
        units = set(session.execute(select(Customer.managing_unit)).scalars())
        rows = session.execute(select(Office)).scalars().all()
        assert {o.managing_unit for o in rows} >= units
        assert session.execute(select(func.count()).select_from(Office)).scalar_one() == len(rows)
    for row in rows:
        assert offices._info(row, datetime(2026, 11, 27, 9, tzinfo=clock.VN_TZ)).hours is not None


def test_by_code_the_branchs_office_open_now(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        found = offices.for_code(uow, BICH)
    office = found.offices[0]
    assert office.code == "PB0501-GD1" and office.now.open
    text = words.offices_text(found)
    assert "Phòng giao dịch Điện lực Tây Ninh, 155 Đường Lê Hồng Phong, Phường Tân Ninh, Tây Ninh" in text
    assert "thứ Hai–thứ Sáu 07:30–11:30, 13:30–17:00; thứ Bảy 07:30–11:30" in text
    assert "Bây giờ đang mở cửa, đến 11:30." in text
    with unit_of_work(demo_db) as uow:
        assert offices.for_code(uow, "PB99990000001") is None


def test_closed_at_noon_opens_after_lunch(demo_db: str) -> None:
    noon = datetime(2026, 11, 27, 12, 0, tzinfo=clock.VN_TZ)
    with unit_of_work(demo_db) as uow:
        found = offices.for_code(uow, CUONG, now=noon)
    assert "Bây giờ đang đóng cửa, mở lại lúc 13:00 hôm nay (27/11/2026)." in words.offices_text(found)


def test_by_place_old_or_new_names_and_by_province(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        old_name = offices.for_area(uow, places.resolve("Phường An Khánh, Quận Ninh Kiều, Cần Thơ").found)
        province = offices.for_area(uow, places.resolve("Cà Mau").found)
    assert old_name.offices[0].code == "PB1102-GD1" and not old_name.by_province
    assert "235 Đường Lý Thường Kiệt" in words.offices_text(old_name)
    assert len(province.offices) >= 2 and not province.by_province
    assert words.offices_text(province).startswith("Dạ, các phòng giao dịch ở")


def test_the_csv_sample_imports_and_reimports_unchanged(clean_db_url: str) -> None:
    sample = PROJECT_ROOT / "data" / "demo" / "offices.csv"
    first = import_file("offices", sample, database_url=clean_db_url)
    assert first.ok and first.inserted == 3, first.errors
    again = import_file("offices", sample, database_url=clean_db_url)
    assert again.ok and again.unchanged == 3 and again.inserted == 0


def test_bad_office_rows_are_refused_with_the_reason(clean_db_url: str, tmp_path) -> None:
    path = tmp_path / "offices.csv"
    path.write_text(
        "code,name,managing_unit,province,ward,address,opening_hours\n"
        'X-1,Phòng A,PB05,Tây Ninh,Phường Tân Ninh,1 Đường A,"T2-T6 07:00-11:30"\n'
        'X-2,Phòng B,PB0501,Tây Ninh,Phường Tân Ninh,2 Đường B,"mở cả ngày"\n',
        encoding="utf-8",
    )
    report = import_file("offices", path, database_url=clean_db_url)
    assert not report.committed and report.rejected == 2
    reasons = " ".join(e.reason for e in report.errors)
    assert "managing unit" in reasons and "opening hours" in reasons
