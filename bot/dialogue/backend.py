"""Every call the engine makes to the services, over one unit of work per turn.

The engine never opens sessions or runs SQL: it calls a :class:`Backend` bound to one
unit of work (``bot.services.unit_of_work``: everything a turn reads and writes commits
together or not at all). Keeping every service call in this module makes it the one
place to adapt when a service changes.

Identity is checked once per answer, by the service that discloses the data
(``require_verified``); a refusal's status is remembered for the rest of the turn
(:meth:`Backend.remember`), and so is every status :meth:`Backend.identity` or
:meth:`Backend.verify` checks.

A database that cannot be reached leaves the unit of work as
``bot.services.DataUnavailable``; the runner then answers with the one apology.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot import clock
from bot.domain import places
from bot.domain.periods import Month
from bot.services import (
    UnitOfWork,
    billing,
    billing_cycle,
    complaints,
    crew_tickets,
    customers,
    estimates,
    handoff,
    hazard,
    meter,
    notices,
    offices,
    one_time_codes,
    outage,
    outage_reports,
    payments,
    rate_limits,
    requests_info,
    restore,
    supply,
    tariff_quote,
    verification,
)
from bot.services.handoff_config import load_config, working_hours
from bot.services.handoff_hours import callback_window
from bot.services.handoff_summary import ConversationContext
from bot.services.verification import Requester, Status

log = logging.getLogger(__name__)


class Backend:
    """The services as one turn sees them: bound to a unit of work and to the requester."""

    def __init__(self, uow: UnitOfWork, requester: Requester, channel: str) -> None:
        self.uow = uow
        self.requester = requester
        self.channel = (channel or "unknown")[:20]
        self._identity: dict[str, Status] = {}
        self._verified_codes: list[str] | None = None

    # ----------------------------------------------------------------- identity

    def check_code(self, raw: str) -> customers.CodeCheck:
        """Format and existence (outage questions: the customer's station)."""
        return customers.check_code(self.uow, raw)

    def check_format(self, raw: str) -> customers.CodeCheck:
        """The format only: account questions never say whether a code exists before
        the digits are checked (bot/services/verification.py, "Unknown codes")."""
        return customers.check_format(raw)

    def note_message(self) -> rate_limits.Limited | None:
        """Count this message (the turn's first use of the database); Limited when the
        requester writes too fast. A database that cannot count is no reason to leave a
        greeting unanswered: the limit is then open for this turn (nothing else was done
        in the unit of work yet, so rolling it back loses nothing)."""
        try:
            return rate_limits.note_message(self.uow, self.requester)
        except Exception as error:  # the database's own errors, whatever the driver
            log.warning("message rate not counted (%s)", type(error).__name__)
            self.uow.rollback()
            return None

    def identity(self, code: str) -> Status:
        """Where this requester stands with the code (checked once per turn)."""
        if code not in self._identity:
            self._identity[code] = verification.status(self.uow, code, self.requester)
        return self._identity[code]

    def known_identity(self, code: str) -> Status | None:
        """The status already checked this turn (no new check)."""
        return self._identity.get(code)

    def remember(self, status: Status) -> None:
        """A status a service checked (``NotVerified``), so this turn checks no more."""
        self._identity[status.code] = status

    def verify(self, code: str, answer: str) -> Status:
        status = verification.verify(self.uow, code, self.requester, answer)
        self._identity[code] = status
        self._verified_codes = None
        return status

    def subscribe(self, conversation_id: str, code: str | None) -> notices.SubscriptionResult:
        """Outage notices for this conversation, on this turn's channel (docs/notices.md)."""
        return notices.subscribe(self.uow, self.requester, conversation_id, self.channel, code)

    def unsubscribe(self, conversation_id: str, code: str | None) -> notices.UnsubscriptionResult:
        return notices.unsubscribe(self.uow, self.requester, conversation_id, self.channel, code)

    def explain_lock(self, status: Status) -> verification.LockExplanation | None:
        """Why this requester cannot verify now, and whether a one-time code may help."""
        return verification.explain_lock(self.uow, status, self.requester)

    def issue_one_time_code(self, code: str) -> one_time_codes.Issued:
        """A 6-digit code by SMS to the phone registered for ``code`` (the SMS outbox)."""
        return one_time_codes.issue(self.uow, code, self.requester)

    def check_one_time_code(self, code: str, answer: str) -> one_time_codes.Checked:
        checked = one_time_codes.verify(self.uow, code, self.requester, answer)
        self._identity[checked.status.code or code] = checked.status
        self._verified_codes = None
        return checked

    def can_issue_one_time_code(self, code: str) -> bool:
        return one_time_codes.can_issue(self.uow, code, self.requester)

    def expire_one_time_codes(self, code: str) -> int:
        return one_time_codes.expire(self.uow, code, self.requester)

    def verified_codes(self) -> list[str]:
        """Codes this requester may see: linked (Zalo, Messenger, signed web user) or
        verified in this conversation."""
        if self._verified_codes is None:
            self._verified_codes = verification.verified_codes(self.uow, self.requester)
        return self._verified_codes

    def unlink(self, code: str) -> bool:
        removed = verification.unlink(self.uow, code, self.requester)
        self._identity.pop(code, None)
        self._verified_codes = None
        return removed

    # ------------------------------------------------------------------ billing

    def bill(self, code: str, month: Month | None) -> billing.InvoiceAnswer:
        return billing.bill_answer(self.uow, code, self.requester, month)

    def bill_detail(self, code: str, month: Month | None) -> billing.InvoiceAnswer:
        return billing.bill_detail_answer(self.uow, code, self.requester, month)

    def bill_high(self, code: str, month: Month | None) -> billing.ExplainedBill:
        return billing.bill_high_answer(self.uow, code, self.requester, month)

    def debt(self, code: str) -> billing.DebtAnswer:
        return billing.debt_answer(self.uow, code, self.requester)

    def recheck(self, code: str, month: Month | None) -> billing.RecheckResult:
        return billing.open_recheck(self.uow, code, self.requester, month)

    def reading(self, code: str, month: Month | None) -> meter.ReadingAnswer:
        return meter.reading_answer(self.uow, code, self.requester, month)

    def reading_date(self, code: str) -> meter.ReadingSchedule:
        return meter.reading_date_answer(self.uow, code, self.requester)

    def residential(self, code: str | None) -> bool:
        return tariff_quote.residential_applies(self.uow, code, self.requester)

    def open_request(self, kind: str, code: str | None) -> requests_info.RequestTicket:
        return requests_info.open_request_ticket(self.uow, kind, code, self.channel, self.requester)

    def next_bill(self, code: str, month: Month | None) -> billing_cycle.NextBill:
        return billing_cycle.next_bill(self.uow, code, self.requester, month)

    def estimate(self, code: str, month: Month | None) -> estimates.EstimateAnswer:
        return estimates.estimate_answer(self.uow, code, self.requester, month)

    def posting_check(self, code: str, month: Month | None) -> payments.PostingCheck:
        return payments.posting_check(self.uow, code, self.requester, month)

    # --------------------------------------------------- complaints, supply, offices

    def record_complaint(
        self, request: complaints.ComplaintRequest, existing: str | None
    ) -> complaints.ComplaintRecorded:
        return complaints.record_complaint(self.uow, request, existing, requester=self.requester)

    def supply_for_code(self, code: str) -> supply.SupplyAnswer | None:
        return supply.for_customer(self.uow, code, self.requester)

    def supply_for_area(self, area: places.Area) -> supply.SupplyAnswer:
        return supply.for_area(self.uow, area)

    def supply_history(self, code: str, month: Month) -> supply.SupplyHistory | None:
        return supply.history(self.uow, code, self.requester, month)

    def offices_for_code(self, code: str) -> offices.OfficeAnswer | None:
        return offices.for_code(self.uow, code)

    def offices_for_area(self, area: places.Area) -> offices.OfficeAnswer:
        return offices.for_area(self.uow, area)

    # ------------------------------------------------------------------ outages

    def customer_exists(self, code: str) -> bool:
        return self.check_code(code).ok

    def station_of(self, code: str) -> str | None:
        customer = self.check_code(code).customer
        return customer.station.code if customer is not None and customer.station is not None else None

    def schedule_for_code(self, code: str, dates: outage.DateRange) -> outage.Schedule | None:
        return outage.schedule_for_code(self.uow, code, dates)

    def schedule_for_area(self, area: places.Area, dates: outage.DateRange) -> outage.Schedule:
        return outage.schedule_for_area(self.uow, area, dates)

    def restore_for_ticket(self, number: str) -> restore.RestoreStatus:
        """Only the ticket's opener, or someone verified for its customer, sees it."""
        return restore.for_ticket(self.uow, number, self.requester)

    def restore_for_code(self, code: str) -> restore.RestoreStatus | None:
        """Area facts for anyone; account facts (suspension, own tickets) once verified."""
        return restore.for_customer(self.uow, code, self.requester)

    def restore_for_area(self, area: places.Area) -> restore.RestoreStatus:
        return restore.for_area(self.uow, area)

    def assess(self, target: outage_reports.Target, ticket: str | None) -> outage_reports.Assessment:
        return outage_reports.assess(self.uow, target, ticket, requester=self.requester)

    def submit(self, report: outage_reports.Report) -> outage_reports.ReportResult:
        return outage_reports.submit(self.uow, replace(report, requester=self.requester))

    def report_hazard(self, **kwargs: Any) -> hazard.HazardTicket:
        return hazard.report_hazard(self.uow, channel=self.channel, requester=self.requester, **kwargs)

    def add_to_hazard(self, number: str, description: str) -> bool:
        return hazard.add_to_case(self.uow, number, description)

    def add_hazard_location(self, number: str, place: str) -> bool:
        return hazard.add_location(self.uow, number, place)

    def verified_contact(self, code: str) -> crew_tickets.Contact | None:
        """The registered address and mobile of a code this requester is verified for."""
        return crew_tickets.verified_contact(self.uow, code, self.requester)

    def add_callback_phone(self, number: str, phone: str) -> bool:
        return crew_tickets.add_callback_phone(self.uow, number, phone, clock.now())

    # ------------------------------------------------------------------ handoff

    def open_handoff(
        self,
        conversation_id: str,
        reason: handoff.HandoffReason,
        context: ConversationContext,
        code: str | None,
    ) -> handoff.HandoffOpened:
        request = handoff.HandoffRequest(
            conversation_id=conversation_id,
            channel=self.channel,
            reason=reason,
            context=context,
            customer_code=code,
            requester=self.requester,
        )
        return handoff.open_handoff(self.uow, request)

    def operator_rule(self, intents: list[str]) -> handoff.OperatorRule | None:
        """The operator rule (handoff.yml, DESK_HANDOFF_INTENTS) these intents trigger; the
        hazard rule is the hazard topic's own (it reports the danger first)."""
        return handoff.operator_rule(intents, skip={handoff.HandoffReason.HAZARD})

    def callback_details(self, conversation_id: str) -> handoff.CallbackDetails:
        return handoff.callback_details(self.uow, conversation_id)

    def record_callback(
        self, conversation_id: str, dates: list[str], times: list[str], phone: str | None, registered: bool
    ) -> tuple[handoff.CallbackRecorded, bool]:
        """The callback and whether the window was moved (into working hours)."""
        config = load_config()
        window = callback_window(
            working_hours(self.uow, config),
            dates,
            times,
            default_length=timedelta(minutes=config.callback_window_minutes),
        )
        recorded = handoff.record_callback(
            self.uow, conversation_id, window, phone=phone, use_registered_phone=registered
        )
        return recorded, bool(dates or times) and not window.as_asked

    def cancel_handoff(self, conversation_id: str) -> handoff.CancelResult:
        return handoff.cancel_by_customer(self.uow, conversation_id)

    def store_rating(self, conversation_id: str, score: int) -> handoff.RatingStored | None:
        return handoff.store_rating(self.uow, conversation_id, score)


def resolve_place(text: str, pending: str | None = None) -> places.Lookup:
    """A place as the customer named it (narrowing an ambiguous name asked back)."""
    return places.narrow(pending, text) if pending else places.resolve(text)
