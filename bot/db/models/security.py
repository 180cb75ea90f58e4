"""Security tables: per-code verification guards, shared rate counters, operator
alerts, one-time codes and the simulated SMS outbox.

- ``security_code_guards``: one row per customer code (known or not) that someone tried
  to verify. Checking an answer locks the row first (``SELECT ... FOR UPDATE`` on
  PostgreSQL, a write that takes the database write lock on SQLite), so the check and
  the record of an attempt are one step per code, whatever the number of processes.
- ``security_rate_events``: the database back end of the shared rate counters (one row
  per counted event, by bucket); Redis replaces it when ``RATE_LIMIT_URL`` is set.
- ``security_alerts``: spikes of verification failures and codes locked for everyone,
  shown on the agent desk (:mod:`bot.services.security_alerts`).
- ``security_one_time_codes``: codes sent to the registered phone, hashed (argon2id),
  bound to the requester who asked for them; ``security_sms_outbox``: the messages a
  real SMS gateway would send (none exists here; the desk shows them).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, SmallInteger, String, Text

from bot.db.models.base import AwareDateTime, Base
from bot.db.models.base import now as _now


class CodeGuard(Base):
    """The row a verification of this customer code locks (see the module docstring)."""

    __tablename__ = "security_code_guards"

    customer_code = Column(String(13), primary_key=True)  # as tried; may not exist
    touched_at = Column(AwareDateTime, nullable=False, default=_now)


class RateEvent(Base):
    """One counted event (a failure, a message) of a rate bucket."""

    __tablename__ = "security_rate_events"
    __table_args__ = (Index("ix_security_rate_events_bucket_at", "bucket", "at"),)

    id = Column(Integer, primary_key=True)
    bucket = Column(String(80), nullable=False)  # e.g. "fail:sender:<hash>", never a raw id
    at = Column(AwareDateTime, nullable=False, default=_now, index=True)


class SecurityAlert(Base):
    """Something operators should look at; repeated events update the open alert."""

    __tablename__ = "security_alerts"
    __table_args__ = (Index("ix_security_alerts_kind_subject", "kind", "subject", "last_at"),)

    id = Column(Integer, primary_key=True)
    kind = Column(String(40), nullable=False)  # bot.services.security_alerts.AlertKind
    subject = Column(String(80), nullable=False)  # "global", a customer code, a hashed network
    count = Column(Integer, nullable=False, default=1)  # events seen while the alert was open
    first_at = Column(AwareDateTime, nullable=False, default=_now)
    last_at = Column(AwareDateTime, nullable=False, default=_now, index=True)
    acknowledged_at = Column(AwareDateTime)
    acknowledged_by = Column(String(100))


class OneTimeCode(Base):
    """A code sent to the registered phone of a customer code, for one requester."""

    __tablename__ = "security_one_time_codes"
    __table_args__ = (
        Index("ix_security_one_time_codes_code_at", "customer_code", "issued_at"),
        Index("ix_security_one_time_codes_user_at", "channel", "channel_user_id", "issued_at"),
    )

    id = Column(Integer, primary_key=True)
    customer_code = Column(String(13), nullable=False)  # as asked; may not exist
    channel = Column(String(20), nullable=False)
    channel_user_id = Column(String(128), nullable=False)
    code_hash = Column(String(200), nullable=False)  # argon2id; never the code itself
    issued_at = Column(AwareDateTime, nullable=False, default=_now)
    expires_at = Column(AwareDateTime, nullable=False)
    attempts = Column(SmallInteger, nullable=False, default=0)
    used_at = Column(AwareDateTime)


class SmsOutbox(Base):
    """A text message for a customer's registered phone, as a gateway would send it."""

    __tablename__ = "security_sms_outbox"

    id = Column(Integer, primary_key=True)
    created_at = Column(AwareDateTime, nullable=False, default=_now, index=True)
    customer_code = Column(String(13), nullable=False)
    to_phone = Column(String(20), nullable=False)  # the gateway needs it; shown masked
    body = Column(Text, nullable=False)  # cleared by the privacy purge once expired
    expires_at = Column(AwareDateTime)  # when the body stops mattering (the code expires)
    sent_at = Column(AwareDateTime)  # set by a gateway (none here)
