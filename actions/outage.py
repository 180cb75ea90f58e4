"""Planned-outage schedules and "when does power come back" (ask_outage_schedule,
ask_restore_time): the forms that get a code or a place, and the answers."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.outage_common import (
    ERROR,
    LOCATION,
    PENDING,
    STOPPED,
    TICKET,
    VERDICT,
    OutageLocationForm,
    apologise,
    bot_spoke_this_turn,
    in_session,
    is_verified,
    latest_entities,
    latest_text,
    location_area,
    location_code,
    location_ticket,
    reset_events,
)
from bot.nlu.core import read
from bot.services import UnitOfWork, outage, restore
from bot.wording import outage as wording
from bot.wording import outage_report as report_words
from bot.wording import restore as restore_words

WHEN = "outage_when"
FLOWS = {"outage_schedule_form": "schedule", "outage_report_form": "report", "outage_restore_form": "restore"}


class ValidateOutageScheduleForm(OutageLocationForm):
    flow = "schedule"

    def name(self) -> str:
        return "validate_outage_schedule_form"


class ValidateOutageRestoreForm(OutageLocationForm):
    flow = "restore"
    accepts_tickets = True

    def name(self) -> str:
        return "validate_outage_restore_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot(VERDICT) in (STOPPED, ERROR):
            return []
        if read.ticket_number(latest_text(tracker)):
            return []  # the ticket quoted is enough
        names_a_place = latest_entities(tracker, "customer_code") or latest_entities(tracker, "area")
        if tracker.get_slot(TICKET) and not names_a_place:
            return []  # the ticket this conversation opened is enough
        return [LOCATION]


class ActionAskOutageLocation(Action):
    """Ask for a customer code or a place, unless the check of the last answer already asked."""

    def name(self) -> str:
        return "action_ask_outage_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if bot_spoke_this_turn(tracker):
            return []  # the check of the last answer already asked (wrong code, which place...)
        dispatcher.utter_message(
            text=wording.ask_location(FLOWS.get(tracker.active_loop_name or "", "schedule"))
        )
        return []


class ActionOutageSchedule(Action):
    def name(self) -> str:
        return "action_outage_schedule"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = reset_events(VERDICT, PENDING, WHEN)
        if tracker.get_slot(VERDICT) in (STOPPED, ERROR):
            return events
        dates = outage.resolve_range(tracker.get_slot(WHEN))
        try:
            schedule = await in_session(_schedule, tracker.get_slot(LOCATION), dates)
        except Exception as error:
            apologise(dispatcher, error, self.name())
            return events
        if schedule is None:
            dispatcher.utter_message(text=wording.location_not_understood())
            return [*events, SlotSet(LOCATION, None)]
        dispatcher.utter_message(text=wording.schedule_reply(schedule))
        return events


def _schedule(uow: UnitOfWork, location: str | None, dates: outage.DateRange) -> outage.Schedule | None:
    code = location_code(location)
    if code:
        return outage.schedule_for_code(uow, code, dates)
    area = location_area(location)
    return outage.schedule_for_area(uow, area, dates) if area else None


class ActionRestoreTime(Action):
    def name(self) -> str:
        return "action_restore_time"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = reset_events(VERDICT, PENDING)
        if tracker.get_slot(VERDICT) in (STOPPED, ERROR):
            return events
        location = tracker.get_slot(LOCATION)
        quoted = read.ticket_number(latest_text(tracker)) or location_ticket(location)
        try:
            status, code = await in_session(_restore_status, quoted, location, tracker.get_slot(TICKET))
        except Exception as error:
            apologise(dispatcher, error, self.name())
            return events
        if status is None:
            dispatcher.utter_message(text=wording.location_not_understood())
            return [*events, SlotSet(LOCATION, None)]
        verified = status.status == restore.Status.SUSPENDED and await is_verified(tracker, code)
        buttons = [report_words.REPORT_BUTTON] if status.status in _OFFER_REPORT else []
        dispatcher.utter_message(
            text=restore_words.restore_reply(
                status, customer_code=code, ticket_number=quoted, verified=verified
            ),
            buttons=buttons,
        )
        if location_ticket(location):
            events.append(SlotSet(LOCATION, None))  # a quoted ticket is not a place to keep
        return events


_OFFER_REPORT = (restore.Status.NOTHING, restore.Status.RESTORED, restore.Status.TICKET_CLOSED)


def _restore_status(
    uow: UnitOfWork, quoted: str | None, location: str | None, own_ticket: str | None
) -> tuple[restore.RestoreStatus | None, Any]:
    """The status to tell, and the customer code it is about (for the wording)."""
    if quoted:
        return restore.for_ticket(uow, quoted), None
    code = location_code(location)
    if code:
        return restore.for_customer(uow, code), code
    area = location_area(location)
    if area is not None:
        status = restore.for_area(uow, area)
        if status.status != restore.Status.NOTHING or not own_ticket:
            return status, None
    if own_ticket:
        return restore.for_ticket(uow, own_ticket), None
    return None, None
