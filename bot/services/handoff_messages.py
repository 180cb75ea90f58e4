"""Messages of a handed-over conversation, both ways, and the bookkeeping of its pause.

* Customer -> agent: the web app reads Rasa's event stream (bot/web/desk/broker.py). A
  ``pause`` event marks the open handoff paused (:func:`mark_paused`); every ``user``
  event after it, until the ``resume``, is the customer talking to the desk
  (:func:`record_customer_message`); a redelivered event (same message id) is ignored.
* Agent -> customer: the desk stores the reply as *pending*
  (:func:`bot.services.handoff_desk.add_agent_message`) and asks Rasa to run
  ``action_agent_message``, which calls :func:`take_undelivered` (marks them delivered and
  returns their texts). Whatever Rasa could not run stays pending and is retried
  (:func:`conversations_with_pending`, :func:`note_delivery_failure`).
* Closing or cancelling: :func:`conversations_to_resume` lists paused conversations whose
  customer was not yet told that the bot is back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import (
    OPEN_HANDOFF_STATES,
    Delivery,
    Handoff,
    HandoffMessage,
    HandoffStatus,
    MessageDirection,
)
from bot.services.handoff import unit_session

MAX_MESSAGE = 4000
CANCEL_INTENT = "cancel"
# "thôi", "hủy", "không cần nữa"... at the start of a short message, with or without accents.
_CANCEL_RE = re.compile(
    r"^\W*(?:thôi|thoi|hủy|huỷ|huy|khỏi|khoi|không cần|khong can|ko cần|ko can|k cần|dừng|dung lai)\b",
    re.IGNORECASE,
)
MAX_DELIVERY_ATTEMPTS = 5
_OPEN = tuple(s.value for s in OPEN_HANDOFF_STATES)


@dataclass(frozen=True)
class MessageItem:
    id: int
    handoff_id: int
    direction: str
    text: str
    created_at: datetime
    delivery: str
    agent_name: str | None = None


def item(message: HandoffMessage) -> MessageItem:
    return MessageItem(
        id=message.id,
        handoff_id=message.handoff_id,
        direction=message.direction,
        text=message.text,
        created_at=message.created_at,
        delivery=message.delivery,
        agent_name=message.agent.display_name if message.agent is not None else None,
    )


def is_cancel(text: str | None, intent: str | None = None) -> bool:
    """The customer calls it off: the NLU's ``cancel`` intent, or a short message starting
    with "thôi", "hủy", "không cần"... (the NLU of older models has no ``cancel`` intent)."""
    value = (text or "").strip()
    return intent == CANCEL_INTENT or (len(value) <= 60 and bool(_CANCEL_RE.match(value)))


def clean_text(text: Any, limit: int = MAX_MESSAGE) -> str:
    """Printable text, at most ``limit`` characters (a longer one is cut, never refused)."""
    value = "".join(ch for ch in str(text or "") if ch.isprintable() or ch in "\n\t").strip()
    return value if len(value) <= limit else value[: limit - 1] + "…"


def mark_paused(uow: Any, conversation_id: str, now: datetime | None = None) -> int | None:
    """Rasa paused the conversation: its open handoff now receives the customer's messages."""
    session = unit_session(uow)
    handoff = (
        session.execute(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(_OPEN))
            .order_by(Handoff.id.desc())
        )
        .scalars()
        .first()
    )
    if handoff is None:
        return None
    if handoff.paused_at is None or handoff.resumed_at is not None:
        handoff.paused_at, handoff.resumed_at = now or clock.now(), None
        session.flush()
    return handoff.id


def _paused_handoff(session: Session, conversation_id: str) -> Handoff | None:
    return (
        session.execute(
            select(Handoff)
            .where(
                Handoff.conversation_id == conversation_id,
                Handoff.paused_at.is_not(None),
                Handoff.resumed_at.is_(None),
            )
            .order_by(Handoff.id.desc())
        )
        .scalars()
        .first()
    )


def mark_resumed(uow: Any, conversation_id: str, now: datetime | None = None) -> int | None:
    """Rasa resumed the conversation: later messages are the bot's again."""
    session = unit_session(uow)
    handoff = _paused_handoff(session, conversation_id)
    if handoff is None:
        return None
    handoff.resumed_at = now or clock.now()
    session.flush()
    return handoff.id


def record_customer_message(
    uow: Any, conversation_id: str, text: str, source_key: str | None, now: datetime | None = None
) -> MessageItem | None:
    """Store a customer's message for the agent; None when the conversation is not handed
    over, or when this event was already stored (a broker redelivery)."""
    session = unit_session(uow)
    handoff = _paused_handoff(session, conversation_id)
    body = clean_text(text)
    if handoff is None or not body:
        return None
    message = HandoffMessage(
        handoff_id=handoff.id,
        direction=MessageDirection.CUSTOMER.value,
        text=body,
        created_at=now or clock.now(),
        delivery=Delivery.RECEIVED.value,
        source_key=(source_key or None) and str(source_key)[:100],
    )
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        return None  # same handoff, same message id: seen already
    return item(message)


def take_undelivered(uow: Any, conversation_id: str, now: datetime | None = None) -> list[str]:
    """The agent messages not yet delivered in this conversation, oldest first, marked delivered
    (``action_agent_message`` sends them). Safe to call twice: the second call gets nothing."""
    session = unit_session(uow)
    now = now or clock.now()
    rows = (
        session.execute(
            select(HandoffMessage)
            .join(Handoff, Handoff.id == HandoffMessage.handoff_id)
            .where(
                Handoff.conversation_id == conversation_id,
                HandoffMessage.direction == MessageDirection.AGENT.value,
                HandoffMessage.delivery.in_((Delivery.PENDING.value, Delivery.FAILED.value)),
            )
            .order_by(HandoffMessage.id)
        )
        .scalars()
        .all()
    )
    texts = []
    for message in rows:
        claimed = session.execute(
            update(HandoffMessage)
            .where(HandoffMessage.id == message.id, HandoffMessage.delivery == message.delivery)
            .values(delivery=Delivery.DELIVERED.value, delivered_at=now, attempts=HandoffMessage.attempts + 1)
        ).rowcount
        if claimed:
            texts.append(message.text)
    return texts


def conversations_with_pending(uow: Any, limit: int = 50) -> list[str]:
    """Conversations that have agent messages still to deliver (tries left)."""
    session = unit_session(uow)
    rows = session.execute(
        select(Handoff.conversation_id)
        .join(HandoffMessage, HandoffMessage.handoff_id == Handoff.id)
        .where(
            HandoffMessage.direction == MessageDirection.AGENT.value,
            HandoffMessage.delivery == Delivery.PENDING.value,
        )
        .group_by(Handoff.conversation_id)
        .order_by(func.min(HandoffMessage.id))
        .limit(limit)
    ).scalars()
    return list(rows)


def note_delivery_failure(uow: Any, conversation_id: str) -> int:
    """Rasa could not run the delivery: count a try; after the last one they are *failed*
    (the agent sees it). Returns how many messages failed for good."""
    session = unit_session(uow)
    ids = (
        select(HandoffMessage.id)
        .join(Handoff, Handoff.id == HandoffMessage.handoff_id)
        .where(
            Handoff.conversation_id == conversation_id,
            HandoffMessage.direction == MessageDirection.AGENT.value,
            HandoffMessage.delivery == Delivery.PENDING.value,
        )
    )
    session.execute(
        update(HandoffMessage)
        .where(HandoffMessage.id.in_(ids))
        .values(attempts=HandoffMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    failed = session.execute(
        update(HandoffMessage)
        .where(HandoffMessage.id.in_(ids), HandoffMessage.attempts >= MAX_DELIVERY_ATTEMPTS)
        .values(delivery=Delivery.FAILED.value)
        .execution_options(synchronize_session=False)
    ).rowcount
    return failed


def conversations_to_resume(uow: Any, limit: int = 50) -> list[str]:
    """Paused conversations whose handoff ended and whose customer was not told the bot is back."""
    session = unit_session(uow)
    rows = session.execute(
        select(Handoff.conversation_id)
        .where(
            Handoff.status.in_((HandoffStatus.CLOSED.value, HandoffStatus.CANCELLED.value)),
            Handoff.queued_at.is_not(None),
            Handoff.customer_notified_at.is_(None),
        )
        .order_by(Handoff.closed_at)
        .limit(limit)
    ).scalars()
    return list(dict.fromkeys(rows))


def messages_of(uow: Any, handoff_id: int, after_id: int = 0) -> list[MessageItem]:
    session = unit_session(uow)
    rows = session.execute(
        select(HandoffMessage)
        .where(HandoffMessage.handoff_id == handoff_id, HandoffMessage.id > after_id)
        .order_by(HandoffMessage.id)
    ).scalars()
    return [item(m) for m in rows]
