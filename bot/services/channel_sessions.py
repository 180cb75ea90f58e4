"""Server-issued credentials for conversation ids chosen by REST and callback clients.

The first message for a conversation id claims it: we issue a random bearer token
(returned once, in the ``X-Session-Token`` response header) and keep only its SHA-256
hash. Every later message for that id must present the token, else it is refused, so a
reused sender id never continues someone else's conversation. Each claim also gets a
random, opaque identity key: the conversation's verification is bound to that key, never
to the client-chosen id.

A conversation id stays claimed until it has been idle for the retention period
(:func:`forget_idle`); only then may someone claim it afresh, with a new identity key.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.models import ChannelSession
from bot.db.uow import UnitOfWork
from bot.services.channel_clock import real_now

TOKEN_BYTES = 32  # 256 bits
MAX_TOKEN_CHARS = 200
# How fresh "last seen" is kept: idle credentials are forgotten after days, so a minute
# is precise enough, and a message of a conversation seen within the minute writes
# nothing (every message used to write the utility database before the dialogue ran).
SEEN_PRECISION = timedelta(minutes=1)


class Outcome(enum.Enum):
    ISSUED = "issued"  # first message: a new credential, to hand to the client
    ACCEPTED = "accepted"  # the right token
    MISSING = "missing"  # the id is claimed and no token came with the message
    WRONG = "wrong"  # the id is claimed and the token is not its own


@dataclass(frozen=True)
class SessionCheck:
    outcome: Outcome
    identity_key: str | None = None
    token: str | None = None  # only when ISSUED

    @property
    def allowed(self) -> bool:
        return self.outcome in (Outcome.ISSUED, Outcome.ACCEPTED)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _judge(row: ChannelSession, presented: str | None, now: datetime) -> SessionCheck:
    if not presented:
        return SessionCheck(Outcome.MISSING)
    if len(presented) > MAX_TOKEN_CHARS or not hmac.compare_digest(token_hash(presented), row.token_hash):
        return SessionCheck(Outcome.WRONG)
    if row.last_seen_at is None or now - row.last_seen_at >= SEEN_PRECISION:
        row.last_seen_at = now
    return SessionCheck(Outcome.ACCEPTED, identity_key=row.identity_key)


def check(uow: UnitOfWork, conversation_id: str, channel: str, presented: str | None) -> SessionCheck:
    """Claim ``conversation_id`` (its first message) or check the token presented for it."""
    now = real_now()
    row = uow.channels.find_session(conversation_id)
    if row is None:
        token, identity_key = secrets.token_urlsafe(TOKEN_BYTES), secrets.token_hex(16)
        if uow.channels.claim_session(conversation_id, channel, token_hash(token), identity_key, now):
            return SessionCheck(Outcome.ISSUED, identity_key=identity_key, token=token)
        # Claimed by someone else a moment ago: judge this message against their claim.
        row = uow.channels.find_session(conversation_id)
        if row is None:  # pragma: no cover - claimed and forgotten within a moment
            return SessionCheck(Outcome.MISSING)
    return _judge(row, presented, now)


def forget_idle(uow: UnitOfWork, idle_for: timedelta) -> int:
    """Forget credentials idle for longer than ``idle_for``; their ids may be claimed again."""
    return uow.channels.forget_idle_sessions(real_now() - idle_for)
