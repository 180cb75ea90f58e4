"""The agent desk and human handoff: agents, their sessions, handoffs and their messages.

Tables are prefixed ``desk_`` (the people and their sessions) or ``handoff`` (the
conversations handed to them), so nothing clashes with the service ``tickets``.
Everything the desk needs lives here, in the utility database: restarting the web app,
Rasa or the action server loses nothing, and open handoffs go on.

Lifecycle of a handoff (``status``)::

    waiting --take--> active --close--> closed
       |                 \\--transfer (back to the queue)--> waiting
       +--customer says "hủy"--> cancelled
    callback (offered out of hours / nobody online) --done--> closed, or --> cancelled

``waiting``, ``active`` and ``callback`` are *open*: at most one open handoff per
conversation (a partial unique index, on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import relationship

from bot.db.models.base import AwareDateTime, Base
from bot.db.models.base import in_values as _in
from bot.db.models.base import now as _now
from bot.db.models.enums import StrEnum


class AgentRole(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"


class HandoffStatus(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    CALLBACK = "callback"
    CLOSED = "closed"
    CANCELLED = "cancelled"


OPEN_HANDOFF_STATES = (HandoffStatus.WAITING, HandoffStatus.ACTIVE, HandoffStatus.CALLBACK)


class HandoffReason(StrEnum):
    REQUEST = "request"  # the customer asked for a person
    MISUNDERSTOOD = "misunderstood"  # two misunderstandings in a row
    COMPLAINT = "complaint"
    FRUSTRATION = "frustration"
    VERIFICATION_LOCK = "verification_lock"
    HAZARD = "hazard"
    RECHECK = "recheck"  # a re-check (phúc tra) the bot opened
    RULE = "rule"  # an operator rule (configured intents)


class HandoffOutcome(StrEnum):
    RESOLVED = "resolved"
    TICKET = "ticket"  # a ticket was opened for the field or back office
    CALLBACK = "callback"  # the agent arranged to call back
    CALLED_BACK = "called_back"  # a callback was made
    UNRESOLVED = "unresolved"
    NO_RESPONSE = "no_response"  # the customer stopped answering


class MessageDirection(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"  # desk notes (taken, transferred...), never sent to the customer


class Delivery(StrEnum):
    RECEIVED = "received"  # a customer message
    PENDING = "pending"  # an agent message not yet handed to Rasa
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after several tries
    INTERNAL = "internal"  # a system note


class CallbackStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # nobody answered


_OPEN_STATES_SQL = "status IN ('waiting', 'active', 'callback')"


class DeskAgent(Base):
    """A customer-care agent (tư vấn viên) or supervisor who logs in to the desk."""

    __tablename__ = "desk_agents"
    __table_args__ = (CheckConstraint(_in("role", AgentRole), name="role_values"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(32), nullable=False, unique=True)
    display_name = Column(String(60), nullable=False)  # what customers read: a first name
    role = Column(String(12), nullable=False, default=AgentRole.AGENT.value)
    password_hash = Column(String(200), nullable=False)  # argon2id
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(AwareDateTime, nullable=False, default=_now)
    password_changed_at = Column(AwareDateTime, nullable=False, default=_now)


class DeskLoginAttempt(Base):
    """One login try, for the lockout (counted per username, known or not)."""

    __tablename__ = "desk_login_attempts"
    __table_args__ = (Index("ix_desk_login_attempts_username_at", "username", "at"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False)  # as typed (lower-cased, cut)
    at = Column(AwareDateTime, nullable=False, default=_now)
    success = Column(Boolean, nullable=False)


class DeskSession(Base):
    """A logged-in browser: the cookie holds a random token, we keep its SHA-256 only."""

    __tablename__ = "desk_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    agent_id = Column(ForeignKey("desk_agents.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(AwareDateTime, nullable=False, default=_now)
    last_seen_at = Column(AwareDateTime, nullable=False, default=_now)
    expires_at = Column(AwareDateTime, nullable=False)
    present_until = Column(AwareDateTime)  # live desk connection (WebSocket) until then

    agent = relationship("DeskAgent")


class DeskSetting(Base):
    """A supervisor's override of a desk setting (e.g. the working hours)."""

    __tablename__ = "desk_settings"

    key = Column(String(40), primary_key=True)
    value = Column(Text, nullable=False)
    updated_at = Column(AwareDateTime, nullable=False, default=_now)
    updated_by = Column(ForeignKey("desk_agents.id", ondelete="SET NULL"))


class DeskDisclosure(Base):
    """Audit: which account data an agent looked at, for which customer."""

    __tablename__ = "desk_disclosures"
    __table_args__ = (Index("ix_desk_disclosures_code_at", "customer_code", "at"),)

    id = Column(Integer, primary_key=True)
    at = Column(AwareDateTime, nullable=False, default=_now)
    agent_id = Column(ForeignKey("desk_agents.id", ondelete="RESTRICT"), nullable=False, index=True)
    customer_code = Column(String(13), nullable=False)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="SET NULL"))
    disclosed = Column(String(200), nullable=False)


class DeskBrokerCursor(Base):
    """How far the desk has read an event stream (the SQL event broker's table)."""

    __tablename__ = "desk_broker_cursors"

    name = Column(String(40), primary_key=True)
    position = Column(BigInteger, nullable=False, default=0)
    updated_at = Column(AwareDateTime, nullable=False, default=_now)


class Handoff(Base):
    """A conversation handed to a person, with the summary the agent reads first."""

    __tablename__ = "handoffs"
    __table_args__ = (
        CheckConstraint(_in("status", HandoffStatus), name="status_values"),
        CheckConstraint(_in("reason", HandoffReason), name="reason_values"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', HandoffOutcome)}", name="outcome_values"),
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority_range"),
        Index("ix_handoffs_queue", "status", "priority", "queued_at"),
        Index(
            "uq_handoffs_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=text(_OPEN_STATES_SQL),
            postgresql_where=text(_OPEN_STATES_SQL),
        ),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)  # Rasa's sender id
    channel = Column(String(40), nullable=False)  # Rasa input channel: callback, socketio, zalo...
    customer_code = Column(String(13), index=True)
    verified = Column(Boolean, nullable=False, default=False)
    reason = Column(String(24), nullable=False)
    priority = Column(SmallInteger, nullable=False)  # 1 urgent .. 4 low (TicketPriority)
    status = Column(String(12), nullable=False, default=HandoffStatus.WAITING.value)
    summary = Column(Text, nullable=False)  # JSON of bot.services.handoff_summary.HandoffSummary
    created_at = Column(AwareDateTime, nullable=False, default=_now)
    queued_at = Column(AwareDateTime)  # entered the queue (the bot paused): waits count from here
    paused_at = Column(AwareDateTime)  # Rasa's "pause" seen on the event stream
    taken_at = Column(AwareDateTime)
    closed_at = Column(AwareDateTime)
    assigned_agent_id = Column(ForeignKey("desk_agents.id", ondelete="SET NULL"), index=True)
    outcome = Column(String(24))
    outcome_note = Column(Text)
    transfers = Column(SmallInteger, nullable=False, default=0)
    estimated_wait_s = Column(Integer)  # told to the customer when it opened
    customer_notified_at = Column(AwareDateTime)  # the bot said it is back (close / cancel)
    resumed_at = Column(AwareDateTime)  # Rasa's "resume" seen on the event stream
    updated_at = Column(AwareDateTime, nullable=False, default=_now, onupdate=_now)

    agent = relationship("DeskAgent", foreign_keys=[assigned_agent_id])
    messages = relationship(
        "HandoffMessage", order_by="HandoffMessage.id", cascade="all, delete-orphan", passive_deletes=True
    )
    callback = relationship("HandoffCallback", uselist=False, passive_deletes=True)
    rating = relationship("HandoffRating", uselist=False, passive_deletes=True)


class HandoffMessage(Base):
    """A message of the handed-over conversation: the customer's, an agent's, or a desk note."""

    __tablename__ = "handoff_messages"
    __table_args__ = (
        CheckConstraint(_in("direction", MessageDirection), name="direction_values"),
        CheckConstraint(_in("delivery", Delivery), name="delivery_values"),
        UniqueConstraint("handoff_id", "source_key"),
        Index("ix_handoff_messages_delivery", "delivery", "handoff_id"),
    )

    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    direction = Column(String(10), nullable=False)
    text = Column(Text, nullable=False)
    agent_id = Column(ForeignKey("desk_agents.id", ondelete="SET NULL"))
    created_at = Column(AwareDateTime, nullable=False, default=_now)
    delivery = Column(String(10), nullable=False)
    attempts = Column(SmallInteger, nullable=False, default=0)
    delivered_at = Column(AwareDateTime)
    source_key = Column(String(100))  # the broker event's message id: a redelivery is ignored

    agent = relationship("DeskAgent")


class HandoffCallback(Base):
    """A callback the customer asked for: the number (confirmed) and when to call."""

    __tablename__ = "handoff_callbacks"
    __table_args__ = (
        CheckConstraint(_in("status", CallbackStatus), name="status_values"),
        CheckConstraint("window_end > window_start", name="window_order"),
    )

    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, unique=True)
    phone = Column(String(20), nullable=False)
    phone_confirmed = Column(Boolean, nullable=False, default=False)
    window_start = Column(AwareDateTime, nullable=False, index=True)
    window_end = Column(AwareDateTime, nullable=False)
    status = Column(String(10), nullable=False, default=CallbackStatus.PENDING.value)
    created_at = Column(AwareDateTime, nullable=False, default=_now)
    done_at = Column(AwareDateTime)
    done_by = Column(ForeignKey("desk_agents.id", ondelete="SET NULL"))
    note = Column(Text)


class HandoffRating(Base):
    """The customer's 1–5 rating after the agent closed the conversation."""

    __tablename__ = "handoff_ratings"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, unique=True)
    score = Column(SmallInteger, nullable=False)
    comment = Column(Text)
    created_at = Column(AwareDateTime, nullable=False, default=_now)
