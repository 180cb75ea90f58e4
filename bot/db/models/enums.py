"""Enumerations stored as strings (and the ticket priority as an integer)."""

from __future__ import annotations

import enum


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:
        return str(self.value)


class TariffGroup(StrEnum):
    RESIDENTIAL = "residential"
    BUSINESS = "business"


class SupplyStatus(StrEnum):
    NORMAL = "normal"
    SUSPENDED = "suspended"


class ReadingSource(StrEnum):
    READ = "read"
    ESTIMATED = "estimated"


class OutageStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class IncidentStatus(StrEnum):
    OPEN = "open"
    RESTORED = "restored"


class TicketKind(StrEnum):
    OUTAGE = "outage"
    COMPLAINT = "complaint"
    HAZARD = "hazard"
    RECHECK = "recheck"
    REQUEST = "request"


class TicketStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketPriority(enum.IntEnum):
    """Lower is more urgent; the agents' queue sorts ascending."""

    URGENT = 1
    HIGH = 2
    NORMAL = 3
    LOW = 4
