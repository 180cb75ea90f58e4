"""Platform access tokens that rotate (Zalo): the current pair lives in the database.

Zalo's refresh token is single-use: every refresh returns a new pair, so the pair must
be stored where every instance (and the next start) finds it, not only in the
environment. The environment's pair seeds the table once (:func:`seed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.models import ChannelToken
from bot.db.uow import UnitOfWork
from bot.services.channel_clock import real_now


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    updated_at: datetime


def _pair(row: ChannelToken | None) -> TokenPair | None:
    if row is None:
        return None
    return TokenPair(row.access_token, row.refresh_token, row.expires_at, row.updated_at)


def current(uow: UnitOfWork, channel: str) -> TokenPair | None:
    return _pair(uow.channels.token(channel))


def seed(uow: UnitOfWork, channel: str, access_token: str, refresh_token: str | None) -> TokenPair | None:
    """Store the configured pair if none is stored yet (its expiry unknown); what is stored now."""
    if access_token and uow.channels.token(channel) is None:
        uow.channels.seed_token(channel, access_token, refresh_token or None, real_now())
    return _pair(uow.channels.token(channel))


def save(
    uow: UnitOfWork, channel: str, access_token: str, refresh_token: str | None, expires_at: datetime | None
) -> TokenPair:
    return _pair(uow.channels.save_token(channel, access_token, refresh_token, expires_at, real_now()))
