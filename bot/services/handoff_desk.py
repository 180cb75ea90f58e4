"""Human handoff, the desk's side: the queue, taking a handoff (atomically), transferring,
replying, closing, callbacks, and the supervisor's figures.

Taking is one conditional UPDATE (``status = 'waiting'`` -> ``'active'``): on SQLite and
PostgreSQL alike exactly one of two agents clicking at once wins; the other is told who
has it. Only the agent who has a handoff (or a supervisor) may reply, transfer or close it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot import clock
from bot.db.models import (
    CallbackStatus,
    Delivery,
    DeskAgent,
    Handoff,
    HandoffMessage,
    HandoffOutcome,
    HandoffStatus,
    MessageDirection,
)
from bot.db.uow import UnitOfWork
from bot.services.handoff_config import load_config
from bot.services.handoff_messages import MessageItem, clean_text, item
from bot.services.handoff_queue import (
    CallbackItem,
    callback_item,
    queue_position,
)
from bot.services.handoff_summary import HandoffSummary

MAX_REPLY = 2000


class DeskError(ValueError):
    """A desk action refused (not yours, already closed, empty reply...); says why, in Vietnamese."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class HandoffDetail:
    id: int
    conversation_id: str
    channel: str
    status: str
    reason: str
    priority: int
    customer_code: str | None
    verified: bool
    summary: HandoffSummary
    created_at: datetime
    queued_at: datetime | None
    taken_at: datetime | None
    closed_at: datetime | None
    agent_id: int | None
    agent_name: str | None
    outcome: str | None
    outcome_note: str | None
    position: int | None
    messages: list[MessageItem]
    callback: CallbackItem | None
    rating: int | None


@dataclass(frozen=True)
class TakeResult:
    ok: bool
    handoff_id: int
    status: str
    agent_name: str | None  # who has it now (the winner)


# ------------------------------------------------------------------------- reading


def _get(uow: UnitOfWork, handoff_id: int) -> Handoff:
    handoff = uow.handoffs.get(handoff_id)
    if handoff is None:
        raise DeskError("Không tìm thấy cuộc trò chuyện này.", 404)
    return handoff


def handoff_detail(uow: UnitOfWork, handoff_id: int) -> HandoffDetail:
    handoff = _get(uow, handoff_id)
    messages = uow.handoffs.messages(handoff.id)
    return HandoffDetail(
        id=handoff.id,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        status=handoff.status,
        reason=handoff.reason,
        priority=handoff.priority,
        customer_code=handoff.customer_code,
        verified=bool(handoff.verified),
        summary=HandoffSummary.from_json(handoff.summary),
        created_at=handoff.created_at,
        queued_at=handoff.queued_at,
        taken_at=handoff.taken_at,
        closed_at=handoff.closed_at,
        agent_id=handoff.assigned_agent_id,
        agent_name=handoff.agent.display_name if handoff.agent is not None else None,
        outcome=handoff.outcome,
        outcome_note=handoff.outcome_note,
        position=queue_position(uow, handoff) if handoff.status == HandoffStatus.WAITING.value else None,
        messages=[item(m) for m in messages],
        callback=callback_item(handoff) if handoff.callback is not None else None,
        rating=handoff.rating.score if handoff.rating is not None else None,
    )


# ------------------------------------------------------------------------- acting


def _note(uow: UnitOfWork, handoff_id: int, text: str, agent_id: int | None, now: datetime) -> None:
    uow.handoffs.add_message(
        HandoffMessage(
            handoff_id=handoff_id,
            direction=MessageDirection.SYSTEM.value,
            text=text,
            agent_id=agent_id,
            created_at=now,
            delivery=Delivery.INTERNAL.value,
        )
    )


def _queue_for_customer(uow: UnitOfWork, handoff_id: int, text: str, agent_id: int, now: datetime) -> None:
    uow.handoffs.add_message(
        HandoffMessage(
            handoff_id=handoff_id,
            direction=MessageDirection.AGENT.value,
            text=text,
            agent_id=agent_id,
            created_at=now,
            delivery=Delivery.PENDING.value,
        )
    )


def _agent(uow: UnitOfWork, agent_id: int) -> DeskAgent:
    agent = uow.desk.agent(agent_id)
    if agent is None or not agent.active:
        raise DeskError("Tài khoản không còn hoạt động.", 403)
    return agent


def take(uow: UnitOfWork, handoff_id: int, agent_id: int, now: datetime | None = None) -> TakeResult:
    """Take a waiting handoff. Atomic: of several agents at once, one gets ``ok``."""
    now = now or clock.now()
    agent = _agent(uow, agent_id)
    won = uow.handoffs.change_status_if(
        handoff_id,
        HandoffStatus.WAITING.value,
        status=HandoffStatus.ACTIVE.value,
        assigned_agent_id=agent.id,
        taken_at=now,
        updated_at=now,
    )
    handoff = _get(uow, handoff_id)
    uow.handoffs.refresh(handoff)
    if not won:
        holder = uow.desk.agent(handoff.assigned_agent_id) if handoff.assigned_agent_id else None
        return TakeResult(False, handoff.id, handoff.status, holder.display_name if holder else None)
    _note(uow, handoff.id, f"{agent.display_name} đã nhận cuộc trò chuyện.", agent.id, now)
    joined = load_config().agent_joined
    if joined:
        _queue_for_customer(uow, handoff.id, joined.format(agent=agent.display_name), agent.id, now)
    uow.flush()
    return TakeResult(True, handoff.id, handoff.status, agent.display_name)


def _mine(
    uow: UnitOfWork, handoff_id: int, agent_id: int, states: tuple[str, ...]
) -> tuple[Handoff, DeskAgent]:
    agent = _agent(uow, agent_id)
    handoff = _get(uow, handoff_id)
    if handoff.status not in states:
        raise DeskError("Cuộc trò chuyện này đã kết thúc hoặc chưa được nhận.")
    if handoff.assigned_agent_id != agent.id and agent.role != "supervisor":
        raise DeskError("Cuộc trò chuyện này do tư vấn viên khác phụ trách.", 403)
    return handoff, agent


def add_agent_message(
    uow: UnitOfWork, handoff_id: int, agent_id: int, text: str, now: datetime | None = None
) -> MessageItem:
    """An agent's reply, stored as pending; the web app then asks Rasa to deliver it."""
    now = now or clock.now()
    body = clean_text(text, MAX_REPLY + 1)
    if not body:
        raise DeskError("Tin nhắn trống.", 400)
    if len(body) > MAX_REPLY:
        raise DeskError(f"Tin nhắn dài quá {MAX_REPLY} ký tự, anh/chị tách làm nhiều tin giúp em.", 400)
    handoff, agent = _mine(uow, handoff_id, agent_id, (HandoffStatus.ACTIVE.value,))
    message = HandoffMessage(
        handoff_id=handoff.id,
        direction=MessageDirection.AGENT.value,
        text=body,
        agent_id=agent.id,
        created_at=now,
        delivery=Delivery.PENDING.value,
    )
    uow.handoffs.add_message(message)
    return item(message)


def transfer(
    uow: UnitOfWork, handoff_id: int, agent_id: int, to_agent_id: int | None, now: datetime | None = None
) -> HandoffDetail:
    """Hand an active handoff to another agent, or back to the queue (``to_agent_id`` None),
    keeping its place by the time it first queued."""
    now = now or clock.now()
    handoff, agent = _mine(uow, handoff_id, agent_id, (HandoffStatus.ACTIVE.value,))
    handoff.transfers += 1
    if to_agent_id is None:
        handoff.status, handoff.assigned_agent_id, handoff.taken_at = HandoffStatus.WAITING.value, None, None
        _note(uow, handoff.id, f"{agent.display_name} chuyển cuộc trò chuyện về hàng chờ.", agent.id, now)
    else:
        target = uow.desk.agent(to_agent_id)
        if target is None or not target.active:
            raise DeskError("Không có tư vấn viên này.", 400)
        if target.id == handoff.assigned_agent_id:
            raise DeskError("Cuộc trò chuyện đã do tư vấn viên này phụ trách.", 400)
        handoff.assigned_agent_id = target.id
        _note(uow, handoff.id, f"{agent.display_name} chuyển cho {target.display_name}.", agent.id, now)
    handoff.updated_at = now
    uow.flush()
    return handoff_detail(uow, handoff.id)


def close(
    uow: UnitOfWork,
    handoff_id: int,
    agent_id: int,
    outcome: str,
    note: str | None = None,
    now: datetime | None = None,
) -> HandoffDetail:
    """Close with an outcome. The web app then runs ``action_handoff_closed`` (the bot is back,
    asks for a rating). A callback handoff closes the same way once the call was made."""
    now = now or clock.now()
    if outcome not in {o.value for o in HandoffOutcome}:
        raise DeskError("Chọn kết quả xử lý.", 400)
    states = (HandoffStatus.ACTIVE.value, HandoffStatus.CALLBACK.value, HandoffStatus.WAITING.value)
    handoff = _get(uow, handoff_id)
    agent = _agent(uow, agent_id)
    if handoff.status in (HandoffStatus.CALLBACK.value, HandoffStatus.WAITING.value):
        if handoff.status == HandoffStatus.WAITING.value and agent.role != "supervisor":
            raise DeskError("Anh/chị nhận cuộc trò chuyện trước khi kết thúc.")
        handoff.assigned_agent_id = handoff.assigned_agent_id or agent.id
    else:
        handoff, agent = _mine(uow, handoff_id, agent_id, states)
    handoff.status, handoff.closed_at, handoff.updated_at = HandoffStatus.CLOSED.value, now, now
    handoff.outcome = outcome
    handoff.outcome_note = clean_text(note, 1000) or None
    if handoff.callback is not None and handoff.callback.status == CallbackStatus.PENDING.value:
        called = outcome in (HandoffOutcome.CALLED_BACK.value, HandoffOutcome.RESOLVED.value)
        handoff.callback.status = (CallbackStatus.DONE if called else CallbackStatus.FAILED).value
        handoff.callback.done_at, handoff.callback.done_by = now, agent.id
    if handoff.taken_at is None and handoff.queued_at is None:
        handoff.customer_notified_at = now  # a callback: the bot was never paused, nothing to resume
    _note(uow, handoff.id, f"{agent.display_name} kết thúc: {outcome}.", agent.id, now)
    uow.flush()
    return handoff_detail(uow, handoff.id)
