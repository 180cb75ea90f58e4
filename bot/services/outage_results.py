"""What outage reports and restore questions return: typed results and the report itself.

Shared by :mod:`bot.services.outage_reports` (checks and recording),
:mod:`bot.services.restore` and the wording (:mod:`bot.wording.outage_report`,
:mod:`bot.wording.restore`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from bot.db.models import Incident, Ticket
from bot.domain import places
from bot.services.crew_tickets import respond_by
from bot.services.verification import Requester

REPORTS_INCIDENT_PREFIX = "BC"  # incidents opened from customers' reports: BC + ticket digits


class Scope(enum.StrEnum):
    HOUSE = "house"  # only this house
    AREA = "area"  # the street, the neighbourhood


class Breaker(enum.StrEnum):
    STILL_DARK = "still_dark"  # breaker checked, still no power
    BACK = "back"  # power back after resetting the breaker


class Verdict(enum.StrEnum):
    SUSPENDED = "suspended"
    PLANNED = "planned"
    INCIDENT = "incident"
    REPORTED = "reported"  # already reported: an open ticket
    NONE = "none"  # nothing known: ask scope, breaker, since, then record


class Outcome(enum.StrEnum):
    SUSPENDED = "suspended"
    PLANNED = "planned"
    INCIDENT = "incident"  # linked to a known incident (or was already)
    REPORTED = "reported"
    BREAKER_OK = "breaker_ok"  # power came back after the breaker: nothing recorded
    TICKET = "ticket"  # a new ticket
    GROUPED = "grouped"  # this report and earlier ones became one incident


@dataclass(frozen=True)
class Target:
    """Who reports: a customer (by code) or a place (one or more current wards, or an
    address in no ward the gazetteer knows: ``place``, as written)."""

    customer_code: str | None = None
    area: places.Area | None = None
    place: str | None = None


@dataclass(frozen=True)
class IncidentInfo:
    code: str
    cause: str
    started_at: datetime | None
    expected_restoration_at: datetime | None
    from_reports: bool  # opened from customers' reports (no cause known yet)


@dataclass(frozen=True)
class PlannedInfo:
    starts_at: datetime
    ends_at: datetime
    reason: str


@dataclass(frozen=True)
class TicketInfo:
    number: str
    created_at: datetime
    status: str
    location: str | None = None  # where the crew goes (bot.services.crew_tickets)
    callback_phone: str | None = None  # the mobile number to call back (shown masked)
    started_at: datetime | None = None  # since when, as best known
    respond_by: datetime | None = None  # acted on at the latest (operator's setting), or None


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    suspended_at: datetime | None = None
    planned: PlannedInfo | None = None
    incident: IncidentInfo | None = None
    ticket: TicketInfo | None = None


@dataclass(frozen=True)
class Report:
    target: Target
    channel: str
    scope: Scope | None = None
    breaker: Breaker | None = None
    since: str | None = None  # as the customer said it, for the operators
    started_at: datetime | None = None  # since when, resolved against the clock (best known)
    location: str | None = None  # address or landmark as written; None: the code's registered address
    callback_phone: str | None = None  # a Vietnamese mobile number to call back
    previous_ticket: str | None = None  # a ticket this conversation already opened
    # Who reports: the ticket remembers them (they may look it up), and the
    # customer's own account facts (a suspended supply) are checked only when they
    # are verified for the code (bot.services.verification.Requester).
    requester: Requester | None = None


@dataclass(frozen=True)
class ReportResult:
    outcome: Outcome
    assessment: Assessment
    ticket: TicketInfo | None = None
    incident: IncidentInfo | None = None
    already_linked: bool = False  # the customer had already reported this incident


def incident_info(incident: Incident) -> IncidentInfo:
    return IncidentInfo(
        code=incident.code,
        cause=incident.cause or "",
        started_at=incident.started_at,
        expected_restoration_at=incident.expected_restoration_at,
        from_reports=incident.code.startswith(REPORTS_INCIDENT_PREFIX),
    )


def ticket_info(ticket: Ticket) -> TicketInfo:
    return TicketInfo(
        ticket.number,
        ticket.created_at,
        ticket.status,
        location=ticket.location,
        callback_phone=ticket.callback_phone,
        started_at=ticket.started_at,
        respond_by=respond_by(ticket.kind, ticket.priority, ticket.created_at),
    )
