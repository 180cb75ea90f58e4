"""``action_tariff``: the residential tier table in force, or a personal calculation."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import DB_ERRORS, button, in_db, latest_text, requester, say
from actions.identity import CODE
from bot.nlu.core import read
from bot.services import tariff_quote
from bot.wording import tariff as tariff_words


class ActionTariff(Action):
    def name(self) -> str:
        return "action_tariff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        said = read.quote(latest_text(tracker))
        request = tariff_quote.QuoteRequest(said.kwh, said.households, said.business)
        residential = not request.business
        if residential and tracker.get_slot(CODE):
            try:
                residential = await in_db(
                    tariff_quote.residential_applies, tracker.get_slot(CODE), requester(tracker)
                )
            except DB_ERRORS:
                residential = True  # prices come from the tariff file, not the database
        buttons = [button("Xem hóa đơn của tôi", "ask_bill"), button("Vì sao tiền điện cao", "ask_bill_high")]
        if not residential:
            say(dispatcher, tariff_words.business_text(), [button("Số tổng đài", "ask_contact")])
            return []
        table = tariff_quote.price_table()
        if request.kwh is not None:
            bill = tariff_quote.quote(request.kwh, request.households)
            say(dispatcher, tariff_words.quote_text(bill, table), buttons)
        elif request.households > 1:
            say(
                dispatcher,
                tariff_words.table_text(table) + "\n\n" + tariff_words.HOUSEHOLDS_RULE_TEXT,
                buttons,
            )
        else:
            say(dispatcher, tariff_words.table_text(table), buttons)
        return []
