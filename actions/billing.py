"""Billing answers: ``action_account_answer`` (after ``account_form``) and payment methods.

``action_account_answer`` answers the topic in ``last_topic`` (set from the intent of the
question: bill, bill detail, why high, debt, re-check, meter reading, reading date) for
the code in ``customer_code`` and the months in ``period``. The services re-check the
verification in the database; when it is missing the reason is explained instead.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import meter as meter_actions
from actions.common import DB_ERRORS, TopicReply, apologise, button, in_db, requester, say
from actions.identity import ANSWER, CODE, CODE_FAILURES, STOP, not_verified_text
from bot import clock
from bot.domain import periods
from bot.domain.periods import Month
from bot.services import billing
from bot.services.verification import NotVerified, Requester
from bot.wording import billing as billing_words

TOPIC = "last_topic"
PERIOD = "period"
SHOWN_MONTH = "shown_month"
OFFER = "pending_offer"
OFFER_RECHECK = "recheck"
MAX_MONTHS = 3

Topic = Callable[[Tracker, str, Requester, list[Month]], Awaitable[TopicReply]]


ACCOUNT_INTENTS = frozenset(
    {
        "ask_bill",
        "ask_bill_detail",
        "ask_bill_high",
        "ask_debt",
        "request_recheck",
        "ask_meter_reading",
        "ask_reading_date",
    }
)


def months_asked(tracker: Tracker) -> list[Month]:
    """The months named since the question being answered ("tháng 7 với tháng 8", then
    maybe "à tháng 9" while identifying), resolved with today's date.

    Read from the messages, not from a slot, so months said in other conversations (an
    outage schedule "tháng sau") never leak into a bill.
    """
    values: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == ActionAccountAnswer.NAME:
            break
        if event.get("event") != "user":
            continue
        parse = event.get("parse_data") or {}
        found = [e.get("value") for e in parse.get("entities") or [] if e.get("entity") == PERIOD]
        values = [v for v in found if isinstance(v, str)] + values
        if ((parse.get("intent") or {}).get("name")) in ACCOUNT_INTENTS:
            break
    today = clock.today()
    months = [m for m in (periods.resolve(v, today) for v in values) if m]
    return list(dict.fromkeys(months))[:MAX_MONTHS]


def shown_month(tracker: Tracker) -> Month | None:
    return periods.resolve(tracker.get_slot(SHOWN_MONTH), clock.today())


def bill_buttons(month_key: str | None) -> list[dict]:
    buttons = [button("Xem chi tiết", "ask_bill_detail")]
    month = periods.resolve(month_key, clock.today())
    if month is not None:
        buttons.append(button("Tháng trước đó", "ask_bill", {"period": periods.previous(month).key}))
    buttons += [button("Nợ tiền điện", "ask_debt"), button("Cách thanh toán", "ask_payment_methods")]
    return buttons


async def bill_topic(tracker: Tracker, code: str, who: Requester, months: list[Month]) -> TopicReply:
    answers = [await in_db(billing.bill_answer, code, who, month) for month in (months or [None])]
    shown = [a for a in answers if a.month_key]
    key = shown[-1].month_key if shown else None
    buttons = (
        bill_buttons(key)
        if key
        else [button("Hóa đơn mới nhất", "ask_bill"), button("Nợ tiền điện", "ask_debt")]
    )
    return TopicReply("\n\n".join(billing_words.bill_text(a) for a in answers), buttons, month_key=key)


async def bill_detail_topic(tracker: Tracker, code: str, who: Requester, months: list[Month]) -> TopicReply:
    month = months[0] if months else shown_month(tracker)
    answer = await in_db(billing.bill_detail_answer, code, who, month)
    buttons = [
        button("Vì sao tiền điện cao", "ask_bill_high"),
        button("Cách thanh toán", "ask_payment_methods"),
    ]
    return TopicReply(billing_words.bill_detail_text(answer), buttons, month_key=answer.month_key)


async def bill_high_topic(tracker: Tracker, code: str, who: Requester, months: list[Month]) -> TopicReply:
    answer = await in_db(billing.bill_high_answer, code, who, months[0] if months else None)
    text = billing_words.bill_high_text(answer)
    if not answer.offer_recheck:
        return TopicReply(text, [button("Hóa đơn mới nhất", "ask_bill")])
    buttons = [
        button("Tạo yêu cầu phúc tra", "request_recheck"),
        button("Không cần", "deny"),
        button("Xem chi tiết", "ask_bill_detail"),
    ]
    return TopicReply(text, buttons, month_key=answer.month_key, offer=OFFER_RECHECK)


async def debt_topic(tracker: Tracker, code: str, who: Requester, months: list[Month]) -> TopicReply:
    answer = await in_db(billing.debt_answer, code, who)
    return TopicReply(
        billing_words.debt_text(answer),
        [button("Cách thanh toán", "ask_payment_methods"), button("Xem hóa đơn", "ask_bill")],
    )


async def recheck_topic(tracker: Tracker, code: str, who: Requester, months: list[Month]) -> TopicReply:
    month = months[0] if months else shown_month(tracker)
    result = await in_db(billing.open_recheck, code, who, month)
    return TopicReply(billing_words.recheck_text(result), [button("Xem hóa đơn", "ask_bill")])


async def menu_topic(tracker: Tracker, code: str, who: Requester, months: list[Month]) -> TopicReply:
    return TopicReply(
        f"Dạ, anh/chị cần em tra cứu gì cho mã {code} ạ?",
        [
            button("Xem hóa đơn", "ask_bill"),
            button("Nợ tiền điện", "ask_debt"),
            button("Chỉ số công tơ", "ask_meter_reading"),
            button("Ngày ghi chỉ số", "ask_reading_date"),
        ],
    )


TOPICS: dict[str, Topic] = {
    "bill": bill_topic,
    "bill_detail": bill_detail_topic,
    "bill_high": bill_high_topic,
    "debt": debt_topic,
    "recheck": recheck_topic,
    **meter_actions.TOPICS,
}


class ActionAccountAnswer(Action):
    """Answer the account question once ``account_form`` has ended."""

    NAME = "action_account_answer"

    def name(self) -> str:
        return self.NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SlotSet(ANSWER, None), SlotSet(CODE_FAILURES, None)]
        if tracker.get_slot(STOP):  # the form already said why it stopped
            return [*events, SlotSet(STOP, None)]
        code = tracker.get_slot(CODE)
        if not code:
            dispatcher.utter_message(text="Dạ, khi có mã khách hàng anh/chị nhắn em để em tra cứu nha.")
            return events
        topic_name = tracker.get_slot(TOPIC) or ""
        topic = TOPICS.get(topic_name, menu_topic)
        try:
            reply = await topic(tracker, code, requester(tracker), months_asked(tracker))
        except NotVerified as refused:
            dispatcher.utter_message(
                text=not_verified_text(refused.status), buttons=[button("Số tổng đài", "ask_contact")]
            )
            return events
        except DB_ERRORS as error:
            apologise(dispatcher, error)
            return events
        say(dispatcher, reply.text, reply.buttons)
        events.append(SlotSet(OFFER, reply.offer))
        if topic_name == "recheck":  # "còn tháng trước?" after a re-check asks for a bill
            events.append(SlotSet(TOPIC, "bill"))
        if reply.month_key:
            events.append(SlotSet(SHOWN_MONTH, reply.month_key))
        return events


class ActionPaymentMethods(Action):
    """How to pay (public information: no verification)."""

    def name(self) -> str:
        return "action_payment_methods"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        say(
            dispatcher,
            billing_words.payment_methods_text(),
            [button("Nợ tiền điện", "ask_debt"), button("Xem hóa đơn", "ask_bill")],
        )
        return []
