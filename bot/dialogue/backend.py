"""Every call the engine makes to the services, over one unit of work per turn.

The engine never opens sessions or runs SQL: it calls a :class:`Backend` bound to one
database session (one unit of work: everything a turn reads and writes commits
together or not at all). Keeping every service call in this module makes it the one
place to adapt when the services move to repositories and their own unit of work.

Identity is checked once per turn: :meth:`Backend.identity` remembers the status of
each code for the rest of the turn (and :meth:`Backend.verify` replaces it).

A database that cannot be reached raises :class:`ServiceUnavailable` (from
:func:`unit_of_work`); the engine then answers with the one apology text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.db import queries
from bot.db.session import session_scope
from bot.services import (
    billing,
    customers,
    hazard,
    meter,
    outage,
    outage_reports,
    places,
    requests_info,
    restore,
    tariff_quote,
    verification,
)
from bot.services.periods import Month
from bot.services.verification import Requester, Status

UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, OSError)


class ServiceUnavailable(RuntimeError):
    """The database (or another service the answer needs) cannot be reached."""


@contextlib.contextmanager
def unit_of_work(url: str | None = None) -> Iterator[Session]:
    """One database session for the turn: commits at the end, rolls back on error."""
    try:
        with session_scope(url) as session:
            yield session
    except UNAVAILABLE_ERRORS as error:
        raise ServiceUnavailable(type(error).__name__) from error


class Backend:
    """The services as one turn sees them: bound to a session and to the requester."""

    def __init__(self, session: Session, requester: Requester, channel: str) -> None:
        self.session = session
        self.requester = requester
        self.channel = (channel or "unknown")[:20]
        self._identity: dict[str, Status] = {}
        self._verified_codes: list[str] | None = None

    # ----------------------------------------------------------------- identity

    def check_code(self, raw: str) -> customers.CodeCheck:
        return customers.check_code(self.session, raw)

    def identity(self, code: str) -> Status:
        """Where this requester stands with the code (checked once per turn)."""
        if code not in self._identity:
            self._identity[code] = verification.status(self.session, code, self.requester)
        return self._identity[code]

    def verify(self, code: str, answer: str) -> Status:
        status = verification.verify(self.session, code, self.requester, answer)
        self._identity[code] = status
        self._verified_codes = None
        return status

    def verified_codes(self) -> list[str]:
        """Codes this requester may see: linked (Zalo, Messenger, signed web user) or
        verified in this conversation."""
        if self._verified_codes is None:
            self._verified_codes = verification.verified_codes(self.session, self.requester)
        return self._verified_codes

    def unlink(self, code: str) -> bool:
        removed = verification.unlink(self.session, code, self.requester)
        self._identity.pop(code, None)
        self._verified_codes = None
        return removed

    # ------------------------------------------------------------------ billing

    def bill(self, code: str, month: Month | None) -> billing.Answer:
        return billing.bill_answer(self.session, code, self.requester, month)

    def bill_detail(self, code: str, month: Month | None) -> billing.Answer:
        return billing.bill_detail_answer(self.session, code, self.requester, month)

    def bill_high(self, code: str, month: Month | None) -> billing.Answer:
        return billing.bill_high_answer(self.session, code, self.requester, month)

    def debt(self, code: str) -> billing.Answer:
        return billing.debt_answer(self.session, code, self.requester)

    def recheck(self, code: str, month: Month | None) -> billing.RecheckResult | billing.Answer:
        return billing.open_recheck(self.session, code, self.requester, month)

    def reading(self, code: str, month: Month | None) -> billing.Answer:
        return meter.reading_answer(self.session, code, self.requester, month)

    def reading_date(self, code: str) -> billing.Answer:
        return meter.reading_date_answer(self.session, code, self.requester)

    def residential(self, code: str | None) -> bool:
        return tariff_quote.residential_applies(self.session, code, self.requester)

    def open_request(self, kind: str, code: str | None) -> Any:
        return requests_info.open_request_ticket(self.session, kind, code, self.channel)

    # ------------------------------------------------------------------ outages

    def customer_exists(self, code: str) -> bool:
        return queries.get_customer(self.session, code) is not None

    def schedule_for_code(self, code: str, dates: outage.DateRange) -> outage.Schedule | None:
        customer = queries.get_customer(self.session, code)
        if customer is None:
            return None
        return outage.schedule_for_customer(self.session, customer, dates)

    def station_of(self, code: str) -> str | None:
        customer = queries.get_customer(self.session, code)
        return customer.station.code if customer is not None and customer.station is not None else None

    def schedule_for_area(self, area: places.Area, dates: outage.DateRange) -> outage.Schedule:
        return outage.schedule_for_area(self.session, area, dates)

    def restore_for_ticket(self, number: str) -> restore.RestoreStatus:
        return restore.for_ticket(self.session, number)

    def restore_for_code(self, code: str) -> restore.RestoreStatus | None:
        return restore.for_customer(self.session, code)

    def restore_for_area(self, area: places.Area) -> restore.RestoreStatus:
        return restore.for_area(self.session, area)

    def assess(self, target: outage_reports.Target, ticket: str | None) -> outage_reports.Assessment:
        return outage_reports.assess(self.session, target, ticket)

    def submit(self, report: outage_reports.Report) -> outage_reports.ReportResult:
        return outage_reports.submit(self.session, report)

    def report_hazard(self, **kwargs: Any) -> hazard.HazardTicket:
        return hazard.report_hazard(self.session, channel=self.channel, **kwargs)

    def add_hazard_location(self, number: str, place: str) -> bool:
        return hazard.add_location(self.session, number, place)


def resolve_place(text: str, pending: str | None = None) -> places.Lookup:
    """A place as the customer named it (narrowing an ambiguous name asked back)."""
    return places.narrow(pending, text) if pending else places.resolve(text)
