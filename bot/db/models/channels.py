"""What the chat channels keep: session credentials, the webhook inbox, the outbox, tokens.

- ``channel_sessions``: the server-issued credential of a REST/callback conversation id
  (only a SHA-256 hash of the token is stored) and the opaque identity key the
  conversation's verification is bound to.
- ``channel_inbox``: one row per platform event (Zalo, Messenger) by the platform's own
  id; the unique key is what makes a retried webhook count once, across restarts and
  instances. The text waits here until the event is processed, then is cleared.
- ``channel_outbox``: every message we send to a platform, until it is delivered (the
  body is cleared then) or given up (kept, with the error, for the operator).
- ``channel_tokens``: platform access/refresh tokens that rotate (Zalo).

Operational timestamps here follow the real clock (see ``bot.services.inbox``).
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)

from bot.db.models.base import AwareDateTime, Base

INBOX_STATUSES = ("received", "processing", "done", "failed", "ignored")
OUTBOX_STATUSES = ("pending", "sent", "failed")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class ChannelSession(Base):
    """A conversation id claimed through the REST or callback channel."""

    __tablename__ = "channel_sessions"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, unique=True)
    channel = Column(String(20), nullable=False)  # the channel that claimed it first
    token_hash = Column(String(64), nullable=False)  # sha256 hex of the bearer token
    identity_key = Column(String(64), nullable=False, unique=True)  # opaque, random
    created_at = Column(AwareDateTime, nullable=False)
    last_seen_at = Column(AwareDateTime, nullable=False, index=True)


class ChannelInboxEvent(Base):
    """One webhook event of a platform, kept to answer it exactly once."""

    __tablename__ = "channel_inbox"
    __table_args__ = (
        UniqueConstraint("channel", "event_id"),
        CheckConstraint(_one_of("status", INBOX_STATUSES), name="status_values"),
        Index("ix_channel_inbox_status_updated", "status", "updated_at"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)
    event_id = Column(String(160), nullable=False)  # platform message id (or derived key)
    sender_id = Column(String(128), nullable=False)  # platform user id, as a string
    kind = Column(String(20), nullable=False)  # text, follow, unsupported
    text = Column(Text)  # cleared once processed
    status = Column(String(12), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    error = Column(String(200))
    received_at = Column(AwareDateTime, nullable=False)
    updated_at = Column(AwareDateTime, nullable=False)


class ChannelOutboxMessage(Base):
    """One message to a platform user, from the moment it is decided until delivered."""

    __tablename__ = "channel_outbox"
    __table_args__ = (
        CheckConstraint(_one_of("status", OUTBOX_STATUSES), name="status_values"),
        Index("ix_channel_outbox_status_next", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)
    recipient_id = Column(String(128), nullable=False)
    body = Column(Text)  # the platform request body (JSON); cleared once sent
    status = Column(String(12), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(300))
    platform_message_id = Column(String(128))
    created_at = Column(AwareDateTime, nullable=False)
    next_attempt_at = Column(AwareDateTime, nullable=False)
    sent_at = Column(AwareDateTime)


class ChannelToken(Base):
    """The current access token of a platform, and the refresh token that renews it."""

    __tablename__ = "channel_tokens"

    channel = Column(String(20), primary_key=True)
    access_token = Column(Text, nullable=False)
    refresh_token = Column(Text)
    expires_at = Column(AwareDateTime)
    updated_at = Column(AwareDateTime, nullable=False)
