"""Channel links, verification attempts and the disclosure audit."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)

from bot.db.models.base import AwareDateTime, Base
from bot.db.models.base import now as _now


class ChannelLink(Base):
    """A channel user verified as (a person entitled to) a customer code."""

    __tablename__ = "channel_links"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id", "customer_code"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(20), nullable=False)  # zalo, facebook, webchat...
    channel_user_id = Column(String(128), nullable=False)
    customer_code = Column(ForeignKey("customers.code", ondelete="CASCADE"), nullable=False, index=True)
    verified_at = Column(AwareDateTime, nullable=False, default=_now)


class VerificationAttempt(Base):
    """One try at proving a customer code (e.g. with the phone number); for lockout."""

    __tablename__ = "verification_attempts"
    __table_args__ = (
        Index("ix_verification_attempts_code_at", "customer_code", "attempted_at"),
        Index("ix_verification_attempts_user_at", "channel", "channel_user_id", "attempted_at"),
    )

    id = Column(Integer, primary_key=True)
    customer_code = Column(String(13), nullable=False)  # as tried; may not exist
    channel = Column(String(20), nullable=False)
    channel_user_id = Column(String(128), nullable=False)
    attempted_at = Column(AwareDateTime, nullable=False, default=_now)
    success = Column(Boolean, nullable=False)


class DisclosureAudit(Base):
    """Audit log: which account data was shown to which (hashed) channel user."""

    __tablename__ = "disclosure_audit"
    __table_args__ = (Index("ix_disclosure_audit_code_at", "customer_code", "at"),)

    id = Column(Integer, primary_key=True)
    at = Column(AwareDateTime, nullable=False, default=_now)
    customer_code = Column(String(13), nullable=False)
    channel = Column(String(20), nullable=False)
    channel_user_hash = Column(String(64), nullable=False)  # sha256 hex, never the raw id
    disclosed = Column(String(200), nullable=False)  # e.g. "invoice 10/2026", "readings"
