"""Meter topics answered by ``action_account_answer``: readings and reading dates."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.common import TopicReply, button, in_db
from bot.domain.periods import Month
from bot.services import meter
from bot.services.verification import Requester
from bot.wording import meter as meter_words


async def reading_topic(tracker: Tracker, code: str, who: Requester, months: list[Month]) -> TopicReply:
    answer = await in_db(meter.reading_answer, code, who, months[0] if months else None)
    bill = button("Xem hóa đơn", "ask_bill", {"period": answer.month_key} if answer.month_key else None)
    return TopicReply(meter_words.reading_text(answer), [bill, button("Ngày ghi chỉ số", "ask_reading_date")])


async def reading_date_topic(tracker: Tracker, code: str, who: Requester, months: list[Month]) -> TopicReply:
    answer = await in_db(meter.reading_date_answer, code, who)
    return TopicReply(
        meter_words.reading_date_text(answer),
        [button("Chỉ số công tơ", "ask_meter_reading"), button("Xem hóa đơn", "ask_bill")],
    )


TOPICS = {"meter_reading": reading_topic, "reading_date": reading_date_topic}
