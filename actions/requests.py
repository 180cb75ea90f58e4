"""Requests the bot cannot complete (new connection, change of owner, meter inspection,
e-invoice copy, reconnection), and the answers to the bot's offers ("có" / "không")."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.billing import OFFER, OFFER_RECHECK, recheck_topic
from actions.common import DB_ERRORS, apologise, button, in_db, latest_text, requester, say
from actions.identity import CODE, not_verified_text
from bot.nlu.core import read
from bot.services import requests_info
from bot.services.verification import NotVerified
from bot.wording import requests as request_words

KIND = "service_kind"
REQUEST_OFFER_PREFIX = "request:"
TICKET_OFFER = request_words.TICKET_OFFER


def menu_buttons() -> list[dict]:
    catalogue = requests_info.catalogue().requests
    return [button(request.title, "request_service", {KIND: kind}) for kind, request in catalogue.items()]


class ActionServiceRequest(Action):
    def name(self) -> str:
        return "action_service_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        given = next(iter(tracker.get_latest_entity_values(KIND)), None)
        kind = given if requests_info.get(given) else read.service_kind(latest_text(tracker))
        if kind is None:
            dispatcher.utter_message(text=request_words.menu_text(), buttons=menu_buttons())
            return [SlotSet(OFFER, None)]
        text = request_words.instructions_text(kind) + "\n\n" + TICKET_OFFER
        say(dispatcher, text, [button("Tạo yêu cầu", "affirm"), button("Không cần", "deny")])
        return [SlotSet(OFFER, REQUEST_OFFER_PREFIX + kind)]


class ActionAcceptOffer(Action):
    """ "có" after an offer: open the re-check or the request ticket offered."""

    def name(self) -> str:
        return "action_accept_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        offer = tracker.get_slot(OFFER) or ""
        done = [SlotSet(OFFER, None)]
        try:
            if offer == OFFER_RECHECK and tracker.get_slot(CODE):
                reply = await recheck_topic(tracker, tracker.get_slot(CODE), requester(tracker), [])
                say(dispatcher, reply.text, reply.buttons)
            elif offer.startswith(REQUEST_OFFER_PREFIX) and requests_info.get(
                offer[len(REQUEST_OFFER_PREFIX) :]
            ):
                kind = offer[len(REQUEST_OFFER_PREFIX) :]
                who = requester(tracker)
                ticket = await in_db(
                    requests_info.open_request_ticket, kind, tracker.get_slot(CODE), who.channel
                )
                dispatcher.utter_message(text=request_words.ticket_text(ticket))
            else:
                dispatcher.utter_message(text="Dạ vâng ạ. Anh/chị cần em hỗ trợ gì thêm cứ nhắn em nha.")
        except NotVerified as refused:
            dispatcher.utter_message(text=not_verified_text(refused.status))
        except DB_ERRORS as error:
            apologise(dispatcher, error)
        return done


class ActionDeclineOffer(Action):
    def name(self) -> str:
        return "action_decline_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text="Dạ vâng ạ. Anh/chị cần em hỗ trợ gì thêm cứ nhắn em nha.")
        return [SlotSet(OFFER, None)]
