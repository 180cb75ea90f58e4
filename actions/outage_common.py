"""Helpers shared by the outage actions: service calls off the event loop, what the
latest message says, and the "customer code or place" question the three outage forms
(schedule, report, restore) share.

Slot ``outage_location`` holds a checked location: ``code:PB11020000002`` or
``area:<path>`` (a place text that resolves to exactly one area, see
bot.domain.places), or ``ticket:SC2611270001`` in the restore form. Candidates are
extracted from the message (``code:``, ``area:``, ``text:`` what was typed, ``linked``
the customer linked to this Zalo/Messenger user) and checked in ``validate_...``.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import in_db, requester
from bot.domain import places
from bot.nlu.core import answers, read
from bot.services import DataUnavailable, customers, outage, verification
from bot.wording import common as common_words
from bot.wording import outage as wording
from bot.wording.customers import code_problem_text

log = logging.getLogger(__name__)

T = TypeVar("T")

LOCATION = "outage_location"
PENDING = "outage_area_pending"
VERDICT = "outage_verdict"
TICKET = "outage_ticket"
# Values of outage_verdict that end a form early.
STOPPED, ERROR = "stopped", "error"
# Intents that must reach their own rules even while an outage form asks something.
INTERRUPTING_INTENTS = frozenset({"report_hazard", "request_human"})



# ---------------------------------------------------------------- service calls


async def in_session(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``function(uow, *args, **kwargs)`` in a unit of work, off the event loop."""
    return await in_db(function, *args, **kwargs)


def log_failure(error: Exception, where: str) -> None:
    """Log a failed service call: the kind of error only (messages may quote the customer)."""
    if isinstance(error, DataUnavailable):
        log.warning("%s: the database is unavailable (%s)", where, type(error).__name__)
    else:
        log.error("%s failed (%s)", where, type(error).__name__, exc_info=error)


def apologise(dispatcher: CollectingDispatcher, error: Exception, where: str) -> None:
    """The database (or something else) failed: say so in Vietnamese, with the hotline."""
    log_failure(error, where)
    dispatcher.utter_message(text=common_words.database_unavailable())


async def is_verified(tracker: Tracker, code: str | None) -> bool:
    """Whether this requester is verified for the code (then account facts may be said)."""
    if not code:
        return False
    try:
        return await in_db(_verified, code, requester(tracker))
    except Exception as error:
        log_failure(error, "verification check")
        return False


def _verified(uow: Any, code: str, who: Any) -> bool:
    return verification.status(uow, code, who).verified


# -------------------------------------------------------------- the latest message


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text")
    return text if isinstance(text, str) else ""


def latest_entities(tracker: Tracker, entity: str) -> list[str]:
    return [str(v) for v in tracker.get_latest_entity_values(entity) if v is not None and str(v).strip()]


def entity_spans(tracker: Tracker, entity: str) -> list[str]:
    """What the customer typed for an entity (``"2h chiều"``), not its value (``14:00``)."""
    text = latest_text(tracker)
    spans = []
    for item in (tracker.latest_message or {}).get("entities") or []:
        start, end = item.get("start"), item.get("end")
        if item.get("entity") == entity and isinstance(start, int) and isinstance(end, int):
            spans.append(text[start:end])
    return spans


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


def is_button_payload(text: str) -> bool:
    return text.startswith("/")


def bot_spoke_this_turn(tracker: Tracker) -> bool:
    """Whether the bot already said something since the customer's latest message (a
    form's check that asked its own question, for example)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False


# ----------------------------------------------------------------- checked places


def location_code(value: str | None) -> str | None:
    return value[5:] if value and value.startswith("code:") else None


def location_area(value: str | None) -> places.Area | None:
    """The area of an ``area:<path>`` value (None if it no longer resolves to one)."""
    if not value or not value.startswith("area:"):
        return None
    return places.resolve(value[5:]).found


def location_ticket(value: str | None) -> str | None:
    return value[7:] if value and value.startswith("ticket:") else None


# ------------------------------------------------------------------ the forms


class OutageLocationForm(FormValidationAction):
    """Asks for a customer code or a place; subclasses add their own slots and checks."""

    flow = "schedule"  # which wording to ask with: schedule, report, restore
    accepts_tickets = False  # the restore form also takes a ticket number
    needs_one_ward = False  # the report form needs one ward, not a district or province

    @abstractmethod
    def name(self) -> str:
        """Each form's validation action names itself (abstract: not registered alone)."""

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot(VERDICT) in (STOPPED, ERROR):
            return []
        return [LOCATION]

    # -- extraction

    async def extract_outage_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if latest_intent(tracker) in INTERRUPTING_INTENTS:
            return {}
        asked = tracker.get_slot("requested_slot") == LOCATION
        text = latest_text(tracker)
        codes = latest_entities(tracker, "customer_code")
        malformed = (tracker.latest_message or {}).get("malformed_customer_code") or []
        if codes or malformed:  # a code of the wrong length is refused with its reason
            return {LOCATION: f"code:{(codes or malformed)[-1]}"}
        if self.accepts_tickets and (number := read.ticket_number(text)):
            return {LOCATION: f"ticket:{number}"}
        areas = latest_entities(tracker, "area")
        if areas:
            return {LOCATION: f"area:{areas[-1]}"}
        if asked and text.strip() and not is_button_payload(text):
            return {LOCATION: f"text:{text.strip()}"}
        if tracker.get_slot("requested_slot") is None:
            # The form starts: reuse what the conversation already knows (checked again).
            current = tracker.get_slot(LOCATION)
            if current:
                return {LOCATION: current}
            code = tracker.get_slot("customer_code")
            return {LOCATION: f"code:{code}" if code else "linked"}
        return {}

    # -- validation

    async def validate_outage_location(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        value = str(value or "")
        kind, _, rest = value.partition(":")
        try:
            if value == "linked":
                code = await in_session(outage.known_code, requester(tracker))
                if not code:
                    return {LOCATION: None, PENDING: None}
                kind, rest = "code", code
            if kind == "code":
                return await self._check_code(rest, dispatcher, tracker)
            if kind == "ticket" and self.accepts_tickets:
                return {LOCATION: value, PENDING: None}
            if kind in ("area", "text"):
                return await self._check_place(kind, rest, dispatcher, tracker)
        except Exception as error:
            apologise(dispatcher, error, f"{self.name()} location")
            return {LOCATION: None, VERDICT: ERROR}
        return {LOCATION: None}

    async def _check_code(
        self, raw: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        check = customers.check_format(raw)
        if check.ok:
            check = await in_session(_checked_code, raw)
        if not check.ok:
            dispatcher.utter_message(text=code_problem_text(check.problem))
            return {LOCATION: None}
        location = f"code:{check.code}"
        return {
            LOCATION: location,
            "customer_code": check.code,
            PENDING: None,
            **await self.after_location(location, dispatcher, tracker),
        }

    async def _check_place(
        self, kind: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if kind == "text":
            if answers.wants_to_stop(text):
                dispatcher.utter_message(text=common_words.stopped())
                return {LOCATION: None, VERDICT: STOPPED}
            if answers.says_no_code(text):
                dispatcher.utter_message(text=wording.no_code_ask_place())
                return {LOCATION: None, PENDING: None}
        # An ambiguous name asked back earlier is narrowed by this answer (only when it answers).
        pending = tracker.get_slot(PENDING) if tracker.get_slot("requested_slot") == LOCATION else None
        lookup = places.narrow(pending, text) if pending else places.resolve(text)
        if lookup.unknown:
            unclear = kind == "text" and not pending
            dispatcher.utter_message(
                text=wording.location_not_understood() if unclear else wording.place_not_found(text)
            )
            return {LOCATION: None}
        if lookup.ambiguous:
            question, buttons = wording.place_ambiguous(_shown(lookup.query), lookup.areas)
            dispatcher.utter_message(text=question, buttons=buttons)
            return {LOCATION: None, PENDING: lookup.query}
        area = lookup.found
        assert area is not None
        if self.needs_one_ward and area.single_ward is None:
            question, buttons = wording.place_too_broad(area)
            dispatcher.utter_message(text=question, buttons=buttons)
            return {LOCATION: None, PENDING: area.path}
        location = f"area:{area.path}"
        return {LOCATION: location, PENDING: None, **await self.after_location(location, dispatcher, tracker)}

    async def after_location(
        self, location: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        """More slots to set once the location is known (the report form checks it)."""
        return {}


def _checked_code(uow: Any, raw: str) -> customers.CodeCheck:
    return customers.check_code(uow, raw)


def _shown(query: str) -> str:
    """A customer's ambiguous place as we quote it back (short, single spaces)."""
    shown = " ".join(query.split())
    return shown if len(shown) <= 60 else shown[:57] + "..."


def reset_events(*names: str) -> list[EventType]:
    return [SlotSet(name, None) for name in names]
