"""Rasa's stored conversations (the SQL tracker store's ``events`` table), for the
retention purge only.

The table belongs to Rasa (created by its tracker store, never by our migrations);
it is described here on its own metadata so nothing of ours ever creates or alters it.
It may live in the utility database or in another one (``TRACKER_STORE_URL``): the
caller opens a unit of work on the right URL.

A conversation (``sender_id``) is a series of sessions, each starting with a
``session_started`` event; Rasa only ever loads the last one. The purge deletes the
events older than the cutoff that belong to a finished session (a later session has
started), and every event of a conversation whose last event is older than the
cutoff. The current session of a conversation still in use is kept whole, so no
tracker Rasa loads is ever cut.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    and_,
    delete,
    exists,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import aliased

from bot.db.repositories.base import Repository

rasa_metadata = MetaData()
events = Table(
    "events",
    rasa_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
SESSION_STARTED = "session_started"


class ConversationRepository(Repository):
    def exists(self) -> bool:
        """Whether this database holds Rasa's ``events`` table."""
        return inspect(self.session.connection()).has_table("events")

    def _old_event_ids(self, cutoff: datetime):
        later = aliased(events)
        cutoff_ts = cutoff.timestamp()
        ended_session = exists().where(
            and_(
                later.c.sender_id == events.c.sender_id,
                later.c.type_name == SESSION_STARTED,
                later.c.id > events.c.id,
            )
        )
        idle_senders = (
            select(events.c.sender_id)
            .group_by(events.c.sender_id)
            .having(func.max(events.c.timestamp) < cutoff_ts)
        )
        return select(events.c.id).where(
            events.c.timestamp < cutoff_ts, ended_session | events.c.sender_id.in_(idle_senders)
        )

    def purge_older_than(self, cutoff: datetime) -> int:
        """Delete the events of sessions that ended before ``cutoff``; how many."""
        ids = [row[0] for row in self.session.execute(self._old_event_ids(cutoff))]
        removed = 0
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            removed += self.session.execute(delete(events).where(events.c.id.in_(chunk))).rowcount
        return removed
