"""The utility's data: customers, readings, invoices, tariffs, outages, tickets, links,
security (guards, rate counters, alerts, one-time codes, SMS outbox), what the chat
channels keep (sessions, webhook inbox, outbox, tokens), and outage notices
(subscriptions, announced events, the notice outbox).

SQLAlchemy 1.4 classic declarative mapping (``declarative_base`` + ``Column``).
Conventions:
- money is whole đồng in ``Money`` columns (BIGINT); prices and rates are exact
  decimals (``ExactDecimal``: NUMERIC on PostgreSQL, a scaled integer on SQLite,
  which has no exact decimal type);
- kWh and meter indexes are integers; dates are ``Date``;
- timestamps are ``AwareDateTime``: stored in UTC, read back in Vietnam time;
- an invoice's paid / unpaid / overdue status is not stored: it follows from its
  dates and the clock (:func:`bot.domain.billing.invoice_status`).
Every schema change needs a migration in ``bot/db/migrations/versions``.
"""

from bot.db.models.base import AwareDateTime, Base, ExactDecimal, Money, metadata
from bot.db.models.channels import ChannelInboxEvent, ChannelOutboxMessage, ChannelSession, ChannelToken
from bot.db.models.customers import Customer, MeterReading
from bot.db.models.desk import (
    OPEN_HANDOFF_STATES,
    AgentRole,
    CallbackStatus,
    Delivery,
    DeskAgent,
    DeskBrokerCursor,
    DeskDisclosure,
    DeskLoginAttempt,
    DeskSession,
    DeskSetting,
    Handoff,
    HandoffCallback,
    HandoffMessage,
    HandoffOutcome,
    HandoffRating,
    HandoffReason,
    HandoffStatus,
    MessageDirection,
)
from bot.db.models.enums import (
    IncidentStatus,
    OutageStatus,
    ReadingSource,
    StrEnum,
    SupplyStatus,
    TariffGroup,
    TicketKind,
    TicketPriority,
    TicketStatus,
)
from bot.domain.billing import InvoiceStatus  # derived from dates, never stored
from bot.db.models.identity import ChannelLink, DisclosureAudit, VerificationAttempt
from bot.db.models.invoices import Invoice, InvoiceLine
from bot.db.models.network import Feeder, Station
from bot.db.models.notices import NoticeEvent, NoticeOutboxRow, NoticeSubscription
from bot.db.models.offices import Office
from bot.db.models.outages import (
    Incident,
    IncidentWard,
    PlannedOutage,
    PlannedOutageWard,
    incident_stations,
    planned_outage_stations,
)
from bot.db.models.security import CodeGuard, OneTimeCode, RateEvent, SecurityAlert, SmsOutbox
from bot.db.models.tariffs import TariffTier, TariffVersion, VatPeriod
from bot.db.models.tickets import OutageReport, Ticket, TicketCounter

__all__ = [
    "AwareDateTime",
    "Base",
    "ExactDecimal",
    "Money",
    "metadata",
    "StrEnum",
    "TariffGroup",
    "SupplyStatus",
    "ReadingSource",
    "InvoiceStatus",
    "OutageStatus",
    "IncidentStatus",
    "TicketKind",
    "TicketStatus",
    "TicketPriority",
    "Feeder",
    "Station",
    "Customer",
    "MeterReading",
    "Invoice",
    "InvoiceLine",
    "TariffVersion",
    "TariffTier",
    "VatPeriod",
    "planned_outage_stations",
    "PlannedOutage",
    "PlannedOutageWard",
    "incident_stations",
    "Incident",
    "IncidentWard",
    "Ticket",
    "TicketCounter",
    "OutageReport",
    "ChannelLink",
    "VerificationAttempt",
    "DisclosureAudit",
    "OPEN_HANDOFF_STATES",
    "AgentRole",
    "CallbackStatus",
    "Delivery",
    "DeskAgent",
    "DeskBrokerCursor",
    "DeskDisclosure",
    "DeskLoginAttempt",
    "DeskSession",
    "DeskSetting",
    "Handoff",
    "HandoffCallback",
    "HandoffMessage",
    "HandoffOutcome",
    "HandoffRating",
    "HandoffReason",
    "HandoffStatus",
    "MessageDirection",
    "CodeGuard",
    "RateEvent",
    "SecurityAlert",
    "OneTimeCode",
    "SmsOutbox",
    "ChannelSession",
    "ChannelInboxEvent",
    "ChannelOutboxMessage",
    "ChannelToken",
    "NoticeSubscription",
    "NoticeEvent",
    "NoticeOutboxRow",
    "Office",
]
