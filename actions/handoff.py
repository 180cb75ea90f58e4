"""Human handoff, Rasa side (thin: read the tracker, call bot.services.handoff, render).

- ``action_handoff_request``: "cho tôi nói chuyện với nhân viên". Opens a handoff with a
  summary built from the tracker (:func:`context_from_tracker`); the customer is told their
  place and wait and the conversation is paused (``ConversationPaused``: the bot stays
  silent, the customer's messages reach the agent through Rasa's event broker). Out of
  hours / nobody online / a channel agents cannot write to: a callback offer with the
  hotline, then ``handoff_callback_form`` asks the number and when to call.
- ``action_agent_message``: run by the desk (``POST /conversations/{id}/execute``,
  ``output_channel=latest``) to deliver the agent's undelivered messages.
- ``action_handoff_closed``: run by the desk when the agent closes (or the customer
  cancels while waiting): the bot says it is back, asks for a 1–5 rating
  (``awaiting = "rating"``), and resumes the conversation. Repeating it says nothing twice.
- ``action_handoff_rating``: the customer's answer to the rating question.
- ``action_session_start``: a conversation idle past the session expiry keeps its pause
  while its handoff is open (a new session would otherwise wake the bot up).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    ConversationResumed,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import DB_ERRORS, apologise, in_db, latest_text, requester, say
from bot.services import handoff, handoff_config, handoff_hours, handoff_messages, verification
from bot.services.handoff import HandoffError, HandoffReason, HandoffRequest, HandoffStatus
from bot.services.handoff_summary import ConversationContext, Utterance
from bot.wording import handoff as wording

log = logging.getLogger(__name__)

AWAITING = "awaiting"
HANDOFF = "handoff"
PHONE = "callback_phone"
WINDOW = "callback_window"
CALLBACK_FORM = "handoff_callback_form"
REGISTERED = "registered"
CANCELLED = "cancelled"
TICKET_SLOTS = ("outage_ticket", "hazard_ticket")
HAZARD_INTENTS = frozenset({"report_hazard"})
RATING_RE = re.compile(r"(?<![\d/.,:])([1-5])(?![\d/.,:])")


# ------------------------------------------------------------------ tracker reading


def context_from_tracker(tracker: Tracker, note: str | None = None) -> ConversationContext:
    """What the bot knows of this conversation (since the session started), for the summary."""
    intents: list[str] = []
    messages: list[Utterance] = []
    for event in tracker.events_after_latest_restart():
        kind = event.get("event")
        if kind == "session_started":
            intents, messages = [], []
        elif kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent:
                intents.append(intent)
            messages.append(Utterance("customer", str(event.get("text") or "")))
        elif kind == "bot" and event.get("text"):
            messages.append(Utterance("bot", str(event["text"])))
    slots = {k: v for k, v in tracker.current_slot_values().items() if v not in (None, "", [])}
    tickets = [tracker.get_slot(name) for name in TICKET_SLOTS if tracker.get_slot(name)]
    return ConversationContext(
        intents=intents, slots=slots, messages=messages, ticket_numbers=tickets, note=note
    )


def reason_from(context: ConversationContext, locked: bool) -> HandoffReason:
    """Why this person wants a human, from what the bot saw: a hazard first, then a locked
    verification, then an operator rule, else a plain request."""
    if context.slots.get("hazard_ticket") or HAZARD_INTENTS & set(context.intents[-6:]):
        return HandoffReason.HAZARD
    if locked:
        return HandoffReason.VERIFICATION_LOCK
    rule = handoff.operator_rule(context.intents[-6:])
    return rule.reason if rule is not None else HandoffReason.REQUEST


def _open(uow: Any, tracker: Tracker, context: ConversationContext) -> handoff.HandoffOpened:
    who = requester(tracker)
    code = tracker.get_slot("customer_code")
    locked = bool(code) and verification.status(uow, code, who).state is verification.State.LOCKED
    request = HandoffRequest(
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel() or who.channel,
        reason=reason_from(context, locked),
        context=context,
        customer_code=code,
        requester=who,
    )
    return handoff.open_handoff(uow, request)


class ActionHandoffRequest(Action):
    def name(self) -> str:
        return "action_handoff_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            opened = await in_db(_open, tracker, context_from_tracker(tracker))
        except DB_ERRORS as error:
            apologise(dispatcher, error)
            return []
        if opened.status is HandoffStatus.WAITING:
            say(dispatcher, wording.queued_text(opened))
            return [SlotSet(HANDOFF, str(opened.handoff_id)), SlotSet(AWAITING, None), ConversationPaused()]
        say(dispatcher, wording.callback_offer_text(opened))
        if opened.callback is not None:  # already arranged: nothing more to ask
            return [SlotSet(HANDOFF, str(opened.handoff_id))]
        return [
            SlotSet(HANDOFF, str(opened.handoff_id)),
            SlotSet(PHONE, None),
            SlotSet(WINDOW, None),
            SlotSet(AWAITING, "callback"),
            FollowupAction(CALLBACK_FORM),
        ]


# ----------------------------------------------------------------------- callbacks


def is_cancel(text: str | None, intent: str | None = None) -> bool:
    """ "thôi", "hủy", "không cần nữa"... or a plain "không" to the callback question."""
    return handoff_messages.is_cancel(text, intent) or intent == "deny"


class ActionAskCallbackPhone(Action):
    def name(self) -> str:
        return "action_ask_callback_phone"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            tail = (await in_db(handoff.callback_details, tracker.sender_id)).registered_phone_tail
        except DB_ERRORS:
            tail = None
        buttons = [{"title": "Được", "payload": "/affirm"}] if tail else []
        say(dispatcher, wording.ask_phone_text(tail), [*buttons, {"title": "Hủy", "payload": "hủy"}])
        return []


class ActionAskCallbackWindow(Action):
    def name(self) -> str:
        return "action_ask_callback_window"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        phone = tracker.get_slot(PHONE) or ""
        try:
            details = await in_db(handoff.callback_details, tracker.sender_id)
            tail, hours = details.registered_phone_tail, details.hours
        except DB_ERRORS:
            tail, hours = None, ""
        shown = (
            f"số đã đăng ký đuôi {tail}"
            if phone == REGISTERED
            else f"số {handoff.format_phone(phone)}"
            if handoff.normalize_phone(phone)
            else "số của anh/chị"
        )
        say(dispatcher, wording.ask_window_text(shown, hours))
        return []


class ValidateHandoffCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_callback_form"

    async def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # emptied when the form started, not an answer
            return {PHONE: None}
        text = latest_text(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if is_cancel(text, intent) and intent != "affirm":
            return {PHONE: CANCELLED, WINDOW: CANCELLED}
        entity = next(tracker.get_latest_entity_values("phone"), None)
        number = handoff.normalize_phone(entity or text)
        if number:
            return {PHONE: number}
        if (
            intent == "affirm"
            and (await in_db(handoff.callback_details, tracker.sender_id)).registered_phone_tail
        ):
            return {PHONE: REGISTERED}
        dispatcher.utter_message(text=wording.PHONE_FORMAT_TEXT)
        return {PHONE: None}

    async def validate_callback_window(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # emptied when the form started, not an answer
            return {WINDOW: None}
        text = latest_text(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if handoff_messages.is_cancel(text, intent) and not list(tracker.get_latest_entity_values("time")):
            return {PHONE: CANCELLED, WINDOW: CANCELLED}
        dates = [str(v) for v in tracker.get_latest_entity_values("date")]
        times = [str(v) for v in tracker.get_latest_entity_values("time")]
        return {WINDOW: "|".join([";".join(dates), ";".join(times)]) or "|"}


def _record(session: Any, conversation_id: str, phone: str, asked: str) -> tuple[Any, bool]:
    config = handoff_config.load_config()
    dates_text, _, times_text = asked.partition("|")
    window = handoff_hours.callback_window(
        handoff_config.working_hours(session, config),
        [d for d in dates_text.split(";") if d],
        [t for t in times_text.split(";") if t],
        default_length=timedelta(minutes=config.callback_window_minutes),
    )
    recorded = handoff.record_callback(
        session,
        conversation_id,
        window,
        phone=None if phone == REGISTERED else phone,
        use_registered_phone=phone == REGISTERED,
    )
    asked_something = bool(dates_text or times_text)
    return recorded, asked_something and not window.as_asked


class ActionHandoffCallbackSubmit(Action):
    def name(self) -> str:
        return "action_handoff_callback_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        phone, asked = tracker.get_slot(PHONE) or "", tracker.get_slot(WINDOW) or "|"
        done = [SlotSet(PHONE, None), SlotSet(WINDOW, None), SlotSet(AWAITING, None)]
        try:
            if phone == CANCELLED:
                await in_db(handoff.cancel_by_customer, tracker.sender_id)
                dispatcher.utter_message(text=wording.CANCELLED_TEXT)
                return [*done, SlotSet(HANDOFF, None)]
            recorded, moved = await in_db(_record, tracker.sender_id, phone, asked)
        except HandoffError as refused:
            log.warning("callback not recorded: %s", refused)
            dispatcher.utter_message(text=wording.CANCELLED_TEXT)
            return [*done, SlotSet(HANDOFF, None)]
        except DB_ERRORS as error:
            apologise(dispatcher, error)
            return done
        say(dispatcher, wording.callback_recorded_text(recorded, moved))
        return done


# --------------------------------------------------------------- run by the desk


class ActionAgentMessage(Action):
    def name(self) -> str:
        return "action_agent_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        texts = await in_db(handoff_messages.take_undelivered, tracker.sender_id)
        for text in texts:
            dispatcher.utter_message(text=text)
        return []


class ActionHandoffClosed(Action):
    def name(self) -> str:
        return "action_handoff_closed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        notice = await in_db(handoff.closing_notice, tracker.sender_id)
        if notice is None:  # told already (a retried request): only make sure the bot is back
            return [ConversationResumed()] if tracker.is_paused() else []
        ask = notice.ask_rating
        say(dispatcher, wording.closing_text(notice), wording.RATING_BUTTONS if ask else [])
        return [
            ConversationResumed(),
            SlotSet(HANDOFF, None),
            SlotSet(AWAITING, "rating" if ask else None),
            ActionExecuted("action_listen"),  # the bot now listens, as after any answer
        ]


# ------------------------------------------------------------------------ rating


def rating_from_text(text: str | None) -> int | None:
    """1–5 in a short answer ("5", "5 sao", "chấm 4 điểm"); None otherwise."""
    value = (text or "").strip()
    if len(value) > 80:
        return None
    found = {int(m) for m in RATING_RE.findall(value)}
    return found.pop() if len(found) == 1 else None


class ActionHandoffRating(Action):
    def name(self) -> str:
        return "action_handoff_rating"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        done = [SlotSet(AWAITING, None)]
        score = rating_from_text(latest_text(tracker)) if tracker.get_slot(AWAITING) == "rating" else None
        if score is None:
            dispatcher.utter_message(text=wording.NO_RATING_TEXT)
            return done
        try:
            stored = await in_db(handoff.store_rating, tracker.sender_id, score)
        except DB_ERRORS as error:
            apologise(dispatcher, error)
            return done
        dispatcher.utter_message(text=wording.rating_text(score) if stored else wording.NO_RATING_TEXT)
        return done


# ------------------------------------------------------------------ session start


class ActionSessionStart(Action):
    """Rasa's default session start (slots carried over), plus: an open handoff keeps the
    conversation paused, since a new session would otherwise let the bot talk again."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        events += [
            SlotSet(name, value) for name, value in tracker.current_slot_values().items() if value is not None
        ]
        try:
            active = await in_db(handoff.active_handoff, tracker.sender_id)
        except DB_ERRORS:
            active = None
        if active is not None and active.status in (HandoffStatus.WAITING, HandoffStatus.ACTIVE):
            events.append(ConversationPaused())
        events.append(ActionExecuted("action_listen"))
        return events
