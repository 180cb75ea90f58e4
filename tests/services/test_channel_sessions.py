"""REST/callback session credentials: the first message claims an id, later ones need its
token; "last seen" (what idle credentials are forgotten by) is kept to the minute, so a
conversation's messages do not each write the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import ChannelSession
from bot.services import channel_clock, channel_sessions, unit_of_work
from bot.services.channel_sessions import Outcome


@pytest.fixture
def clock_reset() -> Iterator[None]:
    channel_clock.reset()
    yield
    channel_clock.reset()


def last_seen(url: str, conversation_id: str):
    with unit_of_work(url) as uow:
        return uow.session.execute(
            select(ChannelSession.last_seen_at).where(ChannelSession.conversation_id == conversation_id)
        ).scalar_one()


def check(url: str, conversation_id: str, token: str | None) -> channel_sessions.SessionCheck:
    with unit_of_work(url) as uow:
        return channel_sessions.check(uow, conversation_id, "rest", token)


def test_last_seen_moves_at_most_once_a_minute(clean_db_url: str, clock_reset: None) -> None:
    issued = check(clean_db_url, "s-1", None)
    assert issued.outcome is Outcome.ISSUED and issued.token
    claimed = last_seen(clean_db_url, "s-1")
    channel_clock.advance(30)
    assert check(clean_db_url, "s-1", issued.token).outcome is Outcome.ACCEPTED
    assert last_seen(clean_db_url, "s-1") == claimed  # within the minute: nothing written
    channel_clock.advance(31)
    assert check(clean_db_url, "s-1", issued.token).outcome is Outcome.ACCEPTED
    assert last_seen(clean_db_url, "s-1") - claimed >= timedelta(seconds=60)


def test_a_conversation_seen_within_the_minute_is_not_forgotten(clean_db_url: str, clock_reset: None) -> None:
    issued = check(clean_db_url, "s-2", None)
    channel_clock.advance(50)
    check(clean_db_url, "s-2", issued.token)
    with unit_of_work(clean_db_url) as uow:  # idle for 2 minutes is the limit here
        assert channel_sessions.forget_idle(uow, timedelta(minutes=2)) == 0
    channel_clock.advance(3 * 60)
    with unit_of_work(clean_db_url) as uow:
        assert channel_sessions.forget_idle(uow, timedelta(minutes=2)) == 1
    assert check(clean_db_url, "s-2", issued.token).outcome is Outcome.ISSUED  # claimable afresh
