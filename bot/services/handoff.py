"""Human handoff, the bot's side: open a handoff, say where the customer stands, cancel,
record a callback, store the rating. No Rasa here: the callers are ``actions/handoff.py``
and the dialogue engine; the desk's side is :mod:`bot.services.handoff_desk`.

Every function takes the unit of work first (``bot.services.unit_of_work()``) and returns
a typed result; nothing here writes a sentence. The data comes from the unit of work's
``handoffs`` and ``desk`` repositories. One module on purpose (a little over 400 lines):
it is the whole bot-side API the actions and the dialogue engine import.

Opening (:func:`open_handoff`):
* one open handoff per conversation: asking again returns the open one (``already_open``);
  a pending callback offer becomes a place in the queue once agents can take chats;
* the priority comes from the reason (``handoff.yml``: hazard = urgent, at the top of the
  queue); the position counts the waiting handoffs before it (priority, then waiting time);
* the estimated wait is (position × recent average handling time) / agents online;
* a callback is offered instead of a place in the queue when the desk is closed (working
  hours, Vietnam time, or a supervisor's override), nobody is online, the channel cannot
  receive an agent's messages (e.g. plain REST), or the wait would exceed
  ``max_wait_minutes`` (never for urgent handoffs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot import clock
from bot.db.models import (
    CallbackStatus,
    Handoff,
    HandoffCallback,
    HandoffRating,
    HandoffReason,
    HandoffStatus,
    TicketPriority,
)
from bot.db.uow import UnitOfWork
from bot.services.handoff_config import DeskConfig, OperatorRule, load_config, working_hours
from bot.services.handoff_hours import Window
from bot.services.handoff_phone import format_phone, normalize_phone, phone_digits
from bot.services.handoff_queue import CallbackReason, callback_reason, estimate_wait, queue_position
from bot.services.handoff_summary import ConversationContext, build_summary
from bot.services.verification import Requester

RATING_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class HandoffRequest:
    conversation_id: str  # Rasa's sender id
    channel: str  # Rasa's input channel name: where the agent's replies go
    reason: HandoffReason
    context: ConversationContext = field(default_factory=ConversationContext)
    customer_code: str | None = None
    requester: Requester | None = None  # for "verified?" (verification.requester_for)
    priority: int | None = None  # default: from the reason (handoff.yml priorities)


@dataclass(frozen=True)
class CallbackView:
    window_start: datetime
    window_end: datetime
    phone_tail: str  # last 3 digits, enough for "số đuôi 321"


@dataclass(frozen=True)
class HandoffOpened:
    handoff_id: int
    status: HandoffStatus  # waiting, or callback when a callback is offered
    priority: int
    position: int | None = None  # 1 = next
    estimated_wait: timedelta | None = None
    callback_reason: CallbackReason | None = None
    opens_at: datetime | None = None  # next opening of the desk (out of hours)
    already_open: bool = False
    callback: CallbackView | None = None  # a callback already arranged
    registered_phone_tail: str | None = None  # a verified customer's phone on file, last 3 digits
    hours: str = ""  # the working hours, as operators wrote them

    @property
    def callback_offered(self) -> bool:
        return self.status is HandoffStatus.CALLBACK

    @property
    def urgent(self) -> bool:
        return self.priority == int(TicketPriority.URGENT)


@dataclass(frozen=True)
class ActiveHandoff:
    handoff_id: int
    status: HandoffStatus
    priority: int
    position: int | None
    agent_name: str | None
    callback: CallbackView | None


@dataclass(frozen=True)
class CancelResult:
    cancelled: bool
    handoff_id: int | None = None
    status_before: HandoffStatus | None = None  # "active": an agent already has it


@dataclass(frozen=True)
class CallbackRecorded:
    handoff_id: int
    phone_display: str  # as typed ("0908 111 321") or masked when the registered one
    window_start: datetime
    window_end: datetime
    registered: bool


@dataclass(frozen=True)
class RatingStored:
    handoff_id: int
    score: int
    replaced: bool  # a second rating replaced the first


@dataclass(frozen=True)
class ClosingNotice:
    handoff_id: int
    status: HandoffStatus  # closed or cancelled
    agent_name: str | None
    ask_rating: bool


class HandoffError(ValueError):
    """A request the handoff service refuses (no such handoff, bad value); says why."""


# ----------------------------------------------------------------------- queries


def _open_for(uow: UnitOfWork, conversation_id: str) -> Handoff | None:
    return uow.handoffs.open_for(conversation_id)


def _callback_view(callback: HandoffCallback | None) -> CallbackView | None:
    if callback is None:
        return None
    return CallbackView(callback.window_start, callback.window_end, phone_digits(callback.phone)[-3:])


def _registered_tail(uow: UnitOfWork, handoff: Handoff) -> str | None:
    if not handoff.verified or not handoff.customer_code:
        return None
    customer = uow.customers.get(handoff.customer_code)
    digits = phone_digits(customer.phone if customer else None)
    return digits[-3:] if normalize_phone(digits) else None


# ------------------------------------------------------------------------ opening


def open_handoff(uow: UnitOfWork, request: HandoffRequest, now: datetime | None = None) -> HandoffOpened:
    """Hand the conversation to a person: a place in the queue, or a callback offer."""
    config = load_config()
    now = now or clock.now()
    priority = int(request.priority or config.priority_for(request.reason))
    offer, opens_at = callback_reason(uow, request.channel, config, now)
    existing = _open_for(uow, request.conversation_id)
    if existing is not None:
        if existing.status != HandoffStatus.CALLBACK.value or offer is not None:
            return _opened(uow, existing, config, now, already_open=True, offer=offer, opens_at=opens_at)
        existing.status, existing.queued_at = HandoffStatus.WAITING.value, now  # agents can take it now
        existing.priority = min(existing.priority, priority)
        uow.flush()
        return _after_queueing(uow, existing, config, now, already_open=True)
    summary = build_summary(
        uow,
        channel=request.channel,
        reason=str(request.reason),
        priority=priority,
        context=request.context,
        customer_code=request.customer_code,
        requester=request.requester,
    )
    handoff = Handoff(
        conversation_id=request.conversation_id[:255],
        channel=(request.channel or "unknown")[:40],
        customer_code=summary.customer_code,
        verified=summary.verified,
        reason=str(request.reason),
        priority=priority,
        status=(HandoffStatus.CALLBACK if offer else HandoffStatus.WAITING).value,
        summary=summary.to_json(),
        created_at=now,
        queued_at=None if offer else now,
        updated_at=now,
    )
    if not uow.handoffs.add(handoff):  # the same conversation opened one at the same moment
        existing = _open_for(uow, request.conversation_id)
        if existing is None:
            raise HandoffError("the handoff could not be stored")
        return _opened(uow, existing, config, now, already_open=True, offer=offer, opens_at=opens_at)
    if offer is not None:
        return _opened(uow, handoff, config, now, offer=offer, opens_at=opens_at)
    return _after_queueing(uow, handoff, config, now)


def _after_queueing(
    uow: UnitOfWork, handoff: Handoff, config: DeskConfig, now: datetime, already_open: bool = False
) -> HandoffOpened:
    position = queue_position(uow, handoff)
    wait = estimate_wait(uow, position, config, now)
    urgent = handoff.priority == int(TicketPriority.URGENT)
    if not urgent and wait > timedelta(minutes=config.max_wait_minutes):
        handoff.status, handoff.queued_at = HandoffStatus.CALLBACK.value, None  # never paused
        uow.flush()
        return _opened(
            uow,
            handoff,
            config,
            now,
            offer=CallbackReason.LONG_WAIT,
            wait=wait,
            already_open=already_open,
        )
    handoff.estimated_wait_s = int(wait.total_seconds())
    uow.flush()
    return _opened(uow, handoff, config, now, position=position, wait=wait, already_open=already_open)


def _opened(
    uow: UnitOfWork,
    handoff: Handoff,
    config: DeskConfig,
    now: datetime,
    *,
    already_open: bool = False,
    offer: CallbackReason | None = None,
    opens_at: datetime | None = None,
    position: int | None = None,
    wait: timedelta | None = None,
) -> HandoffOpened:
    status = HandoffStatus(handoff.status)
    if status is HandoffStatus.WAITING and position is None:
        position = queue_position(uow, handoff)
        wait = estimate_wait(uow, position, config, now)
    return HandoffOpened(
        handoff_id=handoff.id,
        status=status,
        priority=handoff.priority,
        position=position if status is HandoffStatus.WAITING else None,
        estimated_wait=wait if status is HandoffStatus.WAITING else None,
        callback_reason=offer if status is HandoffStatus.CALLBACK else None,
        opens_at=opens_at,
        already_open=already_open,
        callback=_callback_view(handoff.callback),
        registered_phone_tail=_registered_tail(uow, handoff),
        hours=working_hours(uow, config).describe(),
    )


# ------------------------------------------------------------------ while it is open


def active_handoff(
    uow: UnitOfWork, conversation_id: str, now: datetime | None = None
) -> ActiveHandoff | None:
    """The conversation's open handoff (waiting, with an agent, or a callback), or None."""
    handoff = _open_for(uow, conversation_id)
    if handoff is None:
        return None
    status = HandoffStatus(handoff.status)
    agent = uow.desk.agent(handoff.assigned_agent_id) if handoff.assigned_agent_id else None
    return ActiveHandoff(
        handoff_id=handoff.id,
        status=status,
        priority=handoff.priority,
        position=queue_position(uow, handoff) if status is HandoffStatus.WAITING else None,
        agent_name=agent.display_name if agent else None,
        callback=_callback_view(handoff.callback),
    )


def cancel_by_customer(uow: UnitOfWork, conversation_id: str, now: datetime | None = None) -> CancelResult:
    """The customer gave up waiting ("thôi", "hủy"): a waiting handoff or a callback offer is
    cancelled; one an agent has taken is not (the agent decides)."""
    handoff = _open_for(uow, conversation_id)
    if handoff is None:
        return CancelResult(False)
    before = HandoffStatus(handoff.status)
    if before is HandoffStatus.ACTIVE:
        return CancelResult(False, handoff.id, before)
    now = now or clock.now()
    values: dict[str, Any] = {"status": HandoffStatus.CANCELLED.value, "closed_at": now, "updated_at": now}
    if handoff.queued_at is None:
        values["customer_notified_at"] = now  # never paused: the bot answers in this very turn
    if not uow.handoffs.change_status_if(handoff.id, before.value, **values):  # an agent took it this moment
        uow.handoffs.refresh(handoff)
        return CancelResult(False, handoff.id, HandoffStatus(handoff.status))
    if handoff.callback is not None and handoff.callback.status == CallbackStatus.PENDING.value:
        handoff.callback.status = CallbackStatus.FAILED.value
        handoff.callback.note = "khách hủy"
    uow.handoffs.refresh(handoff)
    return CancelResult(True, handoff.id, before)


def record_callback(
    uow: UnitOfWork,
    conversation_id: str,
    window: Window,
    phone: str | None = None,
    use_registered_phone: bool = False,
    now: datetime | None = None,
) -> CallbackRecorded:
    """Arrange a callback for the conversation's open handoff: the number the customer gave
    (and saw repeated) or, for a verified customer, the one on file; the time window."""
    handoff = _open_for(uow, conversation_id)
    if handoff is None:
        raise HandoffError("no open handoff in this conversation")
    if use_registered_phone:
        customer = uow.customers.get(handoff.customer_code or "") if handoff.verified else None
        number = normalize_phone(customer.phone if customer else None)
        if number is None:
            raise HandoffError("no registered phone for a verified customer")
        shown = f"số đã đăng ký đuôi {number[-3:]}"
    else:
        number = normalize_phone(phone)
        if number is None:
            raise HandoffError("not a Vietnamese phone number")
        shown = format_phone(number)
    if window.end <= window.start:
        raise HandoffError("the window ends before it starts")
    handoff.status = HandoffStatus.CALLBACK.value
    callback = handoff.callback or HandoffCallback(handoff_id=handoff.id, created_at=now or clock.now())
    callback.phone, callback.phone_confirmed = number, True
    callback.window_start, callback.window_end = window.start, window.end
    callback.status = CallbackStatus.PENDING.value
    uow.handoffs.add_callback(callback)
    return CallbackRecorded(handoff.id, shown, window.start, window.end, use_registered_phone)


@dataclass(frozen=True)
class CallbackDetails:
    registered_phone_tail: str | None  # a verified customer's phone on file, last 3 digits
    hours: str  # the working hours now in force


def callback_details(uow: UnitOfWork, conversation_id: str) -> CallbackDetails:
    """What the bot needs to ask for a callback: can it offer the registered number, and the
    working hours to mention."""
    handoff = _open_for(uow, conversation_id)
    tail = _registered_tail(uow, handoff) if handoff is not None else None
    return CallbackDetails(tail, working_hours(uow).describe())


# ------------------------------------------------------------------------ after it


def closing_notice(
    uow: UnitOfWork, conversation_id: str, now: datetime | None = None
) -> ClosingNotice | None:
    """The handoff that just ended and whose customer was not told yet; marks them told.
    None when there is nothing to tell (so a repeated call says nothing twice)."""
    handoff = uow.handoffs.latest_ended_untold(conversation_id)
    if handoff is None:
        return None
    handoff.customer_notified_at = now or clock.now()
    agent = uow.desk.agent(handoff.assigned_agent_id) if handoff.assigned_agent_id else None
    uow.flush()
    status = HandoffStatus(handoff.status)
    return ClosingNotice(
        handoff.id,
        status,
        agent.display_name if agent else None,
        ask_rating=status is HandoffStatus.CLOSED and handoff.taken_at is not None,
    )


def store_rating(
    uow: UnitOfWork, conversation_id: str, score: int, comment: str | None = None, now: datetime | None = None
) -> RatingStored | None:
    """The customer's 1–5 rating of the conversation's latest handoff an agent closed (within
    24 hours); None when there is none to rate."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise HandoffError("a rating is a whole number from 1 to 5")
    now = now or clock.now()
    handoff = uow.handoffs.latest_closed_by_agent(conversation_id, now - RATING_WINDOW)
    if handoff is None:
        return None
    rating = handoff.rating
    replaced = rating is not None
    if rating is None:
        rating = HandoffRating(handoff_id=handoff.id)
    rating.score, rating.created_at = score, now
    rating.comment = " ".join(comment.split())[:1000] if comment else None
    uow.handoffs.add_rating(rating)
    return RatingStored(handoff.id, score, replaced)


REASON_BY_TICKET = {
    "hazard": HandoffReason.HAZARD,
    "complaint": HandoffReason.COMPLAINT,
    "recheck": HandoffReason.RECHECK,
}
REASON_BY_INTENT = {
    "report_hazard": HandoffReason.HAZARD,
    "complain": HandoffReason.COMPLAINT,
    "express_frustration": HandoffReason.FRUSTRATION,
}
REASON_BY_TOPIC = {"hazard": HandoffReason.HAZARD, "complaint": HandoffReason.COMPLAINT,
                   "frustration": HandoffReason.FRUSTRATION, "recheck": HandoffReason.RECHECK}  # fmt: skip


def reason_for(
    asked: HandoffReason,
    intents: list[str] | tuple[str, ...] = (),
    topic: str | None = None,
    ticket_kind: str | None = None,
    locked: bool = False,
) -> HandoffReason:
    """What the desk should read as the reason, from what the conversation shows: a hazard
    first (urgent), a locked verification, a complaint or frustration, a re-check, an
    operator rule; else the reason the caller gave (the customer asked, misunderstandings)."""
    names = [part for intent in intents if intent for part in str(intent).split("+")]
    found = [REASON_BY_INTENT[i] for i in names if i in REASON_BY_INTENT]
    if topic in REASON_BY_TOPIC:
        found.append(REASON_BY_TOPIC[topic])
    if ticket_kind in REASON_BY_TICKET:
        found.append(REASON_BY_TICKET[ticket_kind])
    if HandoffReason.HAZARD in found:
        return HandoffReason.HAZARD
    if locked:
        return HandoffReason.VERIFICATION_LOCK
    if found:
        return found[0]
    rule = operator_rule(names)
    return rule.reason if rule is not None else asked


def operator_rule(
    intents: list[str] | tuple[str, ...],
    config: DeskConfig | None = None,
    skip: frozenset[HandoffReason] | set[HandoffReason] = frozenset(),
) -> OperatorRule | None:
    """The operator rule (``handoff.yml`` rules, ``DESK_HANDOFF_INTENTS``) these intents
    trigger, if any: the engine then opens a handoff with the rule's reason. ``skip``:
    rules of these reasons are left to their own handler (the engine's hazard topic)."""
    return (config or load_config()).rule_for(intents, skip)
