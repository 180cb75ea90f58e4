"""Operators' planned outages: add, move, cancel, list, show.

Used by ``python -m bot outage`` (:mod:`bot.cli.outage`). The CSV import
(``python -m bot import outages``) loads the same table in bulk. Subscribers hear of
every change through :mod:`bot.services.notice_sync` (the command queues the notices
in the same transaction; the notifier would find the change on its next round anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot import clock
from bot.db.models import OutageStatus, PlannedOutage, PlannedOutageWard
from bot.db.uow import UnitOfWork

CODE_PREFIX = "KH"  # planned outages added by operators: KH-yymmdd-NNNN (day of the start)
MAX_REASON = 1000


class OutageError(LookupError):
    """An operator's request that cannot be done; ``args[0]`` says what was asked."""


class UnknownOutage(OutageError):
    pass


class UnknownStation(OutageError):
    pass


class DuplicateOutage(OutageError):
    pass


class BadOutage(OutageError):
    """Times in the wrong order or in the past, no area, an empty reason..."""


class AlreadyCancelled(OutageError):
    pass


@dataclass(frozen=True)
class PlannedView:
    code: str
    status: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    area: str | None
    stations: tuple[tuple[str, str], ...]  # (code, name)
    wards: tuple[tuple[str, str], ...]  # (ward, province)
    announced_at: datetime | None


def view(outage: PlannedOutage) -> PlannedView:
    return PlannedView(
        code=outage.code,
        status=outage.status,
        starts_at=outage.starts_at,
        ends_at=outage.ends_at,
        reason=outage.reason,
        area=outage.area,
        stations=tuple((s.code, s.name) for s in outage.stations),
        wards=tuple((w.ward, w.province) for w in outage.wards),
        announced_at=outage.announced_at,
    )


def _outage(uow: UnitOfWork, code: str) -> PlannedOutage:
    outage = uow.outages.planned(code)
    if outage is None:
        raise UnknownOutage(code)
    return outage


def _check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    if ends_at <= starts_at:
        raise BadOutage("the end must be after the start")
    if ends_at <= now:
        raise BadOutage("the outage would already be over")


def _next_code(uow: UnitOfWork, starts_at: datetime) -> str:
    prefix = f"{CODE_PREFIX}-{starts_at.astimezone(clock.VN_TZ):%y%m%d}-"
    numbers = [
        int(code[len(prefix) :])
        for code in uow.outages.planned_codes_starting(prefix)
        if code[len(prefix) :].isdecimal()
    ]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def add_outage(
    uow: UnitOfWork,
    *,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    stations: Sequence[str] = (),
    wards: Sequence[str] = (),
    province: str | None = None,
    area: str | None = None,
    code: str | None = None,
    now: datetime | None = None,
) -> PlannedView:
    """A new scheduled outage on these stations and/or wards (of ``province``).

    Without wards, the wards of the stations are recorded too, so that customers whose
    station is not known (matched by ward) and questions about a place find it.
    """
    now = now or clock.now()
    _check_times(starts_at, ends_at, now)
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_REASON:
        raise BadOutage(f"the reason must be 1-{MAX_REASON} characters")
    if not stations and not wards:
        raise BadOutage("an outage needs stations or wards")
    if wards and not (province or "").strip():
        raise BadOutage("wards need their province")
    found = []
    for station_code in dict.fromkeys(s.strip() for s in stations):
        station = uow.customers.station(station_code)
        if station is None:
            raise UnknownStation(station_code)
        found.append(station)
    code = (code or "").strip() or _next_code(uow, starts_at)
    if len(code) > 32:
        raise BadOutage("the code is longer than 32 characters")
    if uow.outages.planned(code) is not None:
        raise DuplicateOutage(code)
    outage = PlannedOutage(
        code=code,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
        area=(area or "").strip() or "; ".join(s.name for s in found) or None,
        announced_at=now,
        status=OutageStatus.SCHEDULED.value,
    )
    outage.stations.extend(found)
    if wards:
        pairs = [((province or "").strip(), w.strip()) for w in wards if w.strip()]
    else:
        pairs = [(s.province, s.ward) for s in found if s.province and s.ward]
    for ward_province, ward in dict.fromkeys(pairs):
        outage.wards.append(PlannedOutageWard(province=ward_province, ward=ward))
    if outage.area is None:
        outage.area = "; ".join(f"{ward}, {ward_province}" for ward_province, ward in dict.fromkeys(pairs))
    uow.outages.add_planned(outage)
    return view(outage)


def move_outage(
    uow: UnitOfWork, code: str, starts_at: datetime, ends_at: datetime, now: datetime | None = None
) -> PlannedView:
    """New times for a scheduled outage (a cancelled one is added again instead)."""
    outage = _outage(uow, code)
    if outage.status == OutageStatus.CANCELLED.value:
        raise AlreadyCancelled(outage.code)
    _check_times(starts_at, ends_at, now or clock.now())
    outage.starts_at, outage.ends_at = starts_at, ends_at
    uow.flush()
    return view(outage)


def cancel_outage(uow: UnitOfWork, code: str) -> PlannedView:
    outage = _outage(uow, code)
    if outage.status == OutageStatus.CANCELLED.value:
        raise AlreadyCancelled(outage.code)
    outage.status = OutageStatus.CANCELLED.value
    uow.flush()
    return view(outage)


def list_outages(
    uow: UnitOfWork, include_past: bool = False, limit: int = 50, now: datetime | None = None
) -> list[PlannedView]:
    """Planned outages by start: those not over yet (all with ``include_past``)."""
    ending_after = None if include_past else (now or clock.now())
    return [view(o) for o in uow.outages.planned_list(ending_after, limit)]


def outage_detail(uow: UnitOfWork, code: str) -> PlannedView:
    return view(_outage(uow, code))
