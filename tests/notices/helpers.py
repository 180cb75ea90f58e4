"""Helpers of the notice tests: subscribers, user activity, the outbox as plain dicts.

The world is tests/support/outage_world.py (frozen at 27/11/2026 09:00): stations
``PB1102-T001`` (customer PB11020000002), ``PB1102-T002`` (PB11020000102, PB11020000103),
``PB1403-T001`` (PB14030000003, an open incident), ``PB0501-T001`` (PB05010000104/105, an
outage under way); PB11020000106 has no station (ward Phường Tân An, Cần Thơ).
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.db.models import NoticeOutboxRow
from bot.services import notices, unit_of_work
from bot.services.channel_clock import real_now
from bot.services.notices import SubscriptionResult
from bot.services.verification import Requester

VN_NOW = "2026-11-27T09:00:00"
_events = itertools.count(1)


def conversation_of(channel: str, user: str) -> str:
    return {"zalo": f"zalo:{user}", "facebook": f"facebook:{user}", "socketio": f"web:{user}"}.get(
        channel, user
    )


def subscribe(url: str, channel: str, user: str, code: str) -> SubscriptionResult:
    """A channel user verified for ``code`` (linked on Zalo/Messenger, verified in the
    session elsewhere) subscribes through the service."""
    with unit_of_work(url) as uow:
        if channel in ("zalo", "facebook"):
            uow.identity.link(channel, user, code)
            requester = Requester(channel, user, persistent=True)
        else:
            uow.identity.record_attempt(code, channel, f"key-{user}", True)
            requester = Requester(channel, f"key-{user}", persistent=False)
        result = notices.subscribe(uow, requester, conversation_of(channel, user), channel, code)
    assert result.subscribed, result
    return result


def touch(url: str, channel: str, user: str, at: datetime | None = None) -> None:
    """The user wrote to the channel (a webhook event in its inbox)."""
    with unit_of_work(url) as uow:
        uow.channels.record_event(channel, f"ev-{next(_events)}", user, "text", "alo", at or real_now())


def rows(url: str, **where: Any) -> list[dict[str, Any]]:
    """The notice outbox, oldest first, as dicts (filtered by column values)."""
    with unit_of_work(url) as uow:
        statement = select(NoticeOutboxRow).order_by(NoticeOutboxRow.id)
        for column, value in where.items():
            statement = statement.where(getattr(NoticeOutboxRow, column) == value)
        found = uow.session.execute(statement).scalars().all()
        return [{c.name: getattr(row, c.name) for c in NoticeOutboxRow.__table__.columns} for row in found]


def summary(url: str, **where: Any) -> list[tuple]:
    """(conversation, kind, event, version, status) of every notice."""
    return [
        (r["conversation_id"], r["kind"], r["event_ref"], r["version"], r["status"])
        for r in rows(url, **where)
    ]
