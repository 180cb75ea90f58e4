"""Each demo customer's readings and invoices over 24 months, billed by the tariff engine."""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.db.models import (
    ReadingSource,
    SupplyStatus,
    TariffGroup,
)
from bot.demo.base import SEASON, DemoConfig, at_time, made_at, reading_dates
from bot.demo.customers import CustomerPlan
from bot.demo.fixtures import PinnedPeriod
from bot.domain.tariff import compute_bill, days_in_month_before, load_schedule
from bot.importer.bulk import invoice_line_rows
from bot.importer.invoices import PAYMENT_TERM_DAYS


class BillCache:
    """The tariff engine's bills, memoised: many customers share a cycle and a kWh.

    A period with no tariff or VAT change inside is billed by the engine from N (its
    days), T (days of the month before the reading date), households and the version
    and rate in force (DOMAIN.md): such bills are shared by that key, whatever the
    dates. The demo only reads lines, widths and amounts of a bill, never its dates
    unless the period is split (and split periods are keyed by their dates).
    """

    def __init__(self, schedule: Any | None = None) -> None:
        self._schedule = schedule or load_schedule()
        self._compute = compute_bill
        self._t_days = days_in_month_before
        changes: set[date] = set()
        for version in self._schedule.versions:
            changes.add(version.effective_from)
            if version.effective_to is not None:
                changes.add(version.effective_to + timedelta(days=1))
        for period in self._schedule.vat_periods:
            changes.add(period.start)
            if period.end is not None:
                changes.add(period.end + timedelta(days=1))
        self._changes = sorted(changes)
        self.first_day = self._schedule.versions[0].effective_from  # no price before it
        self._in_force: dict[date, tuple[str, Any]] = {}
        self._t_by_end: dict[date, int] = {}
        self._bills: dict[tuple, Any] = {}
        self.computed = 0

    def key(self, kwh: int, start: date, end: date, households: int) -> tuple:
        index = bisect.bisect_right(self._changes, start)
        if index < len(self._changes) and self._changes[index] <= end:
            return ("split", kwh, start, end, households)
        in_force = self._in_force.get(start)
        if in_force is None:
            in_force = (self._schedule.version_on(start).code, self._schedule.vat_rate_on(start))
            self._in_force[start] = in_force
        t_days = self._t_by_end.get(end)
        if t_days is None:
            t_days = self._t_by_end[end] = self._t_days(end)
        return ("regular", kwh, households, (end - start).days + 1, t_days, *in_force)

    def __call__(self, kwh: int, start: date, end: date, households: int) -> tuple[Any, list[dict]]:
        """The bill and its ``invoice_lines`` rows (without ids) for these inputs."""
        key = self.key(kwh, start, end, households)
        found = self._bills.get(key)
        if found is None:
            if len(self._bills) >= 200_000:
                self._bills.clear()
            bill = self._compute(kwh, start, end, households, self._schedule)
            lines = invoice_line_rows(0, bill)
            for line in lines:
                del line["invoice_id"]
            found = self._bills[key] = (bill, lines)
            self.computed += 1
        return found


@dataclass
class IdCounter:
    readings: int = 0
    invoices: int = 0
    lines: int = 0


@dataclass
class History:
    customer: dict[str, Any]
    readings: list[dict[str, Any]]
    invoices: list[dict[str, Any]]
    lines: list[dict[str, Any]]


def _usage(rng: random.Random, plan: CustomerPlan, start: date, end: date) -> int:
    days = (end - start).days + 1
    middle = start + timedelta(days=days // 2)
    year = end.year + (end.month - 1) / 12.0
    trend = 1.0 + 0.03 * (year - 2026)  # usage grows about 3% a year
    kwh = plan.base_kwh * SEASON[middle.month] * trend * days / 30.4 * rng.gauss(1.0, 0.07)
    if rng.random() < 0.015:
        kwh *= 1.45  # an unusual month (guests, a new air conditioner...): re-check material
    return max(0, round(kwh))


def _reminders(today: date, due: date, cap: int | None) -> int:
    """Reminders sent for a bill still unpaid today: 1 the day after the due date, 2 a
    week after that (the second notice, after which supply may be suspended)."""
    count = 0 if today <= due else (1 if today <= due + timedelta(days=7) else 2)
    return count if cap is None else min(count, cap)


def build_history(plan: CustomerPlan, config: DemoConfig, ids: IdCounter, bills: BillCache) -> History:
    rng = random.Random(f"{config.seed}:{plan.code}")
    today = config.today
    fixture = plan.fixture
    pins: dict[date, PinnedPeriod] = {pin.end: pin for pin in fixture.pins} if fixture else {}
    last_pin_end = max(pins) if pins else None
    dates = reading_dates(plan.reading_day, today, config.months)
    debtor_unpaid = rng.randint(1, 3) if plan.profile == "debtor" else 0
    index = plan.initial_index
    readings, invoices, lines = [], [], []
    unpaid_overdue: list[dict[str, Any]] = []
    late_payments: list[dict[str, Any]] = []
    periods = list(itertools.pairwise(dates))
    for number, (previous, end) in enumerate(periods):
        start = previous + timedelta(days=1)
        if start < bills.first_day:
            continue  # before the first price table in data/tariffs.yml: cannot be billed
        pin = pins.get(end)
        kwh = _usage(rng, plan, start, end)
        if pin is not None:
            if pin.start != start:
                raise AssertionError(f"{plan.code}: pinned period {pin.start}..{pin.end} is not a cycle")
            kwh = pin.kwh
        estimated = pin is None and rng.random() < 0.015
        ids.readings += 1
        reading_id = ids.readings
        readings.append(
            {
                "id": reading_id,
                "customer_id": plan.id,
                "period_start": start,
                "period_end": end,
                "reading_date": end,
                "old_index": index,
                "new_index": index + kwh,
                "kwh": kwh,
                "source": ReadingSource.ESTIMATED.value if estimated else ReadingSource.READ.value,
            }
        )
        index += kwh
        bill, bill_lines = bills(kwh, start, end, plan.households)
        if pin is not None and bill.total != pin.total:
            raise AssertionError(
                f"{plan.code} {start}..{end}: the tariff engine bills {bill.total}, fixture says {pin.total}"
            )
        issue = min(end + timedelta(days=1 if (fixture or rng.random() < 0.7) else 2), today)
        due = issue + timedelta(days=PAYMENT_TERM_DAYS)
        paid_on: date | None
        remaining = len(periods) - number  # 1 for the newest period
        if fixture is not None:
            if pin is not None:
                paid_on = (pin.payment_date or issue + timedelta(days=3)) if pin.paid else None
            elif last_pin_end is not None and end > last_pin_end:
                paid_on = issue + timedelta(days=4) if fixture.later == "paid" else None
            else:
                paid_on = issue + timedelta(days=3)
        elif plan.profile == "auto":
            paid_on = issue + timedelta(days=1)
        elif plan.profile == "late" and rng.random() < 0.3:
            paid_on = due + timedelta(days=rng.randint(1, 12))
        elif plan.profile == "debtor" and remaining <= debtor_unpaid:
            paid_on = None
        else:
            paid_on = issue + timedelta(days=rng.randint(0, PAYMENT_TERM_DAYS))
        if paid_on is not None and paid_on > today:
            paid_on = None  # not paid yet
        cap = fixture.max_reminders if fixture else None
        if paid_on is None:
            reminders = _reminders(today, due, cap)
        else:
            reminders = 0 if paid_on <= due else min(1, cap if cap is not None else 1)
        if pin is not None and pin.reminders is not None:
            reminders = pin.reminders
        ids.invoices += 1
        invoice = {
            "id": ids.invoices,
            "customer_id": plan.id,
            "reading_id": reading_id,
            "period_start": start,
            "period_end": end,
            "kwh": kwh,
            "subtotal": int(bill.subtotal),
            "vat_rate": bill.vat_rate,
            "vat_amount": int(bill.vat_amount),
            "total": int(bill.total),
            "issue_date": issue,
            "due_date": due,
            "payment_date": paid_on,
            "payment_channel": plan.channel if paid_on is not None else None,
            "reminders_sent": reminders,
        }
        invoices.append(invoice)
        for line in bill_lines:
            ids.lines += 1
            lines.append({"id": ids.lines, "invoice_id": ids.invoices, **line})
        if paid_on is None and today > due:
            unpaid_overdue.append(invoice)
        if paid_on is not None and paid_on > due + timedelta(days=9):
            late_payments.append(invoice)

    customer = _customer_row(plan, today, rng, unpaid_overdue, late_payments)
    return History(customer, readings, invoices, lines)


def _customer_row(
    plan: CustomerPlan,
    today: date,
    rng: random.Random,
    unpaid_overdue: list[dict[str, Any]],
    late_payments: list[dict[str, Any]],
) -> dict[str, Any]:
    fixture = plan.fixture
    notices = max((invoice["reminders_sent"] for invoice in unpaid_overdue), default=0)
    status, suspended_at, restored_at = SupplyStatus.NORMAL.value, None, None
    limit = made_at(today) - timedelta(hours=1)
    if fixture is None and notices >= 2 and rng.random() < 0.35:
        oldest = unpaid_overdue[0]
        moment = at_time(oldest["due_date"] + timedelta(days=10), 9)  # >= 24 h after the 2nd notice
        if moment <= limit:
            status, suspended_at = SupplyStatus.SUSPENDED.value, moment
    if status == SupplyStatus.NORMAL.value and fixture is None and late_payments and rng.random() < 0.3:
        invoice = late_payments[-1]
        moment = at_time(invoice["due_date"] + timedelta(days=9), 9)
        back = at_time(invoice["payment_date"], 16)
        if moment < back <= limit:
            suspended_at, restored_at = moment, back  # suspended, paid, restored the same day
    if fixture is not None and fixture.notices_sent is not None:
        notices = fixture.notices_sent
    return {
        "id": plan.id,
        "code": plan.code,
        "name": plan.name,
        "phone": plan.phone,
        "address": plan.address,
        "province": plan.station.place.province,
        "ward": plan.station.place.ward,
        "old_province": plan.station.place.old_province,
        "old_district": plan.station.place.old_district,
        "old_ward": plan.station.place.old_ward,
        "managing_unit": plan.code[:6],
        "station_id": plan.station.id,
        "households": plan.households,
        "meter_multiplier": 1,
        "reading_day": plan.reading_day,
        "tariff_group": TariffGroup.RESIDENTIAL.value,
        "supply_status": status,
        "suspended_at": suspended_at,
        "restored_at": restored_at,
        "notices_sent": notices,
    }
