"""report_hazard: the safety advice at once, then an urgent ticket, then where it is.

The advice is sent before anything that could fail or wait (the database), and
nothing is asked before it: no customer code, no verification.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.outage_common import (
    INTERRUPTING_INTENTS,
    apologise,
    channel_of,
    in_session,
    is_button_payload,
    latest_entities,
    latest_intent,
    latest_text,
    log_failure,
    reset_events,
)
from actions.outage_report import REPORT_SLOTS
from bot.nlu.core import answers
from bot.services import hazard
from bot.wording import hazard as wording

HAZARD_TICKET, HAZARD_PLACE = "hazard_ticket", "hazard_place"
GIVEN, SKIPPED = "given", "skipped"  # hazard_place values that mean "nothing to add"
# Short answers that are not an address (the form lets them through to their own rules).
NOT_A_PLACE_INTENTS = INTERRUPTING_INTENTS | {"greet", "goodbye", "thank", "bot_challenge", "ask_contact"}


class ActionReportHazard(Action):
    def name(self) -> str:
        return "action_report_hazard"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = latest_text(tracker)
        advice = wording.safety_advice(hazard.people_at_risk(text))
        dispatcher.utter_message(text=advice)  # first, whatever happens next
        events: list[EventType] = reset_events(*REPORT_SLOTS)  # an outage report in progress is dropped
        codes = latest_entities(tracker, "customer_code") or [tracker.get_slot("customer_code") or ""]
        places = latest_entities(tracker, "area")
        try:
            ticket = await in_session(
                hazard.report_hazard,
                description=text,
                channel=channel_of(tracker),
                customer_code=codes[-1] or None,
                place=places[-1] if places else None,
                existing_ticket=tracker.get_slot(HAZARD_TICKET),
            )
        except Exception as error:
            log_failure(error, self.name())
            dispatcher.utter_message(text=wording.hazard_ticket_failed())
            return [*events, SlotSet(HAZARD_PLACE, SKIPPED)]
        ask_place = not places and not ticket.added_to_existing
        dispatcher.utter_message(text=wording.hazard_ticket_reply(ticket.number, ticket.added_to_existing))
        return [
            *events,
            SlotSet(HAZARD_TICKET, ticket.number),
            SlotSet(HAZARD_PLACE, None if ask_place else GIVEN),
        ]


class ValidateHazardForm(FormValidationAction):
    def name(self) -> str:
        return "validate_hazard_form"

    async def extract_hazard_place(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if (
            tracker.get_slot("requested_slot") != HAZARD_PLACE
            or latest_intent(tracker) in NOT_A_PLACE_INTENTS
        ):
            return {}
        text = latest_text(tracker).strip()
        if not text or is_button_payload(text):
            return {}
        return {HAZARD_PLACE: text}

    async def validate_hazard_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = " ".join(str(value or "").split())
        if text in (GIVEN, SKIPPED):
            return {HAZARD_PLACE: text}
        if answers.wants_to_stop(text) or latest_intent(tracker) == "deny":
            dispatcher.utter_message(text=wording.hazard_place_skipped())
            return {HAZARD_PLACE: SKIPPED}
        return {HAZARD_PLACE: text[:300]}


class ActionAskHazardPlace(Action):
    def name(self) -> str:
        return "action_ask_hazard_place"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=wording.HAZARD_PLACE_QUESTION)
        return []


class ActionHazardPlace(Action):
    """Add the place the customer gave to the urgent ticket."""

    def name(self) -> str:
        return "action_hazard_place"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        place, number = tracker.get_slot(HAZARD_PLACE), tracker.get_slot(HAZARD_TICKET)
        events = [SlotSet(HAZARD_PLACE, None)]
        if not place or place in (GIVEN, SKIPPED) or not number:
            return events
        try:
            added = await in_session(hazard.add_location, number, place)
        except Exception as error:
            apologise(dispatcher, error, self.name())
            return events
        if added:
            dispatcher.utter_message(text=wording.hazard_place_added(number))
        return events
