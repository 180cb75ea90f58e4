"""The conversation state the engine keeps between messages, as typed slots.

Every field of :class:`State` is one Rasa slot of the same name (domain.yml, section
"Conversation state": ``influence_conversation: false``, ``mappings: [{type: custom}]``),
so the state is read from the tracker and written back with ``SlotSet`` events, never
re-read from the event history. Nested values (what the bot awaits, the outages shown)
are small dataclasses stored as plain dicts.

Security: the verification digits are never part of the state (the engine reads them
from the message that answers and forgets them).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields, replace
from typing import Any

# What the bot can be waiting for (Awaiting.kind).
AWAIT_CODE = "customer_code"  # a customer code (account questions)
AWAIT_LOCATION = "location"  # a customer code or a place (outage questions)
AWAIT_PLACE_CHOICE = "place_choice"  # which of several places with that name
AWAIT_DIGITS = "digits"  # the last 4 digits of the registered phone number
AWAIT_SCOPE = "report_scope"  # only this house, or the neighbours too
AWAIT_BREAKER = "report_breaker"  # power back after checking the breaker?
AWAIT_SINCE = "report_since"  # since when
AWAIT_HAZARD_PLACE = "hazard_place"  # where the danger is
AWAIT_OFFER = "offer"  # yes or no to what the bot offered
AWAIT_CLARIFY = "clarify"  # the bot asked what the customer meant
AWAIT_CALLBACK_PHONE = "callback_phone"  # the number an agent calls back (handoff)
AWAIT_CALLBACK_TIME = "callback_time"  # when to call back (the number in ``query``)
AWAIT_RATING = "rating"  # 1-5 after an agent closed the conversation
AWAIT_COMPLAINT = "complaint"  # what the complaint is about (the next message is its words)
AWAIT_REPORT_PLACE = "report_place"  # where the outage or danger is: an address or a landmark
AWAIT_REPORT_PHONE = "report_phone"  # a number to call back about the report
AWAIT_CODE_OFFER = "one_time_code_offer"  # locked: send a one-time code by SMS (yes), or a person
AWAIT_ONE_TIME_CODE = "one_time_code"  # the 6-digit code sent by SMS (bot/rasa/redaction.py masks it)
AWAIT_KINDS = frozenset(
    {
        AWAIT_CODE,
        AWAIT_LOCATION,
        AWAIT_PLACE_CHOICE,
        AWAIT_DIGITS,
        AWAIT_SCOPE,
        AWAIT_BREAKER,
        AWAIT_SINCE,
        AWAIT_HAZARD_PLACE,
        AWAIT_OFFER,
        AWAIT_CLARIFY,
        AWAIT_CALLBACK_PHONE,
        AWAIT_CALLBACK_TIME,
        AWAIT_RATING,
        AWAIT_COMPLAINT,
        AWAIT_REPORT_PLACE,
        AWAIT_REPORT_PHONE,
        AWAIT_CODE_OFFER,
        AWAIT_ONE_TIME_CODE,
    }
)


@dataclass(frozen=True)
class Question:
    """One question to answer, with the details it is about."""

    topic: str
    code: str | None = None  # customer code
    months: tuple[str, ...] = ()  # billing months: "2026-10", or "relative:0" for the current bill
    area: str | None = None  # a place as named (resolved by the outage services)
    dates: tuple[str, ...] = ()  # date / period entity values of an outage schedule
    kwh: int | None = None
    households: int | None = None
    ticket: str | None = None  # a ticket number quoted
    service: str | None = None  # service request kind (or a handoff reason, for "human_offer")
    text: str = ""  # the customer's words, when the answer records them
    tier: int | None = None  # a tariff tier asked about
    tariff_when: str | None = None  # "previous": the tariff before the current one
    channel: str | None = None  # a payment channel (momo, bank_app, counter...)


@dataclass(frozen=True)
class ReportDraft:
    """An outage (or hazard) report being collected (bot/dialogue/topics/report_form.py).

    Security: ``phone`` is the number the customer typed to be called back; it lives
    in the conversation state (like the handoff's callback number) only until the
    ticket is filed, and is shown masked."""

    code: str | None = None
    area: str | None = None  # a checked place path (one ward)
    scope: str | None = None  # house / area
    breaker: str | None = None  # still_dark / back
    since: str | None = None  # as the customer said it
    kind: str | None = None  # "hazard" for a danger; None for an outage
    location: str | None = None  # the address or landmark as written
    phone: str | None = None  # a checked mobile number to call back
    hazard: str | None = None  # the kinds of danger named, most urgent first, comma-separated
    text: str | None = None  # a danger as the customer described it
    ticket: str | None = None  # the hazard ticket filed (a number to call back still asked)


@dataclass(frozen=True)
class Awaiting:
    kind: str
    questions: tuple[Question, ...] = ()  # answered once the awaited answer comes
    code: str | None = None  # the code being verified
    query: str | None = None  # the ambiguous place asked back
    failures: int = 0  # answers not understood (or bad codes) in a row
    offer: str | None = None  # "recheck" or "request"
    draft: ReportDraft | None = None
    choices: tuple[str, ...] = ()  # intents offered by a clarifying question
    # The code or digits awaited when a yes/no offer was made over them (an angry
    # complaint while the digits were asked): answered after the offer, never lost.
    behind: Awaiting | None = None


@dataclass(frozen=True)
class ShownOutage:
    """An outage the last answer told about (for "mấy giờ có điện lại", "vì sao cắt")."""

    kind: str  # planned / incident
    code: str = ""
    starts_at: str | None = None  # ISO 8601, Vietnam time
    ends_at: str | None = None  # planned end, or expected restoration
    reason: str = ""
    where: str = ""


@dataclass(frozen=True)
class TicketRef:
    number: str
    kind: str  # outage / hazard / recheck / request
    hazard: str | None = None  # a hazard ticket's kinds of danger (safety questions that follow)


@dataclass(frozen=True)
class State:
    topic: str | None = None  # the topic last answered
    customer_code: str | None = None  # the code in play
    period_shown: str | None = None  # the billing month on screen ("2026-10")
    area: str | None = None  # the place of the last outage answer given by place
    station: str | None = None  # the station of the last outage answer given by code
    kwh: int | None = None  # of the last price calculation
    households: int | None = None
    dates_shown: tuple[str, ...] = ()  # the dates of the last outage schedule
    ticket: TicketRef | None = None  # the last ticket opened in this conversation
    outages_shown: tuple[ShownOutage, ...] = ()
    awaiting: Awaiting | None = None  # what the bot asked for
    misunderstood: int = 0  # messages not understood in a row
    tips_shown: bool = False  # the saving tips were given once
    privacy_notice_shown: bool = False
    handoff: str | None = None  # the open handoff to a human agent, if any
    frustration: int = 0  # messages of frustration in this conversation (the second offers a person)
    tier: int | None = None  # the tariff tier of the last price answer
    tariff_when: str | None = None  # "previous" when the last price answer was the earlier table
    payment_channel: str | None = None  # the payment channel of the last payment answer

    def but(self, **changes: Any) -> State:
        return replace(self, **changes)

    @property
    def outage_ticket(self) -> str | None:
        """The number of the outage ticket this conversation opened, if the last one is."""
        return self.ticket.number if self.ticket is not None and self.ticket.kind == "outage" else None


SLOT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(State))


# --------------------------------------------------------------------- slot values


def to_slots(state: State) -> dict[str, Any]:
    """Slot name -> JSON-friendly value."""
    return {f.name: _plain(getattr(state, f.name)) for f in fields(State)}


def _plain(value: Any) -> Any:
    """Dataclasses as dicts without their empty fields, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = ((f.name, getattr(value, f.name)) for f in fields(value))
        return {name: _plain(v) for name, v in items if v not in (None, (), "", 0)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def from_slots(slots: dict[str, Any]) -> State:
    """The state in these slot values; anything malformed is dropped, never raised."""
    return State(
        topic=_text(slots.get("topic")),
        customer_code=_text(slots.get("customer_code")),
        period_shown=_text(slots.get("period_shown")),
        area=_text(slots.get("area")),
        station=_text(slots.get("station")),
        kwh=_int(slots.get("kwh")),
        households=_int(slots.get("households")),
        dates_shown=_texts(slots.get("dates_shown")),
        ticket=_build(TicketRef, slots.get("ticket")),
        outages_shown=tuple(
            o for o in (_build(ShownOutage, v) for v in _list(slots.get("outages_shown"))) if o
        ),
        awaiting=_awaiting(slots.get("awaiting")),
        misunderstood=_int(slots.get("misunderstood")) or 0,
        tips_shown=slots.get("tips_shown") is True,
        privacy_notice_shown=slots.get("privacy_notice_shown") is True,
        handoff=_text(slots.get("handoff")),
        frustration=_int(slots.get("frustration")) or 0,
        tier=_int(slots.get("tier")),
        tariff_when=_text(slots.get("tariff_when")),
        payment_channel=_text(slots.get("payment_channel")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in _list(value) if isinstance(v, str) and v)


_CONVERTERS = {
    "str": _text,
    "int": _int,
    "str | None": _text,
    "int | None": _int,
    "tuple[str, ...]": _texts,
}


def _build(kind: type, value: Any) -> Any:
    """A dataclass from a dict of its fields (unknown keys ignored, bad values dropped)."""
    if not isinstance(value, dict):
        return None
    values: dict[str, Any] = {}
    for f in fields(kind):
        if f.name not in value:
            continue
        raw = value[f.name]
        if f.type == "tuple[Question, ...]":
            values[f.name] = tuple(q for q in (_build(Question, v) for v in _list(raw)) if q)
        elif f.type == "ReportDraft | None":
            values[f.name] = _build(ReportDraft, raw)
        elif f.type == "Awaiting | None":
            behind = _awaiting(raw)
            values[f.name] = replace(behind, behind=None) if behind else None  # one level only
        elif f.type in _CONVERTERS:
            converted = _CONVERTERS[f.type](raw)
            if converted is not None:
                values[f.name] = converted
    try:
        return kind(**values)
    except TypeError:
        return None  # a required field is missing


def _awaiting(value: Any) -> Awaiting | None:
    awaiting = _build(Awaiting, value)
    return awaiting if awaiting is not None and awaiting.kind in AWAIT_KINDS else None


__all__ = [
    "AWAIT_BREAKER",
    "AWAIT_CALLBACK_PHONE",
    "AWAIT_CALLBACK_TIME",
    "AWAIT_CLARIFY",
    "AWAIT_CODE",
    "AWAIT_CODE_OFFER",
    "AWAIT_COMPLAINT",
    "AWAIT_DIGITS",
    "AWAIT_HAZARD_PLACE",
    "AWAIT_LOCATION",
    "AWAIT_OFFER",
    "AWAIT_ONE_TIME_CODE",
    "AWAIT_PLACE_CHOICE",
    "AWAIT_RATING",
    "AWAIT_REPORT_PHONE",
    "AWAIT_REPORT_PLACE",
    "AWAIT_SCOPE",
    "AWAIT_SINCE",
    "SLOT_NAMES",
    "Awaiting",
    "Question",
    "ReportDraft",
    "ShownOutage",
    "State",
    "TicketRef",
    "from_slots",
    "to_slots",
]
