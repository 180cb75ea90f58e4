"""The residential tier table in force, a personal calculation ("300 số hết bao
nhiêu", "2 hộ xài chung 450 số"), one tier's price ("bậc 4 giá bao nhiêu") and the
previous table ("giá cũ"); "còn 1 hộ thì sao" keeps the kWh, "còn giá cũ thì sao" the
tier."""

from __future__ import annotations

from bot.dialogue.context import Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import Question
from bot.nlu.core import read as reader
from bot.services import tariff_quote
from bot.wording import tariff as words

PREVIOUS = "previous"


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
    if question.kwh is None and (question.tier is not None or question.tariff_when == PREVIOUS):
        _tier_or_previous(ctx, question, table)
        return
    households = question.households or 1
    if question.kwh is not None:
        bill = tariff_quote.quote(question.kwh, households, ctx.today)
        ctx.say(words.quote_text(bill, table), buttons)
    elif households > 1:
        ctx.say(words.table_text(table) + "\n\n" + words.HOUSEHOLDS_RULE_TEXT, buttons)
    else:
        ctx.say(words.table_text(table), buttons)
    ctx.update(topic="tariff", kwh=question.kwh, households=question.households, tier=None, tariff_when=None)


def _tier_or_previous(ctx: Context, question: Question, table: tariff_quote.PriceTable) -> None:
    previous = question.tariff_when == PREVIOUS
    shown = tariff_quote.previous_table(ctx.today) if previous else table
    buttons = (
        [Button.intent("Bảng giá hiện hành", "ask_tariff")]
        if previous
        else [Button.intent("Giá cũ", "ask_tariff", {"tariff_when": PREVIOUS})]
    )
    if shown is None:
        ctx.say(words.no_previous_table(), [Button.intent("Bảng giá hiện hành", "ask_tariff")])
    elif question.tier is None:
        ctx.say(words.previous_table_text(shown, table), buttons)
    elif (row := tariff_quote.tier_row(shown, question.tier)) is None:
        ctx.say(words.no_such_tier(question.tier, shown), buttons)
    else:
        ctx.say(words.tier_text(row, shown, previous=previous), buttons)
    ctx.update(
        topic="tariff", kwh=None, households=None, tier=question.tier, tariff_when=question.tariff_when
    )
