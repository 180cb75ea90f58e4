"""The customer's account as an agent sees it beside the conversation: latest invoice, debt,
open tickets, incidents and planned outages, supply status.

Agents are the utility's staff: no customer verification, but every look is audited with
the agent's id (``desk_disclosures``), the customer code and the handoff. The figures come
from the same queries and services as the bot's answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot import clock
from bot.db.models import DeskDisclosure, InvoiceStatus, SupplyStatus
from bot.db.uow import UnitOfWork
from bot.domain.billing import invoice_status
from bot.services import outage, restore

SUSPENDED = SupplyStatus.SUSPENDED.value
DISCLOSED = "desk account summary: customer, latest invoice, debt, tickets, incidents, supply"


@dataclass(frozen=True)
class InvoiceLine:
    period_start: date
    period_end: date
    kwh: int
    total: int
    due_date: date
    status: str  # paid / unpaid / overdue
    payment_date: date | None


@dataclass(frozen=True)
class TicketLine:
    number: str
    kind: str
    status: str
    summary: str
    created_at: datetime


@dataclass(frozen=True)
class AccountSummary:
    code: str
    name: str
    phone: str | None
    address: str
    tariff_group: str
    households: int
    station: str | None
    latest_invoice: InvoiceLine | None
    unpaid: list[InvoiceLine]
    debt_total: int
    overdue_total: int
    tickets: list[TicketLine]
    supply: str  # restore.Status value: nothing, suspended, planned, incident, ...
    supply_since: datetime | None
    incident_code: str | None
    incident_expected: datetime | None
    planned: list[outage.OutageItem]


def _line(invoice: Any, today: date) -> InvoiceLine:
    return InvoiceLine(
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        kwh=invoice.kwh,
        total=invoice.total,
        due_date=invoice.due_date,
        status=invoice_status(invoice, today).value,
        payment_date=invoice.payment_date,
    )


def account_summary(
    uow: UnitOfWork, code: str, agent_id: int, handoff_id: int | None = None, now: datetime | None = None
) -> AccountSummary | None:
    """The account of ``code`` for an agent (audited); None when there is no such customer."""
    now = now or clock.now()
    today = now.date()
    customer = uow.customers.get(code)
    if customer is None:
        return None
    latest = uow.invoices.latest(customer.code)
    unpaid = [_line(i, today) for i in uow.invoices.unpaid(customer.code, today)]
    tickets = uow.handoffs.open_tickets_of(customer.code, 10)
    # Staff see the account as it is (a suspension included); the area's facts (planned
    # outage, incident, restored) come from the same service as the bot's answers.
    status = restore.for_customer(uow, customer.code, now=now)
    schedule = outage.schedule_for_customer(uow, customer, outage.next_days(today))
    suspended = customer.supply_status == SupplyStatus.SUSPENDED.value
    uow.desk.add_disclosure(agent_id, customer.code, handoff_id, DISCLOSED, now)
    incident = status.incident if status is not None else None
    return AccountSummary(
        code=customer.code,
        name=customer.name,
        phone=customer.phone,
        address=", ".join(p for p in (customer.address, customer.ward, customer.province) if p),
        tariff_group=customer.tariff_group,
        households=customer.households,
        station=f"{customer.station.code} – {customer.station.name}"
        if customer.station is not None
        else None,
        latest_invoice=_line(latest, today) if latest is not None else None,
        unpaid=unpaid,
        debt_total=sum(i.total for i in unpaid),
        overdue_total=sum(i.total for i in unpaid if i.status == InvoiceStatus.OVERDUE.value),
        tickets=[TicketLine(t.number, t.kind, t.status, t.summary, t.created_at) for t in tickets],
        supply=SUSPENDED if suspended else (status.status.value if status is not None else "nothing"),
        supply_since=customer.suspended_at
        if suspended
        else (status.restored_at if status is not None else None),
        incident_code=incident.code if incident is not None else None,
        incident_expected=incident.expected_restoration_at if incident is not None else None,
        planned=list(schedule.items),
    )


def disclosures_for(uow: UnitOfWork, code: str, limit: int = 50) -> list[DeskDisclosure]:
    return uow.desk.disclosures_for(code, limit)
