"""A small outage world for the outage tests (services, CLI and actions), on a real database.

Frozen "now" is 27/11/2026 09:00 Vietnam time (a Friday), as in the whole-stack tests.

Stations and customers (names and phones are fictional, and must never be shown):

* ``PB1102-T001`` (Phường Tân An, Thành phố Cần Thơ): PB11020000002 - a planned outage
  03/12/2026 07:30–16:00, a cancelled one on 29/11, an incident restored at 08:10 today;
* ``PB1102-T002`` (same ward): PB11020000102, PB11020000103 - nothing going on;
* ``PB1403-T001`` (Phường Tân Thành, Cà Mau): PB14030000003 - an open incident since
  07:25, expected back 12:25;
* ``PB0501-T001`` (Phường Tân Ninh, Tây Ninh): PB05010000104 suspended for debt since
  20/11/2026, PB05010000105 - a planned outage under way today 07:30–16:00;
* PB11020000106 has no known station (ward Phường Tân An).

The fixtures that build it are in tests/conftest.py: ``outage_db`` (SQLite) and
``outage_db_any`` (SQLite and PostgreSQL, when a server answers at TEST_POSTGRES_URL):
the URL of a migrated database holding the world, emptied after each test.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from bot import clock
from bot.db.models import (
    Customer,
    Feeder,
    Incident,
    IncidentWard,
    OutageStatus,
    PlannedOutage,
    PlannedOutageWard,
    Station,
    metadata,
)
from bot.db.session import session_scope

NOW = "2026-11-27T09:00:00"
VN = clock.VN_TZ
CAN_THO, CA_MAU, TAY_NINH = "Thành phố Cần Thơ", "Cà Mau", "Tây Ninh"

NAMES = ("Lê Văn Cường", "Nguyễn Hoàng Dũng", "Trần Thị Bích", "Phạm Văn Em", "Võ Thị Gấm", "Đỗ Văn Hùng")
PHONES = ("0939222654", "0918333987", "0908111321", "0907000104", "0907000105", "0907000106")


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


def build_world(url: str) -> None:
    with session_scope(url) as session:
        feeder = Feeder(code="PB1102-471", name="Xuất tuyến 471 Ninh Kiều")
        stations = {
            "PB1102-T001": Station(
                code="PB1102-T001", name="TBA Tân An 1", province=CAN_THO, ward="Phường Tân An"
            ),
            "PB1102-T002": Station(
                code="PB1102-T002", name="TBA Tân An 2", province=CAN_THO, ward="Phường Tân An"
            ),
            "PB1403-T001": Station(
                code="PB1403-T001", name="TBA Tân Thành 1", province=CA_MAU, ward="Phường Tân Thành"
            ),
            "PB0501-T001": Station(
                code="PB0501-T001", name="TBA Tân Ninh 1", province=TAY_NINH, ward="Phường Tân Ninh"
            ),
        }
        for station in stations.values():
            station.feeder = feeder
            session.add(station)
        people = (
            ("PB11020000002", "PB1102-T001", CAN_THO, "Phường Tân An", {}),
            ("PB14030000003", "PB1403-T001", CA_MAU, "Phường Tân Thành", {}),
            ("PB11020000102", "PB1102-T002", CAN_THO, "Phường Tân An", {}),
            (
                "PB05010000104",
                "PB0501-T001",
                TAY_NINH,
                "Phường Tân Ninh",
                {"supply_status": "suspended", "suspended_at": at(20, 9), "notices_sent": 2},
            ),
            ("PB05010000105", "PB0501-T001", TAY_NINH, "Phường Tân Ninh", {}),
            ("PB11020000106", None, CAN_THO, "Phường Tân An", {}),
            ("PB11020000103", "PB1102-T002", CAN_THO, "Phường Tân An", {}),
        )
        for n, (code, station, province, ward, extra) in enumerate(people):
            session.add(
                Customer(
                    code=code,
                    name=NAMES[n % len(NAMES)],
                    phone=PHONES[n % len(PHONES)],
                    address="47 Đường Lý Thường Kiệt",
                    province=province,
                    ward=ward,
                    managing_unit=code[:6],
                    station=stations[station] if station else None,
                    reading_day=10,
                    **extra,
                )
            )
        _planned(
            session,
            "KH26120301",
            [stations["PB1102-T001"]],
            at(3, 7, 30, 12),
            at(3, 16, 0, 12),
            "bảo trì, sửa chữa lưới điện",
            "Một phần Phường Tân An: khách hàng sau TBA Tân An 1",
        )
        _planned(
            session,
            "KH26112901",
            [stations["PB1102-T001"]],
            at(29, 8),
            at(29, 12),
            "thay máy biến áp",
            "TBA Tân An 1",
            status=OutageStatus.CANCELLED.value,
        )
        _planned(
            session,
            "KH26112701",
            [stations["PB0501-T001"]],
            at(27, 7, 30),
            at(27, 16),
            "thay máy biến áp",
            "Một phần Phường Tân Ninh: TBA Tân Ninh 1",
        )
        _planned(
            session,
            "KH26121001",
            [stations["PB1102-T002"]],
            at(10, 8, 0, 12),
            at(10, 11, 0, 12),
            "chặt, tỉa cây trong hành lang an toàn lưới điện",
            "TBA Tân An 2",
        )
        _incident(
            session,
            "SC-261127-0001",
            stations["PB1403-T001"],
            at(27, 7, 25),
            at(27, 12, 25),
            "cây ngã vào đường dây trung thế",
        )
        _incident(
            session,
            "SC-261127-0002",
            stations["PB1102-T001"],
            at(27, 6, 0),
            at(27, 8, 0),
            "sự cố cáp ngầm",
            restored_at=at(27, 8, 10),
        )


def _planned(session, code, stations, start, end, reason, area, status=OutageStatus.SCHEDULED.value) -> None:
    outage = PlannedOutage(
        code=code,
        starts_at=start,
        ends_at=end,
        reason=reason,
        area=area,
        announced_at=at(20, 9),
        status=status,
    )
    outage.stations.extend(stations)
    for province, ward in dict.fromkeys((s.province, s.ward) for s in stations):
        outage.wards.append(PlannedOutageWard(province=province, ward=ward))
    session.add(outage)


def _incident(session, code, station, started, expected, cause, restored_at=None) -> None:
    incident = Incident(
        code=code,
        cause=cause,
        area=station.name,
        status="restored" if restored_at else "open",
        started_at=started,
        expected_restoration_at=expected,
        restored_at=restored_at,
        created_at=started,
    )
    incident.stations.append(station)
    incident.wards.append(IncidentWard(province=station.province, ward=station.ward))
    session.add(incident)


def empty(url: str) -> None:
    with session_scope(url) as session:
        for table in reversed(metadata.sorted_tables):
            if table.name not in ("tariff_versions", "tariff_tiers", "vat_periods", "alembic_version"):
                session.execute(delete(table))
