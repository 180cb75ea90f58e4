"""What the chat channels keep: session credentials, the webhook inbox, the outbox, tokens.

Inserts that race with another instance (a sender id claimed twice, a webhook delivered
twice) use ``INSERT ... ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL), so the loser
simply learns it lost and the transaction goes on. Leases are compare-and-set updates
(``WHERE id = ? AND <column> = <value read>``). Times are given by the caller (the
channel services use the real clock, not the frozen business clock).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.db.models import ChannelInboxEvent, ChannelOutboxMessage, ChannelSession, ChannelToken
from bot.db.repositories.base import Repository


class ChannelRepository(Repository):
    def _insert_new(self, model: Any, keys: list[str], values: dict[str, Any]) -> bool:
        """Insert unless a row with the same unique ``keys`` exists; True if inserted."""
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            statement = postgresql.insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
        elif dialect == "sqlite":
            statement = sqlite.insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
        else:  # pragma: no cover - the two databases we run on
            raise NotImplementedError(dialect)
        return self.session.execute(statement).rowcount == 1

    # ------------------------------------------------------------ session credentials

    def find_session(self, conversation_id: str) -> ChannelSession | None:
        return self.session.execute(
            select(ChannelSession).where(ChannelSession.conversation_id == conversation_id)
        ).scalar_one_or_none()

    def claim_session(
        self, conversation_id: str, channel: str, token_hash: str, identity_key: str, now: datetime
    ) -> bool:
        """Claim a conversation id; False if someone holds it already."""
        return self._insert_new(
            ChannelSession,
            ["conversation_id"],
            {
                "conversation_id": conversation_id,
                "channel": channel,
                "token_hash": token_hash,
                "identity_key": identity_key,
                "created_at": now,
                "last_seen_at": now,
            },
        )

    def forget_idle_sessions(self, seen_before: datetime) -> int:
        return self.session.execute(
            delete(ChannelSession).where(ChannelSession.last_seen_at < seen_before)
        ).rowcount

    # ------------------------------------------------------------ webhook inbox

    def record_event(
        self, channel: str, event_id: str, sender_id: str, kind: str, text: str | None, now: datetime
    ) -> ChannelInboxEvent | None:
        """A new event, claimed for processing; None when the event is already known."""
        inserted = self._insert_new(
            ChannelInboxEvent,
            ["channel", "event_id"],
            {
                "channel": channel,
                "event_id": event_id,
                "sender_id": sender_id,
                "kind": kind,
                "text": text,
                "status": "processing",
                "attempts": 1,
                "received_at": now,
                "updated_at": now,
            },
        )
        return self.find_event(channel, event_id) if inserted else None

    def find_event(self, channel: str, event_id: str) -> ChannelInboxEvent | None:
        return self.session.execute(
            select(ChannelInboxEvent).where(
                ChannelInboxEvent.channel == channel, ChannelInboxEvent.event_id == event_id
            )
        ).scalar_one_or_none()

    def finish_event(self, row_id: int, status: str, error: str | None, now: datetime) -> None:
        self.session.execute(
            update(ChannelInboxEvent)
            .where(ChannelInboxEvent.id == row_id)
            .values(status=status, text=None, error=error, updated_at=now)
        )

    def stale_events(self, channel: str, touched_before: datetime, limit: int) -> list[ChannelInboxEvent]:
        return list(
            self.session.execute(
                select(ChannelInboxEvent)
                .where(
                    ChannelInboxEvent.channel == channel,
                    ChannelInboxEvent.status == "processing",
                    ChannelInboxEvent.updated_at < touched_before,
                )
                .order_by(ChannelInboxEvent.id)
                .limit(limit)
            ).scalars()
        )

    def take_event(self, row: ChannelInboxEvent, now: datetime, **values: Any) -> bool:
        """Compare-and-set on ``updated_at``: True if nobody else took the event meanwhile."""
        return (
            self.session.execute(
                update(ChannelInboxEvent)
                .where(ChannelInboxEvent.id == row.id, ChannelInboxEvent.updated_at == row.updated_at)
                .values(updated_at=now, **values)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )

    def inbox_counts(self, channel: str) -> dict[str, int]:
        rows = self.session.execute(
            select(ChannelInboxEvent.status, func.count())
            .where(ChannelInboxEvent.channel == channel)
            .group_by(ChannelInboxEvent.status)
        ).all()
        return {status: count for status, count in rows}

    def forget_finished_events(self, touched_before: datetime) -> int:
        return self.session.execute(
            delete(ChannelInboxEvent).where(
                ChannelInboxEvent.status.in_(("done", "ignored", "failed")),
                ChannelInboxEvent.updated_at < touched_before,
            )
        ).rowcount

    # ------------------------------------------------------------ outbox

    def pending_for(self, channel: str, recipient_id: str) -> int:
        return self.session.execute(
            select(func.count())
            .select_from(ChannelOutboxMessage)
            .where(
                ChannelOutboxMessage.channel == channel,
                ChannelOutboxMessage.recipient_id == recipient_id,
                ChannelOutboxMessage.status == "pending",
            )
        ).scalar_one()

    def add_message(self, message: ChannelOutboxMessage) -> ChannelOutboxMessage:
        self.session.add(message)
        self.session.flush()
        return message

    def message(self, row_id: int) -> ChannelOutboxMessage | None:
        return self.session.get(ChannelOutboxMessage, row_id)

    def pending_messages(self, channel: str, limit: int) -> list[ChannelOutboxMessage]:
        return list(
            self.session.execute(
                select(ChannelOutboxMessage)
                .where(ChannelOutboxMessage.channel == channel, ChannelOutboxMessage.status == "pending")
                .order_by(ChannelOutboxMessage.id)
                .limit(limit)
            ).scalars()
        )

    def lease_message(self, row: ChannelOutboxMessage, until: datetime) -> bool:
        """Compare-and-set on ``next_attempt_at``: True if this caller may send it now."""
        return (
            self.session.execute(
                update(ChannelOutboxMessage)
                .where(
                    ChannelOutboxMessage.id == row.id,
                    ChannelOutboxMessage.next_attempt_at == row.next_attempt_at,
                )
                .values(next_attempt_at=until)
                .execution_options(synchronize_session=False)
            ).rowcount
            == 1
        )

    def outbox_counts(self, channel: str) -> dict[str, int]:
        rows = self.session.execute(
            select(ChannelOutboxMessage.status, func.count())
            .where(ChannelOutboxMessage.channel == channel)
            .group_by(ChannelOutboxMessage.status)
        ).all()
        return {status: count for status, count in rows}

    def failed_messages(self, channel: str, limit: int) -> list[ChannelOutboxMessage]:
        return list(
            self.session.execute(
                select(ChannelOutboxMessage)
                .where(ChannelOutboxMessage.channel == channel, ChannelOutboxMessage.status == "failed")
                .order_by(ChannelOutboxMessage.id.desc())
                .limit(limit)
            ).scalars()
        )

    def forget_sent_messages(self, sent_before: datetime) -> int:
        return self.session.execute(
            delete(ChannelOutboxMessage).where(
                ChannelOutboxMessage.status == "sent", ChannelOutboxMessage.sent_at < sent_before
            )
        ).rowcount

    # ------------------------------------------------------------ platform tokens

    def token(self, channel: str) -> ChannelToken | None:
        return self.session.get(ChannelToken, channel)

    def seed_token(self, channel: str, access_token: str, refresh_token: str | None, now: datetime) -> bool:
        return self._insert_new(
            ChannelToken,
            ["channel"],
            {
                "channel": channel,
                "access_token": access_token,
                "refresh_token": refresh_token,
                "expires_at": None,
                "updated_at": now,
            },
        )

    def save_token(
        self, channel: str, access_token: str, refresh_token: str | None, expires_at: datetime | None,
        now: datetime,
    ) -> ChannelToken:
        row = self.session.get(ChannelToken, channel)
        if row is None:
            row = ChannelToken(channel=channel)
            self.session.add(row)
        row.access_token = access_token
        row.refresh_token = refresh_token or row.refresh_token
        row.expires_at = expires_at
        row.updated_at = now
        self.session.flush()
        return row
