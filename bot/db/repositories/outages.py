"""Planned outages, incidents and customers' outage reports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from bot.db.models import (
    Customer,
    Incident,
    IncidentStatus,
    IncidentWard,
    OutageReport,
    OutageStatus,
    PlannedOutage,
    PlannedOutageWard,
    Station,
    incident_stations,
    planned_outage_stations,
)
from bot.db.repositories.base import Repository

_PLANNED_LOADS = (selectinload(PlannedOutage.stations), selectinload(PlannedOutage.wards))
_INCIDENT_LOADS = (selectinload(Incident.stations), selectinload(Incident.wards))


def _overlapping(start: datetime, end: datetime, include_cancelled: bool) -> list:
    """Outages that are on at some moment of [start, end] (ends_at is exclusive)."""
    conditions = [PlannedOutage.starts_at <= end, PlannedOutage.ends_at > start]
    if not include_cancelled:
        conditions.append(PlannedOutage.status != OutageStatus.CANCELLED.value)
    return conditions


class OutageRepository(Repository):
    # --------------------------------------------------------------- planned

    def planned_for_station(
        self, station_code: str, start: datetime, end: datetime, include_cancelled: bool = False
    ) -> list[PlannedOutage]:
        """Planned outages cutting this station at some moment between start and end
        (pass start == end for "under way at that moment"), earliest first."""
        statement = (
            select(PlannedOutage)
            .join(planned_outage_stations, planned_outage_stations.c.outage_id == PlannedOutage.id)
            .join(Station, Station.id == planned_outage_stations.c.station_id)
            .where(Station.code == station_code, *_overlapping(start, end, include_cancelled))
            .order_by(PlannedOutage.starts_at)
            .options(*_PLANNED_LOADS)
        )
        return list(self.session.execute(statement).scalars().unique())

    def planned_for_wards(
        self,
        province: str,
        wards: Iterable[str],
        start: datetime,
        end: datetime,
        include_cancelled: bool = False,
    ) -> list[PlannedOutage]:
        """Planned outages announced for any of these wards/communes of a province."""
        statement = (
            select(PlannedOutage)
            .join(PlannedOutageWard, PlannedOutageWard.outage_id == PlannedOutage.id)
            .where(
                PlannedOutageWard.province == province,
                PlannedOutageWard.ward.in_(list(wards)),
                *_overlapping(start, end, include_cancelled),
            )
            .order_by(PlannedOutage.starts_at)
            .options(*_PLANNED_LOADS)
        )
        return list(self.session.execute(statement).scalars().unique())

    # ------------------------------------------------------------- incidents

    def open_incidents_for_station(self, station_code: str) -> list[Incident]:
        statement = (
            select(Incident)
            .join(incident_stations, incident_stations.c.incident_id == Incident.id)
            .join(Station, Station.id == incident_stations.c.station_id)
            .where(Station.code == station_code, Incident.status == IncidentStatus.OPEN.value)
            .order_by(Incident.created_at)
            .options(*_INCIDENT_LOADS)
        )
        return list(self.session.execute(statement).scalars().unique())

    def open_incidents_for_wards(self, province: str, wards: Iterable[str]) -> list[Incident]:
        statement = (
            select(Incident)
            .join(IncidentWard, IncidentWard.incident_id == Incident.id)
            .where(
                IncidentWard.province == province,
                IncidentWard.ward.in_(list(wards)),
                Incident.status == IncidentStatus.OPEN.value,
            )
            .order_by(Incident.created_at)
            .options(*_INCIDENT_LOADS)
        )
        return list(self.session.execute(statement).scalars().unique())

    def restored_on_station_between(
        self, station_id: int, since: datetime, until: datetime
    ) -> Incident | None:
        """The incident on this station restored last within [since, until]."""
        statement = (
            select(Incident)
            .join(incident_stations, incident_stations.c.incident_id == Incident.id)
            .where(
                incident_stations.c.station_id == station_id,
                Incident.status == IncidentStatus.RESTORED.value,
                Incident.restored_at >= since,
                Incident.restored_at <= until,
            )
            .order_by(Incident.restored_at.desc())
            .limit(1)
        )
        return self.session.execute(statement).scalars().first()

    def incident(self, code: str) -> Incident | None:
        """The incident with this code, stations and wards loaded."""
        statement = select(Incident).where(Incident.code == code.strip()).options(*_INCIDENT_LOADS)
        return self.session.execute(statement).scalars().first()

    def incidents(
        self, include_restored: bool = False, station_code: str | None = None, limit: int = 50
    ) -> list[Incident]:
        """Incidents, newest first: open ones only unless ``include_restored``."""
        statement = (
            select(Incident).options(selectinload(Incident.stations)).order_by(Incident.created_at.desc())
        )
        if not include_restored:
            statement = statement.where(Incident.status == IncidentStatus.OPEN.value)
        if station_code:
            statement = (
                statement.join(incident_stations, incident_stations.c.incident_id == Incident.id)
                .join(Station, Station.id == incident_stations.c.station_id)
                .where(Station.code == station_code)
            )
        return list(self.session.execute(statement.limit(limit)).scalars().unique())

    def incident_codes_starting(self, prefix: str) -> list[str]:
        statement = select(Incident.code).where(Incident.code.like(f"{prefix}%"))
        return list(self.session.execute(statement).scalars())

    def add_incident(self, incident: Incident) -> Incident:
        """Store a new incident (with its stations and wards); flushed, so it has its id."""
        self.session.add(incident)
        self.session.flush()
        return incident

    # --------------------------------------------------------------- reports

    def report_counts(self, incident_ids: list[int]) -> dict[int, int]:
        """How many customers' reports each incident has."""
        if not incident_ids:
            return {}
        statement = (
            select(OutageReport.incident_id, func.count(OutageReport.id))
            .where(OutageReport.incident_id.in_(incident_ids))
            .group_by(OutageReport.incident_id)
        )
        return dict(self.session.execute(statement).all())

    def has_customer_report(self, customer_id: int, incident_id: int) -> bool:
        statement = select(OutageReport.id).where(
            OutageReport.customer_id == customer_id, OutageReport.incident_id == incident_id
        )
        return self.session.execute(statement.limit(1)).first() is not None

    def ungrouped_reports_since(
        self,
        since: datetime,
        *,
        station_id: int | None = None,
        province: str | None = None,
        ward: str | None = None,
        except_customer_id: int | None = None,
    ) -> list[OutageReport]:
        """Reports since ``since`` that opened a ticket and are not part of an incident:
        of customers fed by the station, or (no station) reports by place in the ward."""
        conditions = [
            OutageReport.reported_at >= since,
            OutageReport.incident_id.is_(None),
            OutageReport.ticket_id.is_not(None),
        ]
        if station_id is not None:
            same = select(Customer.id).where(Customer.station_id == station_id)
            conditions.append(OutageReport.customer_id.in_(same))
        else:
            conditions += [
                OutageReport.customer_id.is_(None),
                OutageReport.province == province,
                OutageReport.ward == ward,
            ]
        if except_customer_id is not None:
            conditions.append(OutageReport.customer_id != except_customer_id)
        statement = select(OutageReport).where(*conditions).order_by(OutageReport.reported_at)
        return list(self.session.execute(statement).scalars())

    def add_report(self, report: OutageReport) -> OutageReport:
        self.session.add(report)
        self.session.flush()
        return report

    def lock_station(self, station_id: int) -> None:
        """Serialise writers on one station until the transaction ends: a no-op update
        takes the row lock on PostgreSQL and the write lock on SQLite."""
        self.session.execute(
            update(Station)
            .where(Station.id == station_id)
            .values(code=Station.code)
            .execution_options(synchronize_session=False)
        )
