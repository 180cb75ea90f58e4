"""Platform access tokens that rotate (Zalo): the current pair lives in the database.

Zalo's refresh token is single-use: every refresh returns a new pair, so the pair must
be stored where every instance (and the next start) finds it, not only in the
environment. The environment's pair seeds the table once (:func:`seed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.db.models import ChannelToken
from bot.db.session import session_scope
from bot.services.channel_clock import real_now


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str | None
    expires_at: datetime | None
    updated_at: datetime


def _pair(row: ChannelToken) -> TokenPair:
    return TokenPair(row.access_token, row.refresh_token, row.expires_at, row.updated_at)


def current(channel: str, database_url: str | None = None) -> TokenPair | None:
    with session_scope(database_url) as session:
        row = session.get(ChannelToken, channel)
        return _pair(row) if row is not None else None


def seed(
    channel: str, access_token: str, refresh_token: str | None, database_url: str | None = None
) -> TokenPair | None:
    """Store the configured pair if none is stored yet; return what is stored now."""
    try:
        with session_scope(database_url) as session:
            row = session.get(ChannelToken, channel)
            if row is None and access_token:
                row = ChannelToken(
                    channel=channel,
                    access_token=access_token,
                    refresh_token=refresh_token or None,
                    expires_at=None,  # unknown: renewed at once (see bot.channels.zalo.client)
                    updated_at=real_now(),
                )
                session.add(row)
                session.flush()
            return _pair(row) if row is not None else None
    except IntegrityError:  # another process seeded it a moment ago
        return current(channel, database_url)


def save(
    channel: str,
    access_token: str,
    refresh_token: str | None,
    expires_at: datetime | None,
    database_url: str | None = None,
) -> TokenPair:
    with session_scope(database_url) as session:
        row = session.get(ChannelToken, channel)
        if row is None:
            row = ChannelToken(channel=channel)
            session.add(row)
        row.access_token = access_token
        row.refresh_token = refresh_token or row.refresh_token
        row.expires_at = expires_at
        row.updated_at = real_now()
        session.flush()
        return _pair(row)
