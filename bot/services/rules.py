"""The service rules an operator sets (``resources/service_rules.yml``, or the file
named by ``SERVICE_RULES_FILE``): complaint deadlines, payment terms, reconnection,
payment posting delays, why readings are estimated, the public holidays, and how soon
outage and hazard reports are acted on (``reports.response``, optional: without it no
time is promised).

Read once and cached; :func:`clear_cache` after changing the file (tests). The values
are quoted to customers as they are configured (DOMAIN.md: never constants in code).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot import clock
from bot.domain.workdays import add_working_days

DEFAULT_FILE = Path(__file__).resolve().parent / "resources" / "service_rules.yml"
END_OF_WORKING_DAY = time(17, 0)
REPORT_KINDS = ("hazard", "outage_area", "outage_house")  # reports.response keys


class RulesError(ValueError):
    """The rules file is missing a value or has a wrong one (the reason is the message)."""


@dataclass(frozen=True)
class Delay:
    """``hours`` or ``working_days`` (one of them); 0 hours is "at once"."""

    hours: int | None = None
    working_days: int | None = None

    @property
    def at_once(self) -> bool:
        return self.hours == 0 and not self.working_days

    def due(self, start: datetime, holidays: frozenset[date]) -> datetime:
        """When the delay ends for something that started at ``start``."""
        if self.working_days:
            day = add_working_days(start.date(), self.working_days, holidays)
            return datetime.combine(day, END_OF_WORKING_DAY, tzinfo=clock.VN_TZ)
        return start + timedelta(hours=self.hours or 0)


@dataclass(frozen=True)
class PaymentRules:
    term_days: int
    first_reminder_after_due_days: int
    second_reminder_after_first_days: int
    notices_before_suspension: int
    suspension_warning_hours: int
    reconnection_hours: int
    several_months_at_once: bool
    late_interest: bool


@dataclass(frozen=True)
class ServiceRules:
    holidays: frozenset[date]
    complaint_deadlines: dict[str, Delay]  # by category; "other" always present
    payment: PaymentRules
    posting: dict[str, Delay]  # by posting kind: connected / transfer / instant
    estimate_reasons: tuple[str, ...]
    # How soon a report is acted on, by kind: hazard / outage_area / outage_house
    # (bot.services.crew_tickets.respond_by); empty when the operator promises nothing.
    report_response: dict[str, Delay] = field(default_factory=dict)

    def complaint_deadline(self, category: str) -> Delay:
        return self.complaint_deadlines.get(category) or self.complaint_deadlines["other"]


def rules_file() -> Path:
    configured = os.environ.get("SERVICE_RULES_FILE", "").strip()
    return Path(configured) if configured else DEFAULT_FILE


def load_rules() -> ServiceRules:
    return _load(rules_file())


def clear_cache() -> None:
    _load.cache_clear()


@functools.cache
def _load(path: Path) -> ServiceRules:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise RulesError(f"{path}: {error}") from error
    return parse_rules(raw, str(path))


def parse_rules(raw: dict[str, Any], where: str = "rules") -> ServiceRules:
    deadlines = {
        str(k): _delay(v, f"{where}: complaints.deadlines.{k}")
        for k, v in _map(raw, "complaints", where).get("deadlines", {}).items()
    }
    if "other" not in deadlines:
        raise RulesError(f"{where}: complaints.deadlines needs an 'other' entry")
    payment = _map(raw, "payment", where)
    try:
        payment_rules = PaymentRules(
            term_days=int(payment["term_days"]),
            first_reminder_after_due_days=int(payment["first_reminder_after_due_days"]),
            second_reminder_after_first_days=int(payment["second_reminder_after_first_days"]),
            notices_before_suspension=int(payment["notices_before_suspension"]),
            suspension_warning_hours=int(payment["suspension_warning_hours"]),
            reconnection_hours=int(payment["reconnection_hours"]),
            several_months_at_once=bool(payment.get("several_months_at_once", True)),
            late_interest=bool(payment.get("late_interest", False)),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise RulesError(f"{where}: payment: {error!r}") from error
    posting = {str(k): _delay(v, f"{where}: posting.{k}") for k, v in _map(raw, "posting", where).items()}
    for kind in ("connected", "transfer", "instant"):
        if kind not in posting:
            raise RulesError(f"{where}: posting.{kind} is missing")
    reasons = tuple(str(r) for r in (_map(raw, "estimated_reading", where).get("reasons") or ()))
    reports = raw.get("reports") or {}
    if not isinstance(reports, dict) or not isinstance(reports.get("response") or {}, dict):
        raise RulesError(f"{where}: reports.response must map a kind of report to a delay")
    response = {
        str(k): _delay(v, f"{where}: reports.response.{k}")
        for k, v in (reports.get("response") or {}).items()
    }
    unknown = set(response) - set(REPORT_KINDS)
    if unknown:
        raise RulesError(f"{where}: reports.response: unknown kind {sorted(unknown)[0]!r}")
    return ServiceRules(
        holidays=frozenset(_day(v, where) for v in raw.get("holidays") or ()),
        complaint_deadlines=deadlines,
        payment=payment_rules,
        posting=posting,
        estimate_reasons=reasons,
        report_response=response,
    )


def _map(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise RulesError(f"{where}: '{key}' is missing")
    return value


def _delay(value: Any, where: str) -> Delay:
    if not isinstance(value, dict) or set(value) - {"hours", "working_days"} or len(value) != 1:
        raise RulesError(f"{where}: give either hours or working_days")
    ((key, number),) = value.items()
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise RulesError(f"{where}: {key} must be a whole number >= 0")
    return Delay(hours=number) if key == "hours" else Delay(working_days=number)


def _day(value: Any, where: str) -> date:
    try:
        day, month, year = (int(part) for part in str(value).split("/"))
        return date(year, month, day)
    except ValueError as error:
        raise RulesError(f"{where}: holiday {value!r} is not dd/mm/yyyy") from error
