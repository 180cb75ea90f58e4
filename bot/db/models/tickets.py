"""Tickets, their counter, and customers' outage reports."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import relationship

from bot.db.models.base import AwareDateTime, Base
from bot.db.models.base import in_values as _in
from bot.db.models.base import now as _now
from bot.db.models.enums import TicketKind, TicketPriority, TicketStatus


class Ticket(Base):
    """A case for the utility's staff; ``number`` is what the customer quotes."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_in("kind", TicketKind), name="kind_values"),
        CheckConstraint(_in("status", TicketStatus), name="status_values"),
        Index("ix_tickets_status_priority", "status", "priority", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(16), nullable=False, unique=True)  # e.g. SC-K7Q4-M2XP (older: SC2611270001)
    kind = Column(String(20), nullable=False)
    priority = Column(SmallInteger, nullable=False, default=int(TicketPriority.NORMAL))
    status = Column(String(20), nullable=False, default=TicketStatus.OPEN.value)
    customer_code = Column(String(13), index=True)  # as given; may not be a known customer
    channel = Column(String(20))
    # sha256 of the requester who opened it (channel + user id): they may look it up
    # without verification (bot.services.ticket_access); NULL for older tickets.
    requester_hash = Column(String(64))
    summary = Column(Text, nullable=False)
    details = Column(Text)
    incident_id = Column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    # What a crew needs (outage and hazard tickets; bot.services.crew_tickets refuses one
    # without a location): where, as the customer wrote it or the registered address; the
    # number to call back (a validated mobile); when the outage started, as best known.
    location = Column(Text)
    callback_phone = Column(String(15))
    started_at = Column(AwareDateTime)
    created_at = Column(AwareDateTime, nullable=False, default=_now)
    updated_at = Column(AwareDateTime, nullable=False, default=_now, onupdate=_now)

    incident = relationship("Incident")


class TicketCounter(Base):
    """Last ticket number issued per day, so concurrent bots never share a number."""

    __tablename__ = "ticket_counters"

    day = Column(Date, primary_key=True)
    last = Column(Integer, nullable=False, default=0)


class OutageReport(Base):
    """A customer's "no power" report, by customer or by place."""

    __tablename__ = "outage_reports"
    __table_args__ = (
        CheckConstraint(
            "customer_id IS NOT NULL OR ward IS NOT NULL OR place IS NOT NULL",
            name="customer_or_place",
        ),
    )

    id = Column(Integer, primary_key=True)
    customer_id = Column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    province = Column(String(100))
    ward = Column(String(100))
    place = Column(Text)  # free text as the customer wrote it
    channel = Column(String(20), nullable=False)
    reported_at = Column(AwareDateTime, nullable=False, default=_now, index=True)
    incident_id = Column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)
    ticket_id = Column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)

    customer = relationship("Customer")
    incident = relationship("Incident")
    ticket = relationship("Ticket")
