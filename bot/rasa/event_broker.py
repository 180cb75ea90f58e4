"""Rasa's event broker chosen by one URL (``EVENT_BROKER_URL``), so the production profile is
picked by environment variables alone, like the tracker and lock stores.

    sqlite:///var/events.db                      Rasa's SQL broker (embedded default)
    postgresql://user:pw@host:5432/rasa_events   Rasa's SQL broker on PostgreSQL
    amqp://guest:guest@127.0.0.1:5672/           Rasa's Pika broker to RabbitMQ (production)

``endpoints.yml``: ``event_broker: {type: bot.rasa.event_broker.UrlEventBroker, url: ...}``.
The SQL broker writes a table named ``events``, like Rasa's SQL tracker store: give it its
own database, never the tracker store's. The Pika broker publishes to the fanout exchange
``rasa-exchange`` and declares the durable queue the desk consumes (``DESK_EVENTS_QUEUE``,
default ``evn_desk_events``), so no event is lost while the web app restarts.

The SQL broker is :class:`BatchSQLEventBroker`: Rasa's, plus ``publish_many`` (the events
of one save in one transaction; Rasa commits each event on its own), which our tracker
store calls from its writer thread (bot/rasa/stores.py); on SQLite with pooled
connections, WAL and ``synchronous=NORMAL`` like the tracker store.
"""

from __future__ import annotations

import json
import os
from asyncio import AbstractEventLoop
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from rasa.core.brokers.broker import EventBroker
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.brokers.sql import SQLEventBroker
from rasa.utils.endpoints import EndpointConfig

from bot.config import desk_events_queue, event_broker_kind


class BatchSQLEventBroker(SQLEventBroker):
    """Rasa's SQL event broker (same table, same rows) with batched publishing."""

    def __init__(self, host: str) -> None:
        super().__init__(host=host)
        if self.engine.dialect.name == "sqlite":
            import sqlalchemy.orm

            from bot.rasa.stores import sqlite_engine

            old, self.engine = self.engine, sqlite_engine(self.engine.url)
            old.dispose()
            self.sessionmaker = sqlalchemy.orm.sessionmaker(bind=self.engine)

    def publish_many(self, events: Sequence[dict[str, Any]]) -> None:
        """Publish ``events`` in order, in one transaction."""
        if not events:
            return
        rows = [{"sender_id": e.get("sender_id"), "data": json.dumps(e)} for e in events]
        with self.session_scope() as session:
            session.execute(self.SQLBrokerEvent.__table__.insert(), rows)
            session.commit()


async def broker_from_url(url: str | None, event_loop: AbstractEventLoop | None = None) -> EventBroker | None:
    kind = event_broker_kind(url)
    if kind == "none":
        return None
    url = (url or "").strip()
    if kind == "sql":
        return BatchSQLEventBroker(host=url)
    parts = urlsplit(url)
    broker = PikaEventBroker(
        host=url,
        username=unquote(parts.username or "guest"),
        password=unquote(parts.password or "guest"),
        port=parts.port or (5671 if parts.scheme == "amqps" else 5672),
        queues=[desk_events_queue()],
        event_loop=event_loop,
        connection_attempts=int(os.environ.get("EVENT_BROKER_CONNECT_ATTEMPTS", "20")),
        retry_delay_in_seconds=2,
    )
    await broker.connect()
    return broker


class UrlEventBroker(EventBroker):
    """The ``type`` named in endpoints.yml; returns Rasa's own SQL or Pika broker."""

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: EndpointConfig, event_loop: AbstractEventLoop | None = None
    ) -> EventBroker | None:
        return await broker_from_url(broker_config.url, event_loop)
