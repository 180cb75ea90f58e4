"""Feeders and transformer stations."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import relationship

from bot.db.models.base import Base


class Feeder(Base):
    """A medium-voltage feeder (xuất tuyến / lộ ra) that supplies transformer stations."""

    __tablename__ = "feeders"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    substation = Column(String(200))  # the 110 kV substation it leaves from
    managing_unit = Column(String(6))

    stations = relationship("Station", back_populates="feeder")


class Station(Base):
    """A distribution transformer station (trạm biến áp) feeding customers."""

    __tablename__ = "stations"

    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    feeder_id = Column(ForeignKey("feeders.id"), index=True)
    province = Column(String(100))
    ward = Column(String(100))
    managing_unit = Column(String(6))

    feeder = relationship("Feeder", back_populates="stations")
    customers = relationship("Customer", back_populates="station")
