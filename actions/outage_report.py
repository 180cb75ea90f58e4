"""report_outage: the form that collects what is missing, then the checks in order
(bot.services.outage_reports) and the answer.

The form asks a code or a place first and checks it at once: when the customer's
supply is suspended, a planned outage is under way, an incident is known or the case
is already reported, it stops there. Otherwise it asks whether only this house is
dark (then the breaker first) and since when, and the report is recorded.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.outage_common import (
    ERROR,
    INTERRUPTING_INTENTS,
    LOCATION,
    PENDING,
    STOPPED,
    TICKET,
    VERDICT,
    OutageLocationForm,
    apologise,
    channel_of,
    entity_spans,
    in_session,
    is_button_payload,
    is_verified,
    latest_intent,
    latest_text,
    location_area,
    location_code,
    reset_events,
)
from bot.nlu.core import answers, read
from bot.services import customers, outage_reports
from bot.services.outage_reports import Breaker, Outcome, Report, Scope, Target, Verdict
from bot.wording import common as common_words
from bot.wording import outage as place_words
from bot.wording import outage_report as wording
from bot.wording.customers import code_problem_text

SCOPE, BREAKER, SINCE = "outage_scope", "outage_breaker", "outage_since"
REPORT_SLOTS = (VERDICT, PENDING, SCOPE, BREAKER, SINCE, "outage_when")
KNOWN_VERDICTS = {v.value for v in (Verdict.SUSPENDED, Verdict.PLANNED, Verdict.INCIDENT, Verdict.REPORTED)}
NOT_UNDERSTOOD = "Dạ, em chưa hiểu ý anh/chị ạ."


def target_of(location: str | None) -> Target | None:
    code = location_code(location)
    if code:
        return Target(customer_code=code)
    area = location_area(location)
    return Target(area=area) if area is not None else None


class ValidateOutageReportForm(OutageLocationForm):
    flow = "report"
    needs_one_ward = True

    def name(self) -> str:
        return "validate_outage_report_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        verdict = tracker.get_slot(VERDICT)
        if verdict in (STOPPED, ERROR):
            return []
        if verdict in KNOWN_VERDICTS:
            return [LOCATION]
        slots = [LOCATION, SCOPE]
        scope = tracker.get_slot(SCOPE)
        if scope != Scope.AREA.value:
            slots.append(BREAKER)
        if not (scope == Scope.HOUSE.value and tracker.get_slot(BREAKER) == Breaker.BACK.value):
            slots.append(SINCE)
        return slots

    async def after_location(
        self, location: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """Checks 1-4 at once: when one of them explains the outage, nothing more is asked."""
        target = target_of(location)
        if target is None:
            return {}
        try:
            assessment = await in_session(outage_reports.assess, target, tracker.get_slot(TICKET))
        except Exception as error:
            apologise(dispatcher, error, self.name())
            return {VERDICT: ERROR}
        return {VERDICT: assessment.verdict.value}

    # -- only this house, or the street too?

    async def extract_outage_scope(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = _answer_text(tracker)
        if text is None:
            return {}
        if tracker.get_slot("requested_slot") == SCOPE:
            return {SCOPE: text}
        parsed = answers.parse_scope(text) if tracker.get_slot(SCOPE) is None else None
        return {SCOPE: parsed.value} if parsed else {}

    async def validate_outage_scope(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._read(value, SCOPE, dispatcher, lambda text: answers.parse_scope(text))

    # -- the breaker (only this house)

    async def extract_outage_breaker(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = _answer_text(tracker)
        if text is None:
            return {}
        if tracker.get_slot("requested_slot") == BREAKER:
            return {BREAKER: text}
        said = answers.parse_breaker(text, explicit_only=True) if tracker.get_slot(BREAKER) is None else None
        return {BREAKER: said.value} if said else {}

    async def validate_outage_breaker(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        intent = latest_intent(tracker)
        return self._read(value, BREAKER, dispatcher, lambda text: answers.parse_breaker(text, intent))

    # -- since when

    async def extract_outage_since(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = _answer_text(tracker)
        if text is None:
            return {}
        if tracker.get_slot("requested_slot") == SINCE:
            return {SINCE: text}
        said = " ".join(entity_spans(tracker, "time") + entity_spans(tracker, "date"))
        return {SINCE: said} if said and tracker.get_slot(SINCE) is None else {}

    async def validate_outage_since(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        if answers.wants_to_stop(text):
            dispatcher.utter_message(text=common_words.stopped())
            return {SINCE: None, VERDICT: STOPPED}
        start = read.start_time(text)  # None: no time said ("vẫn mất điện")
        since = start.said if start else None
        if since is None:
            dispatcher.utter_message(text=NOT_UNDERSTOOD)
        return {SINCE: since}

    @staticmethod
    def _read(value: Any, slot: str, dispatcher: CollectingDispatcher, parse: Any) -> dict[str, Any]:
        text = str(value or "")
        known = {s.value for s in (*Scope, *Breaker)}
        if text in known:
            return {slot: text}
        if answers.wants_to_stop(text):
            dispatcher.utter_message(text=common_words.stopped())
            return {slot: None, VERDICT: STOPPED}
        parsed = parse(text)
        if parsed is None:
            dispatcher.utter_message(text=NOT_UNDERSTOOD)
            return {slot: None}
        return {slot: parsed.value}


def _answer_text(tracker: Tracker) -> str | None:
    """The latest message as an answer, or None when it is not one (another flow's intent)."""
    if latest_intent(tracker) in INTERRUPTING_INTENTS:
        return None
    text = latest_text(tracker).strip()
    if not text or is_button_payload(text):
        return None
    return text


class ActionAskOutageScope(Action):
    def name(self) -> str:
        return "action_ask_outage_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=wording.SCOPE_QUESTION, buttons=wording.SCOPE_BUTTONS)
        return []


class ActionAskOutageBreaker(Action):
    def name(self) -> str:
        return "action_ask_outage_breaker"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=wording.BREAKER_QUESTION, buttons=wording.BREAKER_BUTTONS)
        return []


class ActionAskOutageSince(Action):
    def name(self) -> str:
        return "action_ask_outage_since"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=wording.SINCE_QUESTION, buttons=wording.SINCE_BUTTONS)
        return []


class ActionReportOutage(Action):
    """The form is complete: run the checks again, record, answer."""

    def name(self) -> str:
        return "action_report_outage"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = reset_events(*REPORT_SLOTS)
        if tracker.get_slot(VERDICT) in (STOPPED, ERROR):
            return events
        target = target_of(tracker.get_slot(LOCATION))
        if target is None:
            dispatcher.utter_message(text=place_words.location_not_understood())
            return [*events, SlotSet(LOCATION, None)]
        report = Report(
            target=target,
            channel=channel_of(tracker),
            scope=_enum(Scope, tracker.get_slot(SCOPE)),
            breaker=_enum(Breaker, tracker.get_slot(BREAKER)),
            since=tracker.get_slot(SINCE),
            previous_ticket=tracker.get_slot(TICKET),
        )
        try:
            result = await in_session(outage_reports.submit, report)
        except outage_reports.UnknownCustomer:
            dispatcher.utter_message(text=code_problem_text(customers.CodeProblem.NOT_FOUND))
            return [*events, SlotSet(LOCATION, None)]
        except Exception as error:
            apologise(dispatcher, error, self.name())
            return events
        verified = result.outcome == Outcome.SUSPENDED and await is_verified(tracker, target.customer_code)
        buttons = [wording.RESTORE_BUTTON] if result.outcome in (Outcome.TICKET, Outcome.GROUPED) else []
        dispatcher.utter_message(
            text=wording.report_reply(result, customer_code=target.customer_code, verified=verified),
            buttons=buttons,
        )
        if result.ticket is not None:
            events.append(SlotSet(TICKET, result.ticket.number))
        return events


def _enum(kind: Any, value: Any) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None
