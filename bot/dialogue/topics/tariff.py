"""The residential tier table in force, or a personal calculation ("300 số hết bao
nhiêu", "2 hộ xài chung 450 số"); "còn 1 hộ thì sao" keeps the kWh."""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import Question
from bot.nlu.core import read as reader
from bot.services import tariff_quote
from bot.wording import tariff as words


def tariff(ctx: Context, question: Question) -> None:
    buttons = [
        Button.intent("Xem hóa đơn của tôi", "ask_bill"),
        Button.intent("Vì sao tiền điện cao", "ask_bill_high"),
    ]
    residential = not reader.quote(ctx.turn.text).business
    if residential and ctx.state.customer_code:
        residential = ctx.backend.residential(ctx.state.customer_code)
    if not residential:
        ctx.say(words.business_text(), [Button.intent("Số tổng đài", "ask_contact")])
        ctx.update(topic="tariff")
        return
    table = tariff_quote.price_table(ctx.today)
    households = question.households or 1
    if question.kwh is not None:
        bill = tariff_quote.quote(question.kwh, households, ctx.today)
        ctx.say(words.quote_text(bill, table), buttons)
    elif households > 1:
        ctx.say(words.table_text(table) + "\n\n" + words.HOUSEHOLDS_RULE_TEXT, buttons)
    else:
        ctx.say(words.table_text(table), buttons)
    ctx.update(topic="tariff", kwh=question.kwh, households=question.households)
