"""Customer offices (phòng giao dịch): where customers go in person, and when.

One row per office of a district branch (``managing_unit``: the first 6 characters of
its customers' codes, e.g. ``PB0501``). ``opening_hours`` is written as staff write it
(``"T2-T6 07:00-11:30,13:00-17:00; T7 07:00-11:30"``, :mod:`bot.domain.hours`).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String

from bot.db.models.base import Base


class Office(Base):
    __tablename__ = "offices"
    __table_args__ = (Index("ix_offices_province_ward", "province", "ward"),)

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False, unique=True)  # e.g. PB0501-GD1
    name = Column(String(200), nullable=False)
    managing_unit = Column(String(6), nullable=False, index=True)
    province = Column(String(100), nullable=False)  # current (2025) province
    ward = Column(String(100), nullable=False)  # current ward/commune of the office
    address = Column(String(300), nullable=False)  # street part
    opening_hours = Column(String(200), nullable=False)

    def __repr__(self) -> str:
        return f"<Office {self.code}>"
