"""What the desk keeps in the web app between requests: settings, the live connections, the
Rasa client, and which conversations are handed over right now (a cache of the database,
rebuilt at start, kept current by the event stream)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web

from bot.config import Settings


@dataclass
class DeskState:
    settings: Settings
    hub: object = None  # bot.web.desk.live.Hub
    rasa: object = None  # bot.web.desk.rasa_client.RasaClient
    paused: set[str] = field(default_factory=set)  # conversation ids paused for an agent
    locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    tasks: list[asyncio.Task] = field(default_factory=list)
    background: list[asyncio.Task] = field(default_factory=list)  # the event reader and the worker

    def lock_for(self, conversation_id: str) -> asyncio.Lock:
        """One delivery to Rasa at a time per conversation (messages keep their order)."""
        lock = self.locks.get(conversation_id)
        if lock is None:
            lock = self.locks[conversation_id] = asyncio.Lock()
        return lock


DESK_KEY = web.AppKey("desk", DeskState)


def desk_state(app: web.Application) -> DeskState:
    return app[DESK_KEY]
