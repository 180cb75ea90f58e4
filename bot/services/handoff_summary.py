"""The summary an agent reads in five seconds when a conversation is handed over.

Built from what the bot knows about the conversation (:class:`ConversationContext`: the
intents it understood, its slots, the last messages both ways, ticket numbers) and from the
database (whether the requester is verified for the customer code, the customer's open
tickets and the incidents behind them or on their station). Facts only, no sentences: the
desk renders them (bot/web/desk/templates).

Used by :func:`bot.services.handoff.open_handoff`. Callers without a Rasa tracker (the
dialogue engine) fill a :class:`ConversationContext` themselves; ``actions/handoff.py``
has ``context_from_tracker`` for Rasa trackers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from bot import clock
from bot.db.models import Incident, IncidentStatus
from bot.db.uow import UnitOfWork
from bot.domain import ticket_numbers
from bot.domain.codes import normalize_code
from bot.services import verification
from bot.services.verification import Requester

MAX_MESSAGES = 10
MAX_ANSWERS = 6
MAX_TEXT = 500
MAX_SLOT_VALUE = 120
MAX_TICKETS = 5
# Slots that never go to the desk: the verification answer, form bookkeeping.
HIDDEN_SLOTS = frozenset(
    {
        "verify_answer",
        "requested_slot",
        "account_stop",
        "session_started_metadata",
        "privacy_notice_shown",
        "code_failures",
        "awaiting",
        "handoff",
        "callback_phone",
        "callback_window",
    }
)

_FIGURE_RES = (
    re.compile(r"\b\d{1,3}(?:\.\d{3})+ đ(?!\w)|\b\d{1,3} đ(?!\w)"),  # money 798.660 đ
    re.compile(r"\b\d[\d.]* kWh\b"),
    re.compile(r"\b\d{2}/\d{2}/\d{4}(?:–\d{2}/\d{2}/\d{4})?\b"),  # dates and periods
    re.compile(r"\b(?:[01]\d|2[0-3]):[0-5]\d\b"),  # times
)


@dataclass(frozen=True)
class Utterance:
    speaker: str  # "customer" or "bot"
    text: str
    at: datetime | None = None


@dataclass(frozen=True)
class ConversationContext:
    """What the bot knows about the conversation, oldest first."""

    intents: Sequence[str] = ()
    slots: Mapping[str, Any] = field(default_factory=dict)
    messages: Sequence[Utterance] = ()
    ticket_numbers: Sequence[str] = ()
    note: str | None = None  # why, in the caller's words (e.g. "2 lần chưa hiểu")


@dataclass(frozen=True)
class TicketRef:
    number: str
    kind: str
    status: str
    summary: str


@dataclass(frozen=True)
class IncidentRef:
    code: str
    status: str
    area: str
    expected_restoration: str | None  # ISO 8601, Vietnam time
    restored: str | None


@dataclass(frozen=True)
class HandoffSummary:
    channel: str
    customer_code: str | None
    verified: bool
    customer_name_masked: str | None
    reason: str
    priority: int
    intents: list[str]  # most recent first, each once
    slots: dict[str, str]
    answers: list[str]  # what the bot already answered, most recent first
    figures: list[str]  # amounts, kWh, dates and times in those answers
    last_messages: list[dict]  # {"speaker", "text", "at"} oldest first
    tickets: list[TicketRef]
    incidents: list[IncidentRef]
    note: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> HandoffSummary:
        data = json.loads(raw or "{}")
        data["tickets"] = [TicketRef(**t) for t in data.get("tickets") or []]
        data["incidents"] = [IncidentRef(**i) for i in data.get("incidents") or []]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


def _cut(text: Any, limit: int) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _slots(slots: Mapping[str, Any]) -> dict[str, str]:
    shown = {}
    for name, value in sorted(slots.items()):
        if name in HIDDEN_SLOTS or value in (None, "", [], {}, False):
            continue
        text = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        shown[name] = _cut(text, MAX_SLOT_VALUE)
    return shown


def _figures(answers: Sequence[str]) -> list[str]:
    found: list[str] = []
    for text in answers:
        for pattern in _FIGURE_RES:
            found.extend(pattern.findall(text))
    return list(dict.fromkeys(found))[:20]


def _found_tickets(text: str) -> list[str]:
    """Ticket numbers in free text, canonical: ``SC-K7Q4-M2XP`` and the older ``SC2611270001``."""
    return [number for _start, _end, number in ticket_numbers.spans(text)]


def _ticket_numbers(context: ConversationContext) -> list[str]:
    numbers = [ticket_numbers.normalize(str(n)) or str(n) for n in context.ticket_numbers if n]
    for value in context.slots.values():
        if isinstance(value, str):
            numbers.extend(_found_tickets(value))
    for message in context.messages:
        numbers.extend(_found_tickets(message.text or ""))
    return list(dict.fromkeys(numbers))


def _incident_ref(incident: Incident) -> IncidentRef:
    def iso(moment: datetime | None) -> str | None:
        return moment.astimezone(clock.VN_TZ).isoformat(timespec="minutes") if moment else None

    return IncidentRef(
        code=incident.code,
        status=incident.status,
        area=_cut(incident.area, 200),
        expected_restoration=iso(incident.expected_restoration_at),
        restored=iso(incident.restored_at),
    )


def build_summary(
    uow: UnitOfWork,
    *,
    channel: str,
    reason: str,
    priority: int,
    context: ConversationContext,
    customer_code: str | None = None,
    requester: Requester | None = None,
) -> HandoffSummary:
    """The summary of a conversation about to be handed over (nothing is written)."""
    code = normalize_code(customer_code) if customer_code else None
    customer = uow.customers.get(code) if code else None
    verified = False
    if customer is not None and requester is not None:
        verified = verification.status(uow, code, requester).verified
    tickets = uow.handoffs.related_tickets(_ticket_numbers(context), code if customer else None, MAX_TICKETS)
    incidents: dict[str, Incident] = {t.incident.code: t.incident for t in tickets if t.incident}
    if customer is not None and customer.station is not None:
        for incident in uow.outages.open_incidents_for_station(customer.station.code):
            incidents.setdefault(incident.code, incident)
    answers = [_cut(m.text, MAX_TEXT) for m in reversed(context.messages) if m.speaker == "bot" and m.text]
    messages = [
        {"speaker": m.speaker, "text": _cut(m.text, MAX_TEXT), "at": m.at.isoformat() if m.at else None}
        for m in list(context.messages)[-MAX_MESSAGES:]
        if m.text
    ]
    return HandoffSummary(
        channel=channel,
        customer_code=code if customer is not None else (code or None),
        verified=verified,
        customer_name_masked=verification.mask_name(customer.name) if customer is not None else None,
        reason=str(reason),
        priority=int(priority),
        intents=list(dict.fromkeys(i for i in reversed(context.intents) if i)),
        slots=_slots(context.slots),
        answers=answers[:MAX_ANSWERS],
        figures=_figures(answers),
        last_messages=messages,
        tickets=[TicketRef(t.number, t.kind, t.status, _cut(t.summary, 200)) for t in tickets],
        incidents=[
            _incident_ref(i)
            for i in sorted(incidents.values(), key=lambda i: i.status != IncidentStatus.OPEN.value)
        ],
        note=_cut(context.note, 300) if context.note else None,
    )
