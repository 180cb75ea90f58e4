"""Handoffs (conversations handed to a person), their messages both ways, callbacks and
ratings. Status changes that two people may race for (take, cancel) are single
conditional UPDATEs: exactly one wins on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bot.db.models import (
    OPEN_HANDOFF_STATES,
    Delivery,
    Handoff,
    HandoffCallback,
    HandoffMessage,
    HandoffRating,
    HandoffStatus,
    MessageDirection,
    Ticket,
)
from bot.db.repositories.base import Repository
from bot.db.repositories.tickets import OPEN_STATES as OPEN_TICKET_STATES

OPEN = tuple(s.value for s in OPEN_HANDOFF_STATES)
ENDED = (HandoffStatus.CLOSED.value, HandoffStatus.CANCELLED.value)


class HandoffRepository(Repository):
    # ------------------------------------------------------------------ handoffs

    def get(self, handoff_id: int) -> Handoff | None:
        return self.session.get(Handoff, handoff_id)

    def refresh(self, handoff: Handoff) -> None:
        self.session.refresh(handoff)

    def open_for(self, conversation_id: str) -> Handoff | None:
        """The conversation's open handoff (waiting, active or callback)."""
        return (
            self.session.execute(
                select(Handoff)
                .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN))
                .order_by(Handoff.id.desc())
            )
            .scalars()
            .first()
        )

    def add(self, handoff: Handoff) -> bool:
        """Insert; False when the conversation already has an open one (the partial unique
        index refused it), leaving the transaction usable."""
        try:
            with self.session.begin_nested():
                self.session.add(handoff)
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def change_status_if(self, handoff_id: int, expected: str, **values: Any) -> bool:
        """``UPDATE ... WHERE id = ? AND status = expected``: True for the one that won."""
        won = self.session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.status == expected)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        return bool(won)

    def waiting_ahead_of(self, handoff: Handoff) -> int:
        """Waiting handoffs served before this one: priority, then time queued, then id."""
        return int(
            self.session.execute(
                select(func.count(Handoff.id)).where(
                    Handoff.status == HandoffStatus.WAITING.value,
                    Handoff.id != handoff.id,
                    or_(
                        Handoff.priority < handoff.priority,
                        and_(
                            Handoff.priority == handoff.priority,
                            or_(
                                Handoff.queued_at < handoff.queued_at,
                                and_(Handoff.queued_at == handoff.queued_at, Handoff.id < handoff.id),
                            ),
                        ),
                    ),
                )
            ).scalar_one()
        )

    def recent_handling(self, since: datetime, limit: int) -> list[tuple[datetime, datetime]]:
        """(taken, closed) of the latest handoffs closed since ``since`` by an agent."""
        rows = self.session.execute(
            select(Handoff.taken_at, Handoff.closed_at)
            .where(
                Handoff.status == HandoffStatus.CLOSED.value,
                Handoff.taken_at.is_not(None),
                Handoff.closed_at >= since,
            )
            .order_by(Handoff.closed_at.desc())
            .limit(limit)
        ).all()
        return [(taken, closed) for taken, closed in rows]

    def in_queue(self) -> list[Handoff]:
        """Waiting and active handoffs in serving order, with their agents."""
        return list(
            self.session.execute(
                select(Handoff)
                .where(Handoff.status.in_((HandoffStatus.WAITING.value, HandoffStatus.ACTIVE.value)))
                .options(selectinload(Handoff.agent))
                .order_by(Handoff.priority, Handoff.queued_at, Handoff.id)
            ).scalars()
        )

    def with_callbacks(self, only_arranged: bool = False) -> list[Handoff]:
        """Handoffs waiting for a callback (``only_arranged``: with a number and a window)."""
        statement = (
            select(Handoff)
            .where(Handoff.status == HandoffStatus.CALLBACK.value)
            .options(selectinload(Handoff.callback))
            .order_by(Handoff.priority, Handoff.created_at, Handoff.id)
        )
        if only_arranged:
            statement = statement.join(HandoffCallback, HandoffCallback.handoff_id == Handoff.id)
        return list(self.session.execute(statement).scalars())

    def latest_ended_untold(self, conversation_id: str) -> Handoff | None:
        """The conversation's latest closed or cancelled handoff its customer was not told of."""
        return (
            self.session.execute(
                select(Handoff)
                .where(
                    Handoff.conversation_id == conversation_id,
                    Handoff.status.in_(ENDED),
                    Handoff.customer_notified_at.is_(None),
                )
                .order_by(Handoff.id.desc())
            )
            .scalars()
            .first()
        )

    def latest_closed_by_agent(self, conversation_id: str, since: datetime) -> Handoff | None:
        return (
            self.session.execute(
                select(Handoff)
                .where(
                    Handoff.conversation_id == conversation_id,
                    Handoff.status == HandoffStatus.CLOSED.value,
                    Handoff.taken_at.is_not(None),
                    Handoff.closed_at >= since,
                )
                .order_by(Handoff.closed_at.desc(), Handoff.id.desc())
            )
            .scalars()
            .first()
        )

    def to_resume(self, limit: int) -> list[str]:
        """Conversations whose queued handoff ended but whose customer was not told yet."""
        rows = self.session.execute(
            select(Handoff.conversation_id)
            .where(
                Handoff.status.in_(ENDED),
                Handoff.queued_at.is_not(None),
                Handoff.customer_notified_at.is_(None),
            )
            .order_by(Handoff.closed_at)
            .limit(limit)
        ).scalars()
        return list(dict.fromkeys(rows))

    def paused(self, conversation_id: str) -> Handoff | None:
        """The handoff between Rasa's pause and resume of this conversation (whatever its status)."""
        return (
            self.session.execute(
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

    def paused_conversations(self) -> set[str]:
        rows = self.session.execute(
            select(Handoff.conversation_id).where(
                Handoff.paused_at.is_not(None), Handoff.resumed_at.is_(None)
            )
        ).scalars()
        return set(rows)

    # ------------------------------------------------------------------ figures

    def count_by_status(self, statuses: Sequence[str]) -> dict[str, int]:
        rows = self.session.execute(
            select(Handoff.status, func.count(Handoff.id))
            .where(Handoff.status.in_(statuses))
            .group_by(Handoff.status)
        ).all()
        return {status: int(count) for status, count in rows}

    def count_waiting_with_priority(self, priority: int) -> int:
        return int(
            self.session.execute(
                select(func.count(Handoff.id)).where(
                    Handoff.status == HandoffStatus.WAITING.value, Handoff.priority == priority
                )
            ).scalar_one()
        )

    def waits_taken_since(self, since: datetime) -> list[timedelta]:
        rows = self.session.execute(
            select(Handoff.queued_at, Handoff.taken_at).where(
                Handoff.taken_at >= since, Handoff.queued_at.is_not(None)
            )
        ).all()
        return [taken - queued for queued, taken in rows if taken >= queued]

    def closed_since(self, since: datetime) -> list[tuple[datetime | None, datetime]]:
        rows = self.session.execute(
            select(Handoff.taken_at, Handoff.closed_at).where(
                Handoff.status == HandoffStatus.CLOSED.value, Handoff.closed_at >= since
            )
        ).all()
        return [(taken, closed) for taken, closed in rows]

    def scores_since(self, since: datetime) -> list[int]:
        return [int(s) for s in self.session.execute(
            select(HandoffRating.score).where(HandoffRating.created_at >= since)
        ).scalars()]  # fmt: skip

    # ------------------------------------------------------------------ messages

    def add_message(self, message: HandoffMessage) -> bool:
        """Insert; False when this handoff already has a message with the same source key
        (a broker redelivery)."""
        try:
            with self.session.begin_nested():
                self.session.add(message)
                self.session.flush()
        except IntegrityError:
            return False
        return True

    def messages(self, handoff_id: int, after_id: int = 0) -> list[HandoffMessage]:
        return list(
            self.session.execute(
                select(HandoffMessage)
                .where(HandoffMessage.handoff_id == handoff_id, HandoffMessage.id > after_id)
                .options(selectinload(HandoffMessage.agent))
                .order_by(HandoffMessage.id)
            ).scalars()
        )

    def last_customer_texts(self, handoff_ids: Iterable[int]) -> dict[int, str]:
        ids = list(handoff_ids)
        if not ids:
            return {}
        latest = (
            select(func.max(HandoffMessage.id))
            .where(
                HandoffMessage.handoff_id.in_(ids),
                HandoffMessage.direction == MessageDirection.CUSTOMER.value,
            )
            .group_by(HandoffMessage.handoff_id)
        )
        rows = self.session.execute(
            select(HandoffMessage.handoff_id, HandoffMessage.text).where(HandoffMessage.id.in_(latest))
        ).all()
        return {handoff_id: text for handoff_id, text in rows}

    def undelivered_agent_messages(self, conversation_id: str) -> list[HandoffMessage]:
        return list(
            self.session.execute(
                select(HandoffMessage)
                .join(Handoff, Handoff.id == HandoffMessage.handoff_id)
                .where(
                    Handoff.conversation_id == conversation_id,
                    HandoffMessage.direction == MessageDirection.AGENT.value,
                    HandoffMessage.delivery.in_((Delivery.PENDING.value, Delivery.FAILED.value)),
                )
                .order_by(HandoffMessage.id)
            ).scalars()
        )

    def mark_delivered_if(self, message: HandoffMessage, now: datetime) -> bool:
        """Delivered, unless another delivery claimed it first."""
        return bool(
            self.session.execute(
                update(HandoffMessage)
                .where(HandoffMessage.id == message.id, HandoffMessage.delivery == message.delivery)
                .values(
                    delivery=Delivery.DELIVERED.value, delivered_at=now, attempts=HandoffMessage.attempts + 1
                )
                .execution_options(synchronize_session=False)
            ).rowcount
        )

    def _pending_ids(self, conversation_id: str):
        return (
            select(HandoffMessage.id)
            .join(Handoff, Handoff.id == HandoffMessage.handoff_id)
            .where(
                Handoff.conversation_id == conversation_id,
                HandoffMessage.direction == MessageDirection.AGENT.value,
                HandoffMessage.delivery == Delivery.PENDING.value,
            )
        )

    def count_failed_try(self, conversation_id: str, max_attempts: int) -> int:
        """One more try on the conversation's pending agent messages; those at
        ``max_attempts`` become failed. Returns how many failed for good."""
        ids = self._pending_ids(conversation_id)
        self.session.execute(
            update(HandoffMessage)
            .where(HandoffMessage.id.in_(ids))
            .values(attempts=HandoffMessage.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        return self.session.execute(
            update(HandoffMessage)
            .where(HandoffMessage.id.in_(ids), HandoffMessage.attempts >= max_attempts)
            .values(delivery=Delivery.FAILED.value)
            .execution_options(synchronize_session=False)
        ).rowcount

    def conversations_with_pending(self, limit: int) -> list[str]:
        rows = self.session.execute(
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

    # ------------------------------------------------------- callbacks, ratings

    def add_callback(self, callback: HandoffCallback) -> HandoffCallback:
        self.session.add(callback)
        self.session.flush()
        return callback

    def add_rating(self, rating: HandoffRating) -> HandoffRating:
        self.session.add(rating)
        self.session.flush()
        return rating

    # ------------------------------------------------------------------ summary

    def related_tickets(self, numbers: Sequence[str], customer_code: str | None, limit: int) -> list[Ticket]:
        """Tickets named in the conversation, and the customer's open ones, newest first."""
        conditions = []
        if numbers:
            conditions.append(Ticket.number.in_(list(numbers)))
        if customer_code:
            conditions.append((Ticket.customer_code == customer_code) & Ticket.status.in_(OPEN_TICKET_STATES))
        if not conditions:
            return []
        rows = self.session.execute(
            select(Ticket)
            .where(or_(*conditions))
            .options(selectinload(Ticket.incident))
            .order_by(Ticket.created_at.desc())
            .limit(limit)
        )
        return list(rows.scalars().unique())

    def open_tickets_of(self, customer_code: str, limit: int) -> list[Ticket]:
        return list(
            self.session.execute(
                select(Ticket)
                .where(Ticket.customer_code == customer_code, Ticket.status.in_(OPEN_TICKET_STATES))
                .order_by(Ticket.created_at.desc())
                .limit(limit)
            ).scalars()
        )

    def flush(self) -> None:
        self.session.flush()

    def delete(self, row: Any) -> None:
        self.session.delete(row)
