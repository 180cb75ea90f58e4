"""Planned outages, when power comes back, the supply status, and the short questions
about the outage just shown ("mấy giờ có điện lại", "vì sao cắt vậy").

Outage questions need a customer code or a place (old or new ward names; an ambiguous
name is asked back with buttons). What the conversation knows is reused: the code or
place of the question, else the place of the last outage answer, else the code in play,
else the one code remembered for this user.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.dialogue.backend import resolve_place
from bot.dialogue.context import Asked, Context
from bot.dialogue.outcome import Button
from bot.dialogue.state import AWAIT_LOCATION, AWAIT_PLACE_CHOICE, Awaiting, Question, ShownOutage
from bot.dialogue.text import plain
from bot.domain import places
from bot.nlu.core import read as reader
from bot.services import outage, restore
from bot.services.outage_results import IncidentInfo, PlannedInfo
from bot.wording import outage as wording
from bot.wording import outages as context_wording
from bot.wording import restore as restore_wording
from bot.wording.customers import code_problem_text

OUTAGE_QUESTION_TOPICS = frozenset(
    {"outage_schedule", "restore_time", "outage_report", "supply_status", "outage_reason"}
)
_FLOW = {"outage_schedule": "schedule", "outage_report": "report"}
REPORT_BUTTON = Button.intent("Báo mất điện", "report_outage")
RESTORE_BUTTON = Button.intent("Khi nào có điện lại?", "ask_restore_time")


def buttons_of(items: list[dict[str, str]]) -> list[Button]:
    return [Button(item["title"], item["payload"]) for item in items]


@dataclass(frozen=True)
class Location:
    code: str | None = None
    area: places.Area | None = None

    @property
    def where(self) -> str:
        return f"khu vực mã khách hàng {self.code}" if self.code else (self.area.label if self.area else "")


def locate(ctx: Context, question: Question, need_ward: bool = False) -> Location | Asked:
    """Where the question is about, checked; or the question asked back."""
    flow = _FLOW.get(question.topic, "restore")
    if question.code:
        check = ctx.backend.check_code(question.code)
        if not check.ok:
            return ctx.ask(_awaiting(question, AWAIT_LOCATION), code_problem_text(check.problem))
        ctx.update(customer_code=check.code)
        return Location(code=check.code)
    if question.area:
        return _place(ctx, question, question.area, need_ward)
    if ctx.details.malformed_codes and not ctx.details.areas:
        return ctx.ask(_awaiting(question, AWAIT_LOCATION), ctx.malformed_code_reason())
    if ctx.state.area:
        return _place(ctx, replace(question, area=ctx.state.area), ctx.state.area, need_ward)
    code = ctx.known_code()
    if code and ctx.backend.customer_exists(code):
        ctx.update(customer_code=code)
        return Location(code=code)
    return ctx.ask(_awaiting(question, AWAIT_LOCATION), wording.ask_location(flow))


def _awaiting(question: Question, kind: str, query: str | None = None) -> Awaiting:
    """Wait for where: the question's own code and place are replaced by the answer."""
    return Awaiting(kind, (replace(question, code=None, area=None),), query=query)


def _place(
    ctx: Context, question: Question, text: str, need_ward: bool, pending: str | None = None
) -> Location | Asked:
    lookup = resolve_place(text, pending)
    if lookup.unknown:
        return ctx.ask(_awaiting(question, AWAIT_LOCATION), wording.place_not_found(text))
    if lookup.ambiguous:
        question_text, buttons = wording.place_ambiguous(_shown(lookup.query), lookup.areas)
        return ctx.ask(
            _awaiting(question, AWAIT_PLACE_CHOICE, query=lookup.query), question_text, buttons_of(buttons)
        )
    area = lookup.found
    assert area is not None
    if need_ward and area.single_ward is None:
        question_text, buttons = wording.place_too_broad(area)
        return ctx.ask(
            _awaiting(question, AWAIT_PLACE_CHOICE, query=area.path), question_text, buttons_of(buttons)
        )
    return Location(area=area)


def _shown(query: str) -> str:
    shown = " ".join(query.split())
    return shown if len(shown) <= 60 else shown[:57] + "..."


# ---------------------------------------------------------------- awaited answers


def take_location(ctx: Context, awaiting: Awaiting) -> tuple[Question, ...] | None:
    """A code, a place (typed or chosen), or a ticket number, for the outage questions."""
    details = ctx.details
    if details.code or details.malformed_codes:
        code = details.code or details.malformed_codes[0]
        ctx.update(awaiting=None)
        return tuple(replace(q, code=code, area=None) for q in awaiting.questions)
    if details.ticket and any(q.topic == "restore_time" for q in awaiting.questions):
        ctx.update(awaiting=None)
        return tuple(replace(q, ticket=details.ticket) for q in awaiting.questions)
    if reader.says_no_code(ctx.turn.text):
        ctx.say(wording.no_code_ask_place())
        ctx.wait(awaiting)
        return ()
    area = details.area or _free_text_place(ctx)
    if area is None:
        return None
    if awaiting.kind == AWAIT_PLACE_CHOICE and awaiting.query:
        lookup = resolve_place(area, awaiting.query)
        if lookup.found is not None:
            area = lookup.found.path
    ctx.update(awaiting=None)
    return tuple(replace(q, area=area, code=None) for q in awaiting.questions)


def _free_text_place(ctx: Context) -> str | None:
    """A message that is no question of its own is read as a place ("Tân An, Cần Thơ")."""
    text = " ".join(ctx.turn.text.split())
    question_intents = {i for i in ctx.turn.intents if i.startswith(("ask_", "report_", "request_"))}
    if not text or ctx.turn.is_button or question_intents or len(text) > 200:
        return None
    if not any(ch.isalpha() for ch in text) or len(plain(text)) < 3:
        return None
    return text


# ----------------------------------------------------------------------- answers


def _shown_items(schedule: outage.Schedule) -> tuple[ShownOutage, ...]:
    return tuple(
        ShownOutage("planned", i.code, i.starts_at.isoformat(), i.ends_at.isoformat(), i.reason, i.area)
        for i in schedule.items[: wording.MAX_SCHEDULE_ITEMS]
    )


def schedule(ctx: Context, question: Question) -> Asked | None:
    where = locate(ctx, question)
    if isinstance(where, Asked):
        return where
    dates = outage.resolve_range(list(question.dates) or None, ctx.today)
    if where.code:
        found = ctx.backend.schedule_for_code(where.code, dates)
        station = ctx.backend.station_of(where.code)
    else:
        assert where.area is not None
        found, station = ctx.backend.schedule_for_area(where.area, dates), None
    if found is None:
        ctx.say(wording.location_not_understood())
        return None
    buttons = [RESTORE_BUTTON] if found.items else [REPORT_BUTTON]
    ctx.say(wording.schedule_reply(found), buttons)
    ctx.update(
        topic="outage_schedule",
        dates_shown=question.dates,
        outages_shown=_shown_items(found),
        area=where.area.path if where.area else None,
        station=station,
    )
    return None


def _status(ctx: Context, where: Location) -> restore.RestoreStatus | None:
    if where.code:
        return ctx.backend.restore_for_code(where.code)
    assert where.area is not None
    return ctx.backend.restore_for_area(where.area)


def _verified(ctx: Context, code: str | None) -> bool:
    return bool(code) and ctx.backend.identity(code).verified


def shown_outages(planned: PlannedInfo | None, incident: IncidentInfo | None) -> tuple[ShownOutage, ...]:
    """What an answer told about: a planned outage under way, or an incident."""
    if planned is not None:
        return (_planned(planned),)
    if incident is not None:
        return (_incident(incident),)
    return ()


def _shown_from_status(status: restore.RestoreStatus) -> tuple[ShownOutage, ...]:
    return shown_outages(status.planned, status.incident)


def _planned(info: PlannedInfo) -> ShownOutage:
    return ShownOutage("planned", "", info.starts_at.isoformat(), info.ends_at.isoformat(), info.reason)


def _incident(info: IncidentInfo) -> ShownOutage:
    expected = info.expected_restoration_at.isoformat() if info.expected_restoration_at else None
    started = info.started_at.isoformat() if info.started_at else None
    cause = "" if info.from_reports else info.cause
    return ShownOutage("incident", info.code, started, expected, cause)


def restore_time(ctx: Context, question: Question) -> Asked | None:
    """When power comes back: a quoted ticket; the planned outages just listed; or the
    status of the customer's or place's supply (their own ticket when nothing else)."""
    if question.ticket:
        status = ctx.backend.restore_for_ticket(question.ticket)
        return _tell_restore(ctx, status, None, question.ticket)
    planned = [o for o in ctx.state.outages_shown if o.kind == "planned"]
    if planned and ctx.state.topic == "outage_schedule" and not (question.code or question.area):
        ctx.say(context_wording.shown_restore([(o.starts_at, o.ends_at) for o in planned], ctx.now))
        ctx.update(topic="restore_time")
        return None
    own = ctx.state.outage_ticket
    if own and not (question.code or question.area):
        return _tell_restore(ctx, ctx.backend.restore_for_ticket(own), None, None)
    where = locate(ctx, question)
    if isinstance(where, Asked):
        return where
    status = _status(ctx, where)
    if status is None:
        ctx.say(wording.location_not_understood())
        return None
    if where.area is not None and status.status == restore.Status.NOTHING and own:
        status = ctx.backend.restore_for_ticket(own)
    ctx.update(area=where.area.path if where.area else None)
    return _tell_restore(ctx, status, where.code, None)


def _tell_restore(ctx: Context, status: restore.RestoreStatus, code: str | None, quoted: str | None) -> None:
    verified = status.status == restore.Status.SUSPENDED and _verified(ctx, code)
    offer_report = status.status in (
        restore.Status.NOTHING,
        restore.Status.RESTORED,
        restore.Status.TICKET_CLOSED,
    )
    ctx.say(
        restore_wording.restore_reply(status, customer_code=code, ticket_number=quoted, verified=verified),
        [REPORT_BUTTON] if offer_report else [],
    )
    ctx.update(topic="restore_time", outages_shown=_shown_from_status(status))


def supply_status(ctx: Context, question: Question) -> Asked | None:
    """ "Nhà tôi có bị cắt điện không": normal, a planned outage, an incident, or
    suspended (the reason said plainly only to a verified requester)."""
    where = locate(ctx, question)
    if isinstance(where, Asked):
        return where
    status = _status(ctx, where)
    if status is None:
        ctx.say(wording.location_not_understood())
        return None
    ctx.update(area=where.area.path if where.area else None)
    if status.status == restore.Status.NOTHING:
        ctx.say(
            context_wording.supply_normal(where.where or restore_wording.restore_place(status)),
            [REPORT_BUTTON],
        )
        ctx.update(topic="supply_status", outages_shown=())
        return None
    _tell_restore(ctx, status, where.code, None)
    ctx.update(topic="supply_status")
    return None


def outage_reason(ctx: Context, question: Question) -> Asked | None:
    """ "Vì sao cắt vậy": the reason of the outage just shown, else of what is going on
    where the customer is."""
    shown = ctx.state.outages_shown
    if shown and not (question.code or question.area):
        ctx.say(context_wording.shown_reasons([(o.kind, o.reason, o.starts_at) for o in shown]))
        ctx.update(topic="outage_reason")
        return None
    where = locate(ctx, question)
    if isinstance(where, Asked):
        return where
    status = _status(ctx, where)
    if status is None or status.status in (restore.Status.NOTHING, restore.Status.UNKNOWN_TICKET):
        ctx.say(context_wording.no_outage_to_explain(where.where), [REPORT_BUTTON])
        ctx.update(topic="outage_reason", outages_shown=())
        return None
    items = _shown_from_status(status)
    if items:
        ctx.say(context_wording.shown_reasons([(o.kind, o.reason, o.starts_at) for o in items]))
        ctx.update(topic="outage_reason", outages_shown=items)
        return None
    _tell_restore(ctx, status, where.code, None)
    return None


def next_steps(ctx: Context, question: Question) -> None:
    """ "Có ai tới không" after a ticket: what happens next, with its number."""
    ticket = ctx.state.ticket
    if ticket is None:
        ctx.say(context_wording.no_ticket_yet(), [REPORT_BUTTON])
        return
    ctx.say(context_wording.next_steps(ticket.number, ticket.kind))
