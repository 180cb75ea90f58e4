"""The desk reads Rasa's event stream (the event broker in endpoints.yml).

What it does with the events (:class:`EventHandler`):
* ``pause``: the conversation is now the desk's; agents get the queue, urgent ones an alert;
* ``user`` while paused: the customer's message goes to the agent (stored, pushed live); a
  "thôi"/"hủy" while nobody has taken it yet cancels the handoff and hands back to the bot;
* ``resume``: the bot has the conversation again.
Events of conversations that are not handed over cost nothing (a set in memory, rebuilt
from the database at start).

Where the events come from, by ``EVENT_BROKER_URL`` (bot/rasa/event_broker.py):
* SQL broker (``sqlite://``, ``postgresql://``): :class:`SqlEventReader` reads its ``events``
  table in order, remembering how far it got in ``desk_broker_cursors`` (utility database),
  so a restart neither loses nor repeats anything;
* RabbitMQ (``amqp://``): :class:`PikaEventReader` consumes the durable queue Rasa's Pika
  broker publishes to; a message is acknowledged only once handled.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from bot.services import DataUnavailable, handoff, handoff_events, handoff_messages
from bot.services.handoff_events import BrokerUnavailable, SqlEventTable
from bot.web.desk.db import run_db

log = logging.getLogger(__name__)

BATCH = 200
IDLE_POLL_S = 0.3
ERROR_PAUSE_S = 3.0


class EventHandler:
    """Applies one Rasa event to the desk (see the module docstring)."""

    def __init__(self, database_url: str, state: Any, resume: Callable[[str], Awaitable[None]]) -> None:
        self.database_url = database_url
        self.state = state  # bot.web.desk.state.DeskState
        self.resume = resume  # runs action_handoff_closed for a conversation

    def concerns(self, event_data: dict[str, Any]) -> bool:
        """Whether :meth:`handle` does anything with this event (most events: no)."""
        kind = event_data.get("event")
        sender = event_data.get("sender_id")
        if not isinstance(sender, str):
            return False
        return kind in ("pause", "resume") or (kind == "user" and sender in self.state.paused)

    async def load_paused(self) -> None:
        self.state.paused = await run_db(self.database_url, handoff_messages.paused_conversations)

    async def handle(self, event_data: dict[str, Any]) -> None:
        kind = event_data.get("event")
        sender = event_data.get("sender_id")
        if not isinstance(sender, str) or kind not in ("pause", "resume", "user"):
            return
        hub = self.state.hub
        if kind == "pause":
            handoff_id = await run_db(self.database_url, handoff_messages.mark_paused, sender)
            if handoff_id is not None:
                self.state.paused.add(sender)
                await hub.push_queue(alert_handoff=handoff_id)
        elif kind == "resume":
            self.state.paused.discard(sender)
            handoff_id = await run_db(self.database_url, handoff_messages.mark_resumed, sender)
            if handoff_id is not None:
                await hub.push_handoff(handoff_id, "resumed")
        elif sender in self.state.paused:
            await self._customer_message(sender, event_data)

    async def _customer_message(self, sender: str, event_data: dict[str, Any]) -> None:
        text = str(event_data.get("text") or "")
        key = event_data.get("message_id") or _event_key(event_data)
        message = await run_db(self.database_url, handoff_messages.record_customer_message, sender, text, key)
        if message is None:
            return
        hub = self.state.hub
        await hub.push_message(message.handoff_id, message)
        intent = ((event_data.get("parse_data") or {}).get("intent") or {}).get("name")
        if handoff_messages.is_cancel(text, intent):
            result = await run_db(self.database_url, handoff.cancel_by_customer, sender)
            if result.cancelled:
                await hub.push_handoff(
                    result.handoff_id, handoff.HandoffStatus.CANCELLED.value, "Khách đã hủy yêu cầu."
                )
                await self.resume(sender)
        await hub.push_queue(force=False)


def _event_key(event_data: dict[str, Any]) -> str:
    raw = f"{event_data.get('timestamp')}|{event_data.get('text')}"
    return "h:" + hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()[:40]


# ----------------------------------------------------------------------- SQL broker


class SqlEventReader:
    """Reads Rasa's SQL broker table in id order from the remembered position."""

    def __init__(self, broker_url: str, database_url: str, handler: EventHandler) -> None:
        self.table = SqlEventTable(broker_url)
        self.database_url = database_url
        self.handler = handler

    async def run_once(self) -> int:
        """Handle the next batch; returns how many events were read.

        The position is written after each event the desk acts on (so none is acted on
        twice after a restart) and once at the end of the batch for the others, which
        the desk only skips (every event used to cost a write to the utility database:
        docs/benchmarks.md, "Conversation load")."""
        after = await run_db(self.database_url, handoff_events.position, self.table.name)
        rows = await asyncio.to_thread(self.table.read, after, BATCH)
        skipped_to: int | None = None
        for event_id, payload in rows:
            if payload is not None and self.handler.concerns(payload):
                await self.handler.handle(payload)
                await run_db(self.database_url, handoff_events.advance, self.table.name, event_id)
                skipped_to = None
            else:
                skipped_to = event_id
        if skipped_to is not None:
            await run_db(self.database_url, handoff_events.advance, self.table.name, skipped_to)
        return len(rows)

    async def run(self) -> None:
        while True:
            try:
                if await self.run_once() < BATCH:
                    await asyncio.sleep(IDLE_POLL_S)
            except asyncio.CancelledError:
                raise
            except (BrokerUnavailable, DataUnavailable) as error:
                log.warning("reading the event broker failed (%s); retrying", error)
                await asyncio.sleep(ERROR_PAUSE_S)

    def close(self) -> None:
        self.table.close()


# ---------------------------------------------------------------------- RabbitMQ


class PikaEventReader:
    """Consumes the desk's durable queue bound to Rasa's ``rasa-exchange``."""

    def __init__(self, broker_url: str, queue: str, handler: EventHandler) -> None:
        self.broker_url = broker_url
        self.queue = queue
        self.handler = handler

    async def run(self) -> None:
        import aio_pika

        while True:
            try:
                connection = await aio_pika.connect_robust(self.broker_url)
                async with connection:
                    channel = await connection.channel()
                    await channel.set_qos(prefetch_count=50)
                    exchange = await channel.declare_exchange("rasa-exchange", aio_pika.ExchangeType.FANOUT)
                    queue = await channel.declare_queue(self.queue, durable=True)
                    await queue.bind(exchange, "")
                    log.info("desk consuming RabbitMQ queue %s", self.queue)
                    async with queue.iterator() as messages:
                        async for message in messages:
                            async with message.process(requeue=True):
                                payload = json.loads(message.body or b"{}")
                                if isinstance(payload, dict):
                                    await self.handler.handle(payload)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # broker down or a handling failure: retry, never die
                log.warning("RabbitMQ consumer stopped (%s); reconnecting", type(error).__name__)
                await asyncio.sleep(ERROR_PAUSE_S)


def shown_url(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//***@", url)
