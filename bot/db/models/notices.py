"""Outage notices: who subscribed, which events were announced, and the notice outbox.

- ``notice_subscriptions``: a channel user (channel + conversation id) who asked for
  outage notices for the area of a customer code they are verified for. The area is the
  customer's: their station, or their ward when the station is not known, read from
  ``customers`` when an event is matched (never a stale copy).
- ``notice_events``: each planned outage or incident the notifier has announced, with a
  fingerprint of what subscribers were told (times, status, stations, wards). A new
  fingerprint is a new version: corrections follow. ``subscriptions_seen`` is the last
  subscription id matched against it, so later subscribers are matched incrementally.
- ``notice_outbox``: one row per (subscriber, notice kind, event, version) — the unique
  key is what makes a notice enqueued once, across restarts, crashes and instances. A
  row carries what its text says (area, reason, times; the previous times for a
  correction), so the text is rendered the same whenever it is sent. Statuses:
  ``pending`` (waits for ``due_at``, business time, and ``next_attempt_at``, real time),
  ``sending`` (claimed by one notifier until ``lease_until``; ``claim_token`` names the
  claim), then ``sent``, ``failed`` (tried and given up), ``refused`` (the platform's
  rules forbid it: the reason is kept), ``superseded`` (a newer version replaced it
  before it went), ``expired`` (too late to be useful), ``cancelled`` (the subscriber
  unsubscribed).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)

from bot.db.models.base import AwareDateTime, Base
from bot.db.models.channels import ChannelInboxEvent, ChannelOutboxMessage

NOTICE_KINDS = ("planned", "reminder", "moved", "cancelled", "incident", "restored")
NOTICE_STATUSES = ("pending", "sending", "sent", "failed", "refused", "superseded", "expired", "cancelled")
EVENT_KINDS = ("planned", "incident")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class NoticeSubscription(Base):
    """A channel user subscribed to outage notices for a customer code's area."""

    __tablename__ = "notice_subscriptions"
    __table_args__ = (
        UniqueConstraint("channel", "conversation_id", "customer_code"),
        # Ids only grow (never reused after a delete, also on SQLite): the notifier matches
        # subscriptions newer than the last one it has seen.
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)  # zalo, facebook, socketio, callback
    conversation_id = Column(String(128), nullable=False)  # Rasa's: zalo:<id>, web:<hash> ...
    customer_code = Column(ForeignKey("customers.code", ondelete="CASCADE"), nullable=False, index=True)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(AwareDateTime, nullable=False)
    updated_at = Column(AwareDateTime, nullable=False)


class NoticeEvent(Base):
    """A planned outage or an incident as last announced to subscribers."""

    __tablename__ = "notice_events"
    __table_args__ = (
        UniqueConstraint("kind", "ref"),
        CheckConstraint(_one_of("kind", EVENT_KINDS), name="kind_values"),
    )

    id = Column(Integer, primary_key=True)
    kind = Column(String(12), nullable=False)
    ref = Column(String(32), nullable=False)  # the outage or incident code
    version = Column(Integer, nullable=False, default=1)
    fingerprint = Column(String(64), nullable=False)
    subscriptions_seen = Column(Integer, nullable=False, default=0)
    updated_at = Column(AwareDateTime, nullable=False)


class NoticeOutboxRow(Base):
    """One notice to one subscriber, from the moment it is decided until it is settled."""

    __tablename__ = "notice_outbox"
    __table_args__ = (
        UniqueConstraint("channel", "conversation_id", "kind", "event_ref", "version"),
        CheckConstraint(_one_of("kind", NOTICE_KINDS), name="kind_values"),
        CheckConstraint(_one_of("status", NOTICE_STATUSES), name="status_values"),
        Index("ix_notice_outbox_status_due", "status", "due_at"),
        Index("ix_notice_outbox_event", "event_ref", "kind"),
        Index("ix_notice_outbox_recipient", "channel", "conversation_id", "status"),
    )

    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)
    conversation_id = Column(String(128), nullable=False)
    customer_code = Column(String(13), nullable=False)  # the subscription that matched
    kind = Column(String(12), nullable=False)
    event_ref = Column(String(32), nullable=False)
    version = Column(Integer, nullable=False)
    status = Column(String(12), nullable=False)
    due_at = Column(AwareDateTime, nullable=False)  # business time (bot.clock)
    # What the text says (rendered when sent, always the same for the same row).
    area = Column(Text)
    reason = Column(Text)
    starts_at = Column(AwareDateTime)
    ends_at = Column(AwareDateTime)  # expected end / restoration; the restoration itself
    previous_starts_at = Column(AwareDateTime)  # corrections: what was announced before
    previous_ends_at = Column(AwareDateTime)
    # Delivery (real time: leases and retries must run on a frozen business clock too).
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(AwareDateTime, nullable=False)
    claim_token = Column(String(32))
    lease_until = Column(AwareDateTime)
    last_error = Column(String(300))
    platform_message_id = Column(String(128))
    created_at = Column(AwareDateTime, nullable=False)
    updated_at = Column(AwareDateTime, nullable=False)
    sent_at = Column(AwareDateTime)


# The Zalo and Messenger windows count from the user's last message (``channel_inbox``)
# and the messages sent to them since (``channel_outbox``): indexes for those questions,
# asked once per batch of notices (the tables belong to the channels; the indexes are the
# notices' need, created by migration 0005_notices).
Index(
    "ix_channel_inbox_sender_received",
    ChannelInboxEvent.channel,
    ChannelInboxEvent.sender_id,
    ChannelInboxEvent.received_at,
)
Index(
    "ix_channel_outbox_recipient_created",
    ChannelOutboxMessage.channel,
    ChannelOutboxMessage.recipient_id,
    ChannelOutboxMessage.created_at,
)
