"""Planned outages and incidents, with the wards they touch."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import relationship

from bot.db.models.base import AwareDateTime, Base, metadata
from bot.db.models.base import in_values as _in
from bot.db.models.base import now as _now
from bot.db.models.enums import IncidentStatus, OutageStatus

planned_outage_stations = Table(
    "planned_outage_stations",
    metadata,
    Column("outage_id", ForeignKey("planned_outages.id", ondelete="CASCADE"), primary_key=True),
    Column("station_id", ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_planned_outage_stations_station_id", "station_id"),
)


class PlannedOutage(Base):
    """A planned outage (ngừng/giảm cung cấp điện có kế hoạch), announced ahead."""

    __tablename__ = "planned_outages"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="time_order"),
        CheckConstraint(_in("status", OutageStatus), name="status_values"),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)  # natural key for imports
    starts_at = Column(AwareDateTime, nullable=False, index=True)
    ends_at = Column(AwareDateTime, nullable=False)
    reason = Column(Text, nullable=False)
    area = Column(Text)  # the area as announced, for notices
    announced_at = Column(AwareDateTime)
    status = Column(String(20), nullable=False, default=OutageStatus.SCHEDULED.value)

    stations = relationship("Station", secondary=planned_outage_stations)
    wards = relationship("PlannedOutageWard", cascade="all, delete-orphan", passive_deletes=True)


class PlannedOutageWard(Base):
    __tablename__ = "planned_outage_wards"
    __table_args__ = (Index("ix_planned_outage_wards_province_ward", "province", "ward"),)

    outage_id = Column(ForeignKey("planned_outages.id", ondelete="CASCADE"), primary_key=True)
    province = Column(String(100), primary_key=True)
    ward = Column(String(100), primary_key=True)


incident_stations = Table(
    "incident_stations",
    metadata,
    Column("incident_id", ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True),
    Column("station_id", ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_incident_stations_station_id", "station_id"),
)


class Incident(Base):
    """An unplanned outage (sự cố) known to the utility."""

    __tablename__ = "incidents"
    __table_args__ = (CheckConstraint(_in("status", IncidentStatus), name="status_values"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    cause = Column(Text)
    area = Column(Text)
    status = Column(String(20), nullable=False, default=IncidentStatus.OPEN.value, index=True)
    started_at = Column(AwareDateTime)
    expected_restoration_at = Column(AwareDateTime)
    restored_at = Column(AwareDateTime)
    created_at = Column(AwareDateTime, nullable=False, default=_now)

    stations = relationship("Station", secondary=incident_stations)
    wards = relationship("IncidentWard", cascade="all, delete-orphan", passive_deletes=True)


class IncidentWard(Base):
    __tablename__ = "incident_wards"
    __table_args__ = (Index("ix_incident_wards_province_ward", "province", "ward"),)

    incident_id = Column(ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True)
    province = Column(String(100), primary_key=True)
    ward = Column(String(100), primary_key=True)
