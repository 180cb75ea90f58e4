"""Repository functions: the questions the bot asks of the utility data.

Each takes a ``Session`` first and returns ORM objects (or None / a list). What an
answer needs afterwards is loaded eagerly (invoice lines and reading, a customer's
station and feeder), because sessions end before replies are written.
Customer codes are normalised (upper case, spaces and dashes removed).
Nothing here reads the wall clock: "today" comes from :mod:`bot.clock`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql import Select

from bot import clock
from bot.db.models import (
    ChannelLink,
    Customer,
    DisclosureAudit,
    Incident,
    IncidentStatus,
    IncidentWard,
    Invoice,
    InvoiceStatus,
    MeterReading,
    OutageStatus,
    PlannedOutage,
    PlannedOutageWard,
    Station,
    Ticket,
    TicketCounter,
    TicketKind,
    TicketPriority,
    VerificationAttempt,
    incident_stations,
    planned_outage_stations,
)

TICKET_PREFIX = "SC"

_INVOICE_LOADS = (selectinload(Invoice.lines), selectinload(Invoice.reading))


def normalize_code(code: str) -> str:
    """``"pb 0501-0000001"`` -> ``"PB05010000001"``."""
    return "".join(code.split()).replace("-", "").replace(".", "").upper()


# ----------------------------------------------------------------------- invoices


def invoice_status(invoice: Invoice, today: date | None = None) -> InvoiceStatus:
    """Paid / unpaid / overdue as of ``today`` (default: today in Vietnam).

    Paid once a payment date on or before ``today`` is recorded; otherwise overdue
    from the day after the due date; otherwise unpaid (the due date itself is not late).
    """
    today = today or clock.today()
    if invoice.payment_date is not None and invoice.payment_date <= today:
        return InvoiceStatus.PAID
    if today > invoice.due_date:
        return InvoiceStatus.OVERDUE
    return InvoiceStatus.UNPAID


def _customer_id(code: str):
    """``(SELECT id FROM customers WHERE code = ?)``: with it the planner walks the
    (customer_id, period_end) index backwards instead of joining and sorting."""
    return select(Customer.id).where(Customer.code == normalize_code(code)).scalar_subquery()


def _customer_invoices(code: str) -> Select:
    return select(Invoice).where(Invoice.customer_id == _customer_id(code)).options(*_INVOICE_LOADS)


def latest_invoice_select(code: str) -> Select:
    """The statement behind :func:`latest_invoice` (an index scan on (customer_id, period_end))."""
    return _customer_invoices(code).order_by(Invoice.period_end.desc()).limit(1)


def latest_invoice(session: Session, code: str) -> Invoice | None:
    return session.execute(latest_invoice_select(code)).scalars().first()


def invoices_for_customer(session: Session, code: str, limit: int | None = None) -> list[Invoice]:
    """The customer's invoices, newest first."""
    statement = _customer_invoices(code).order_by(Invoice.period_end.desc()).limit(limit)
    return list(session.execute(statement).scalars())


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following


def invoice_for_month(session: Session, code: str, year: int, month: int) -> Invoice | None:
    """The bill of a month: the invoice whose period ends in it (the last one, if
    the customer is read several times a month)."""
    first, following = _month_bounds(year, month)
    statement = (
        _customer_invoices(code)
        .where(Invoice.period_end >= first, Invoice.period_end < following)
        .order_by(Invoice.period_end.desc())
        .limit(1)
    )
    return session.execute(statement).scalars().first()


def previous_invoice(session: Session, invoice: Invoice) -> Invoice | None:
    """The same customer's invoice just before this one."""
    statement = (
        select(Invoice)
        .where(Invoice.customer_id == invoice.customer_id, Invoice.period_end < invoice.period_end)
        .order_by(Invoice.period_end.desc())
        .limit(1)
        .options(*_INVOICE_LOADS)
    )
    return session.execute(statement).scalars().first()


def same_period_last_year(session: Session, invoice: Invoice) -> Invoice | None:
    """The same customer's invoice whose period ended in the same month a year earlier."""
    first, following = _month_bounds(invoice.period_end.year - 1, invoice.period_end.month)
    statement = (
        select(Invoice)
        .where(
            Invoice.customer_id == invoice.customer_id,
            Invoice.period_end >= first,
            Invoice.period_end < following,
        )
        .order_by(Invoice.period_end.desc())
        .limit(1)
        .options(*_INVOICE_LOADS)
    )
    return session.execute(statement).scalars().first()


def unpaid_invoices(session: Session, code: str, today: date | None = None) -> list[Invoice]:
    """Invoices not paid as of ``today`` (unpaid and overdue), oldest first."""
    today = today or clock.today()
    statement = (
        _customer_invoices(code)
        .where(or_(Invoice.payment_date.is_(None), Invoice.payment_date > today))
        .order_by(Invoice.period_end)
    )
    return list(session.execute(statement).scalars())


# ---------------------------------------------------------------------- customers


def get_customer(session: Session, code: str) -> Customer | None:
    """The customer with this code, with station and feeder loaded."""
    statement = (
        select(Customer)
        .where(Customer.code == normalize_code(code))
        .options(joinedload(Customer.station).joinedload(Station.feeder))
    )
    return session.execute(statement).scalars().first()


def customers_by_phone(session: Session, phone: str) -> list[Customer]:
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    statement = select(Customer).where(Customer.phone == digits).order_by(Customer.code)
    return list(session.execute(statement).scalars())


def latest_reading_select(code: str) -> Select:
    return (
        select(MeterReading)
        .where(MeterReading.customer_id == _customer_id(code))
        .order_by(MeterReading.reading_date.desc())
        .limit(1)
    )


def latest_reading(session: Session, code: str) -> MeterReading | None:
    return session.execute(latest_reading_select(code)).scalars().first()


def readings_for_customer(session: Session, code: str, limit: int | None = None) -> list[MeterReading]:
    """The customer's readings, newest first."""
    statement = (
        select(MeterReading)
        .where(MeterReading.customer_id == _customer_id(code))
        .order_by(MeterReading.reading_date.desc())
        .limit(limit)
    )
    return list(session.execute(statement).scalars())


def get_station(session: Session, code: str) -> Station | None:
    statement = select(Station).where(Station.code == code).options(joinedload(Station.feeder))
    return session.execute(statement).scalars().first()


# ------------------------------------------------------------------------ outages


def _overlapping(start: datetime, end: datetime, include_cancelled: bool) -> list:
    """Outages that are on at some moment of [start, end] (ends_at is exclusive)."""
    conditions = [PlannedOutage.starts_at <= end, PlannedOutage.ends_at > start]
    if not include_cancelled:
        conditions.append(PlannedOutage.status != OutageStatus.CANCELLED.value)
    return conditions


def planned_outages_for_station(
    session: Session,
    station_code: str,
    start: datetime,
    end: datetime,
    include_cancelled: bool = False,
) -> list[PlannedOutage]:
    """Planned outages cutting this station at some moment between start and end
    (pass start == end for "under way at that moment"), earliest first."""
    statement = (
        select(PlannedOutage)
        .join(planned_outage_stations, planned_outage_stations.c.outage_id == PlannedOutage.id)
        .join(Station, Station.id == planned_outage_stations.c.station_id)
        .where(Station.code == station_code, *_overlapping(start, end, include_cancelled))
        .order_by(PlannedOutage.starts_at)
        .options(selectinload(PlannedOutage.stations), selectinload(PlannedOutage.wards))
    )
    return list(session.execute(statement).scalars().unique())


def planned_outages_for_wards(
    session: Session,
    province: str,
    wards: Iterable[str],
    start: datetime,
    end: datetime,
    include_cancelled: bool = False,
) -> list[PlannedOutage]:
    """Planned outages announced for any of these wards/communes of a province."""
    wards = list(wards)
    statement = (
        select(PlannedOutage)
        .join(PlannedOutageWard, PlannedOutageWard.outage_id == PlannedOutage.id)
        .where(
            PlannedOutageWard.province == province,
            PlannedOutageWard.ward.in_(wards),
            *_overlapping(start, end, include_cancelled),
        )
        .order_by(PlannedOutage.starts_at)
        .options(selectinload(PlannedOutage.stations), selectinload(PlannedOutage.wards))
    )
    return list(session.execute(statement).scalars().unique())


def open_incidents_for_station(session: Session, station_code: str) -> list[Incident]:
    statement = (
        select(Incident)
        .join(incident_stations, incident_stations.c.incident_id == Incident.id)
        .join(Station, Station.id == incident_stations.c.station_id)
        .where(Station.code == station_code, Incident.status == IncidentStatus.OPEN.value)
        .order_by(Incident.created_at)
        .options(selectinload(Incident.stations), selectinload(Incident.wards))
    )
    return list(session.execute(statement).scalars().unique())


def open_incidents_for_wards(session: Session, province: str, wards: Iterable[str]) -> list[Incident]:
    statement = (
        select(Incident)
        .join(IncidentWard, IncidentWard.incident_id == Incident.id)
        .where(
            IncidentWard.province == province,
            IncidentWard.ward.in_(list(wards)),
            Incident.status == IncidentStatus.OPEN.value,
        )
        .order_by(Incident.created_at)
        .options(selectinload(Incident.stations), selectinload(Incident.wards))
    )
    return list(session.execute(statement).scalars().unique())


# ------------------------------------------------------------------------ tickets


def next_ticket_number(session: Session, day: date | None = None) -> str:
    """``SC`` + yymmdd + a 4-digit sequence of the day, e.g. ``SC2611270001``.

    Counted in ``ticket_counters`` (a locked row update), so concurrent bots never
    hand out the same number. Part of the caller's transaction.
    """
    day = day or clock.today()
    dialect = session.get_bind().dialect.name
    insert = {"sqlite": sqlite_insert, "postgresql": pg_insert}.get(dialect)
    if insert is None:
        raise NotImplementedError(f"ticket numbers on {dialect}")
    session.execute(
        insert(TicketCounter.__table__).values(day=day, last=0).on_conflict_do_nothing(index_elements=["day"])
    )
    session.execute(
        update(TicketCounter)
        .where(TicketCounter.day == day)
        .values(last=TicketCounter.last + 1)
        .execution_options(synchronize_session=False)
    )
    last = session.execute(select(TicketCounter.last).where(TicketCounter.day == day)).scalar_one()
    return f"{TICKET_PREFIX}{day:%y%m%d}{last:04d}"


def add_ticket(
    session: Session,
    *,
    kind: TicketKind | str,
    summary: str,
    priority: TicketPriority | int = TicketPriority.NORMAL,
    customer_code: str | None = None,
    channel: str | None = None,
    details: str | None = None,
    incident_id: int | None = None,
) -> Ticket:
    """Open a ticket with the next number of today; flushed, so it has its id."""
    ticket = Ticket(
        number=next_ticket_number(session),
        kind=str(TicketKind(kind)),
        priority=int(priority),
        customer_code=normalize_code(customer_code) if customer_code else None,
        channel=channel,
        summary=summary,
        details=details,
        incident_id=incident_id,
    )
    session.add(ticket)
    session.flush()
    return ticket


def get_ticket(session: Session, number: str) -> Ticket | None:
    statement = select(Ticket).where(Ticket.number == number.strip().upper())
    return session.execute(statement).scalars().first()


# ------------------------------------------------- channel links and verification


def linked_customer_codes(session: Session, channel: str, channel_user_id: str) -> list[str]:
    statement = (
        select(ChannelLink.customer_code)
        .where(ChannelLink.channel == channel, ChannelLink.channel_user_id == channel_user_id)
        .order_by(ChannelLink.verified_at)
    )
    return list(session.execute(statement).scalars())


def link_channel(session: Session, channel: str, channel_user_id: str, customer_code: str) -> ChannelLink:
    """Record (or refresh) a verified link between a channel user and a customer code."""
    code = normalize_code(customer_code)
    link = (
        session.execute(
            select(ChannelLink).where(
                ChannelLink.channel == channel,
                ChannelLink.channel_user_id == channel_user_id,
                ChannelLink.customer_code == code,
            )
        )
        .scalars()
        .first()
    )
    if link is None:
        link = ChannelLink(channel=channel, channel_user_id=channel_user_id, customer_code=code)
        session.add(link)
    link.verified_at = clock.now()
    session.flush()
    return link


def record_verification_attempt(
    session: Session, customer_code: str, channel: str, channel_user_id: str, success: bool
) -> VerificationAttempt:
    attempt = VerificationAttempt(
        customer_code=normalize_code(customer_code),
        channel=channel,
        channel_user_id=channel_user_id,
        attempted_at=clock.now(),
        success=success,
    )
    session.add(attempt)
    session.flush()
    return attempt


def failed_verifications_since(session: Session, customer_code: str, since: datetime) -> int:
    """Failed attempts on this code, from any channel, since ``since`` (for lockout)."""
    statement = select(func.count(VerificationAttempt.id)).where(
        and_(
            VerificationAttempt.customer_code == normalize_code(customer_code),
            VerificationAttempt.attempted_at >= since,
            VerificationAttempt.success.is_(False),
        )
    )
    return int(session.execute(statement).scalar_one())


def hash_channel_user(channel: str, channel_user_id: str) -> str:
    return hashlib.sha256(f"{channel}:{channel_user_id}".encode()).hexdigest()


def record_disclosure(
    session: Session, customer_code: str, channel: str, channel_user_id: str, disclosed: str
) -> DisclosureAudit:
    """Audit that account data (``disclosed``, e.g. "invoice 10/2026") was shown."""
    entry = DisclosureAudit(
        at=clock.now(),
        customer_code=normalize_code(customer_code),
        channel=channel,
        channel_user_hash=hash_channel_user(channel, channel_user_id),
        disclosed=disclosed,
    )
    session.add(entry)
    session.flush()
    return entry
