"""Customer offices ("phòng giao dịch điện lực ở đâu", "mấy giờ mở cửa"): the office of
the customer's branch (by code: public, the code names the branch) or of a place, its
address and hours, and whether it is open right now (Vietnam time)."""

from __future__ import annotations

from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import Question
from bot.dialogue.topics import where
from bot.wording import offices as words
from bot.wording import outage as outage_wording


def office(ctx: Context, question: Question) -> Asked | None:
    place = where.locate(ctx, question, words.ask_where())
    if isinstance(place, Asked):
        return place
    if place.code:
        found = ctx.backend.offices_for_code(place.code)
        if found is None:
            ctx.say(outage_wording.location_not_understood())
            return None
    else:
        assert place.area is not None
        found = ctx.backend.offices_for_area(place.area)
        ctx.update(area=place.area.path)
    ctx.say(words.offices_text(found), [Button.intent("Cách thanh toán", "ask_payment_methods")])
    ctx.update(topic="office")
    return None
