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

from bot import clock
from bot.db.models import Delivery, HandoffMessage, MessageDirection
from bot.db.uow import UnitOfWork

MAX_MESSAGE = 4000
CANCEL_INTENT = "cancel"
# "thôi", "hủy", "không cần nữa"... at the start of a short message, with or without accents.
_CANCEL_RE = re.compile(
    r"^\W*(?:thôi|thoi|hủy|huỷ|huy|khỏi|khoi|không cần|khong can|ko cần|ko can|k cần|dừng|dung lai)\b",
    re.IGNORECASE,
)
MAX_DELIVERY_ATTEMPTS = 5


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


def mark_paused(uow: UnitOfWork, conversation_id: str, now: datetime | None = None) -> int | None:
    """Rasa paused the conversation: its open handoff now receives the customer's messages."""
    handoff = uow.handoffs.open_for(conversation_id)
    if handoff is None:
        return None
    if handoff.paused_at is None or handoff.resumed_at is not None:
        handoff.paused_at, handoff.resumed_at = now or clock.now(), None
        uow.flush()
    return handoff.id


def mark_resumed(uow: UnitOfWork, conversation_id: str, now: datetime | None = None) -> int | None:
    """Rasa resumed the conversation: later messages are the bot's again."""
    handoff = uow.handoffs.paused(conversation_id)
    if handoff is None:
        return None
    handoff.resumed_at = now or clock.now()
    uow.flush()
    return handoff.id


def paused_conversations(uow: UnitOfWork) -> set[str]:
    """Conversations between Rasa's pause and resume (the desk's reader starts from these)."""
    return uow.handoffs.paused_conversations()


def record_customer_message(
    uow: UnitOfWork, conversation_id: str, text: str, source_key: str | None, now: datetime | None = None
) -> MessageItem | None:
    """Store a customer's message for the agent; None when the conversation is not handed
    over, or when this event was already stored (a broker redelivery)."""
    handoff = uow.handoffs.paused(conversation_id)
    body = clean_text(text)
    if handoff is None or not body:
        return None
    message = HandoffMessage(
        handoff_id=handoff.id,
        direction=MessageDirection.CUSTOMER.value,
        text=body,
        created_at=now or clock.now(),
        delivery=Delivery.RECEIVED.value,
        source_key=str(source_key)[:100] if source_key else None,
    )
    return item(message) if uow.handoffs.add_message(message) else None


def take_undelivered(uow: UnitOfWork, conversation_id: str, now: datetime | None = None) -> list[str]:
    """The agent messages not yet delivered in this conversation, oldest first, marked delivered
    (``action_agent_message`` sends them). Safe to call twice: the second call gets nothing."""
    now = now or clock.now()
    return [
        message.text
        for message in uow.handoffs.undelivered_agent_messages(conversation_id)
        if uow.handoffs.mark_delivered_if(message, now)
    ]


def conversations_with_pending(uow: UnitOfWork, limit: int = 50) -> list[str]:
    """Conversations that have agent messages still to deliver (tries left)."""
    return uow.handoffs.conversations_with_pending(limit)


def note_delivery_failure(uow: UnitOfWork, conversation_id: str) -> int:
    """Rasa could not run the delivery: count a try; after the last one they are *failed*
    (the agent sees it). Returns how many messages failed for good."""
    return uow.handoffs.count_failed_try(conversation_id, MAX_DELIVERY_ATTEMPTS)


def conversations_to_resume(uow: UnitOfWork, limit: int = 50) -> list[str]:
    """Paused conversations whose handoff ended and whose customer was not told the bot is back."""
    return uow.handoffs.to_resume(limit)


def messages_of(uow: UnitOfWork, handoff_id: int, after_id: int = 0) -> list[MessageItem]:
    return [item(m) for m in uow.handoffs.messages(handoff_id, after_id)]
