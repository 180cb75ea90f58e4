"""data/tariffs.yml is copied into the tariff and VAT tables, idempotently."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import TariffTier, TariffVersion, VatPeriod
from bot.db.session import session_scope
from bot.domain.tariff import TariffSchedule, Tier, load_schedule
from bot.domain.tariff import VatPeriod as SchedulePeriod
from bot.importer import tariffs as tariff_sync


def stored(url: str) -> tuple[dict, list]:
    with session_scope(url) as session:
        versions = {
            v.code: (
                v.name,
                v.tariff_group,
                v.effective_from,
                v.effective_to,
                [(t.tier, t.upper_kwh, t.price) for t in v.tiers],
            )
            for v in session.execute(select(TariffVersion)).scalars()
        }
        periods = [
            (p.start_date, p.end_date, p.rate, p.basis)
            for p in session.execute(select(VatPeriod).order_by(VatPeriod.start_date)).scalars()
        ]
    return versions, periods


def test_the_tables_hold_the_schedule(clean_db_url: str) -> None:
    report = tariff_sync.run(clean_db_url)
    assert (report.versions_added, report.vat_added) == (3, 2)
    versions, periods = stored(clean_db_url)
    assert set(versions) == {"QD2941-2023", "QD2699-2024", "QD1279-2025"}
    name, group, start, end, tiers = versions["QD1279-2025"]
    assert (name, group, start, end) == ("QĐ 1279/QĐ-BCT", "residential", date(2025, 5, 10), None)
    assert [price for _, _, price in tiers] == [Decimal(p) for p in (1984, 2050, 2380, 2998, 3350, 3460)]
    assert [upper for _, upper, _ in tiers] == [50, 100, 200, 300, 400, None]
    assert periods == [
        (date(2022, 2, 1), date(2022, 12, 31), Decimal("0.08"), "NQ 43/2022/QH15"),
        (
            date(2023, 7, 1),
            date(2026, 12, 31),
            Decimal("0.08"),
            "successive reductions, the last NQ 204/2025/QH15",
        ),
    ]


def test_a_second_run_changes_nothing(clean_db_url: str) -> None:
    tariff_sync.run(clean_db_url)
    before = stored(clean_db_url)
    report = tariff_sync.run(clean_db_url)
    assert not report.changed
    assert (report.versions_unchanged, report.vat_unchanged) == (3, 2)
    assert stored(clean_db_url) == before


def edited_schedule() -> TariffSchedule:
    """The real schedule with QĐ 1279's tier 6 repriced, a 5-tier table added and the
    2022 VAT period dropped."""
    schedule = load_schedule()
    versions = []
    for version in schedule.versions:
        if version.code == "QD1279-2025":
            tiers = list(version.tiers)
            tiers[-1] = Tier(upper_kwh=None, price=Decimal("3500"))
            version = replace(version, tiers=tiers)
        versions.append(version)
    five = [
        Tier(100, Decimal("1900")),
        Tier(200, Decimal("2300")),
        Tier(400, Decimal("2900")),
        Tier(700, Decimal("3400")),
        Tier(None, Decimal("3600")),
    ]
    versions.append(
        replace(versions[-1], code="QD-5TIER", name="5 bậc", effective_from=date(2027, 1, 1), tiers=five)
    )
    periods = [p for p in schedule.vat_periods if p.start.year != 2022]
    periods.append(SchedulePeriod(start=date(2027, 1, 1), end=None, rate=Decimal("0.10")))
    return replace(schedule, versions=versions, vat_periods=periods)


def test_changes_in_the_file_reach_the_tables(clean_db_url: str) -> None:
    tariff_sync.run(clean_db_url)
    with session_scope(clean_db_url) as session:
        report = tariff_sync.sync_tariffs(session, edited_schedule())
    assert (report.versions_added, report.versions_updated, report.versions_unchanged) == (1, 1, 2)
    assert (report.vat_added, report.vat_removed, report.vat_unchanged) == (1, 1, 1)
    versions, periods = stored(clean_db_url)
    assert versions["QD1279-2025"][4][-1] == (6, None, Decimal("3500"))
    assert [(t, u) for t, u, _ in versions["QD-5TIER"][4]] == [
        (1, 100),
        (2, 200),
        (3, 400),
        (4, 700),
        (5, None),
    ]
    assert [p[0] for p in periods] == [date(2023, 7, 1), date(2027, 1, 1)]


def test_fewer_tiers_remove_the_extra_rows(session: Session) -> None:
    schedule = load_schedule()
    tariff_sync.sync_tariffs(session, schedule)
    short = replace(schedule.versions[0], tiers=[Tier(50, Decimal("1806")), Tier(None, Decimal("1866"))])
    tariff_sync.sync_tariffs(session, replace(schedule, versions=[short, *schedule.versions[1:]]))
    session.expire_all()
    tiers = (
        session.execute(select(TariffTier.tier).join(TariffVersion).where(TariffVersion.code == short.code))
        .scalars()
        .all()
    )
    assert sorted(tiers) == [1, 2]


def test_versions_missing_from_the_file_are_kept(session: Session) -> None:
    schedule = load_schedule()
    tariff_sync.sync_tariffs(session, schedule)
    report = tariff_sync.sync_tariffs(session, replace(schedule, versions=schedule.versions[1:]))
    assert report.versions_not_in_file == 1
    assert len(session.execute(select(TariffVersion)).scalars().all()) == 3


def test_a_price_the_table_cannot_hold_exactly_is_refused(clean_db_url: str) -> None:
    schedule = load_schedule()
    odd = replace(schedule.versions[0], tiers=[Tier(None, Decimal("1806.125"))])
    bad_schedule = replace(schedule, versions=[odd, *schedule.versions[1:]])
    with (
        pytest.raises(tariff_sync.TariffSyncError, match="QD2941-2023 tier 1 price: 1806.125"),
        session_scope(clean_db_url) as session,
    ):
        tariff_sync.sync_tariffs(session, bad_schedule)
    assert stored(clean_db_url) == ({}, [])
