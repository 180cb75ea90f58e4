"""Whether a connection has power ("bị cắt điện chưa", "sao nhà tôi bị cắt điện"), and
what happened in a past month ("còn tháng trước thì sao").

Told plainly only to a requester verified for the code: normal, a planned outage under
way, an incident on their station, or suspended for unpaid bills with what to pay and
how long reconnection takes. Anyone else hears the status of the area (identical
whether or not the connection is suspended) and is asked the 4 digits to check their
own connection. Never a bare "Dạ vâng ạ", which reads as a yes.
"""

from __future__ import annotations

from bot.dialogue import when
from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import Question
from bot.dialogue.topics import account, where
from bot.dialogue.topics.outages import REPORT_BUTTON, RESTORE_BUTTON, shown_outages
from bot.services.rules import load_rules
from bot.services.supply import Supply, SupplyAnswer
from bot.services.verification import State as Identity
from bot.wording import outage as outage_wording
from bot.wording import supply as words

_DEBT = Button.intent("Nợ tiền điện", "ask_debt")
_PAY = Button.intent("Cách thanh toán", "ask_payment_methods")


def _buttons(answer: SupplyAnswer) -> list[Button]:
    if answer.state is Supply.SUSPENDED:
        return [_DEBT, _PAY]
    if answer.state in (Supply.PLANNED, Supply.INCIDENT):
        return [RESTORE_BUTTON]
    if answer.verified and answer.debt is not None and answer.debt.overdue:
        return [_DEBT, REPORT_BUTTON]
    return [REPORT_BUTTON]


def supply_status(ctx: Context, question: Question) -> Asked | None:
    month = when.month(question.months[0], ctx.today) if question.months else None
    if month is not None and not month.current and not month.is_after(ctx.today):
        return history(ctx, question)
    place = where.locate(ctx, question, words.ask_where())
    if isinstance(place, Asked):
        return place
    if place.area is not None:
        answer = ctx.backend.supply_for_area(place.area)
        ctx.say(f"{words.supply_text(answer, ctx.now)} {words.area_hint()}", _buttons(answer))
        ctx.update(
            topic="supply_status",
            area=place.area.path,
            outages_shown=shown_outages(answer.planned, answer.incident),
        )
        return None
    assert place.code is not None
    found = ctx.backend.supply_for_code(place.code)
    if found is None:
        ctx.say(outage_wording.location_not_understood())
        return None
    ctx.update(
        topic="supply_status",
        customer_code=found.code,
        area=None,
        outages_shown=shown_outages(found.planned, found.incident),
    )
    text = words.supply_text(found, ctx.now, load_rules().posting["connected"])
    if found.verified:
        ctx.say(text, _buttons(found))
        return None
    identity = found.identity
    if identity is not None and identity.state is Identity.NEEDS_ANSWER and ctx.turn.requester.verifiable:
        ctx.say(f"{text} {words.verify_for_own_supply()}", _buttons(found))
        return account.ask_digits(ctx, Question("supply_status", code=found.code), found.code or "")
    ctx.say(f"{text} {words.own_supply_by_phone()}", _buttons(found))
    return None


def history(ctx: Context, question: Question) -> Asked | None:
    """The outages of a past month on the customer's station (a suspension too, verified)."""
    month = when.month(question.months[0], ctx.today)
    code = question.code or ctx.known_code()
    if month is None or not code:
        return account.ask_code(ctx, question)
    found = ctx.backend.supply_history(code, month)
    if found is None:
        ctx.say(outage_wording.location_not_understood())
        return None
    ctx.say(words.history_text(found), [Button.intent("Điện nhà tôi bây giờ", "ask_supply_status")])
    ctx.update(topic="supply_history", customer_code=found.code, period_shown=month.key)
    return None
