"""Background work of the desk, so that nothing waits on a person or on Rasa being up:
every few seconds, deliver agent messages still pending, give back to the bot the
conversations whose handoff ended but whose customer was not told yet, refresh the live
queue if it changed (handoffs opened as callbacks never pause, so no event announces
them), and drop expired sessions. Everything it needs is in the database: a restart of
the web app or of Rasa loses nothing."""

from __future__ import annotations

import asyncio
import logging
import time

from bot.services import DataUnavailable, desk_auth, handoff_messages
from bot.web.desk.db import run_db
from bot.web.desk.state import DeskState
from bot.web.desk.views import deliver, resume

log = logging.getLogger(__name__)

PERIOD_S = 3.0
MAX_PERIOD_S = 60.0  # Rasa down: try less and less often, at least once a minute
PURGE_EVERY_S = 3600.0


async def run_once(state: DeskState) -> bool:
    """One round; False when Rasa refused or could not be reached (the next round waits longer)."""
    url = state.settings.database_url
    ok = True
    for conversation_id in await run_db(url, handoff_messages.conversations_with_pending):
        ok = await deliver(state, conversation_id) and ok
    for conversation_id in await run_db(url, handoff_messages.conversations_to_resume):
        ok = await resume(state, conversation_id) and ok
    await state.hub.push_queue(force=False)
    return ok


async def run(state: DeskState) -> None:
    last_purge = 0.0
    failures = 0
    while True:
        try:
            failures = 0 if await run_once(state) else failures + 1
            if time.monotonic() - last_purge > PURGE_EVERY_S:
                await run_db(state.settings.database_url, desk_auth.purge_expired_sessions)
                last_purge = time.monotonic()
        except asyncio.CancelledError:
            raise
        except DataUnavailable as error:
            log.warning("desk background work failed (%s); retrying", type(error).__name__)
        await asyncio.sleep(min(MAX_PERIOD_S, PERIOD_S * 2**failures))
