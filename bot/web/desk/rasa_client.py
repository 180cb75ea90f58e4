"""The desk's calls to Rasa's HTTP API: run an action on a (paused) conversation with its
answers sent to the customer's own channel (``POST /conversations/{id}/execute``,
``output_channel=latest``, authenticated with ``RASA_TOKEN``)."""

from __future__ import annotations

import logging
from urllib.parse import quote

import aiohttp

log = logging.getLogger(__name__)

AGENT_MESSAGE = "action_agent_message"
HANDOFF_CLOSED = "action_handoff_closed"
TIMEOUT = aiohttp.ClientTimeout(total=15)


class RasaClient:
    def __init__(self, base_url: str, token: str, http: aiohttp.ClientSession) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.http = http

    async def execute(self, conversation_id: str, action: str) -> int:
        """Run ``action`` in the conversation: Rasa's HTTP status (200 when it ran it; 404 when
        Rasa has no such conversation), or 0 when Rasa could not be reached."""
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/execute"
        params = {"output_channel": "latest", "token": self.token, "include_events": "NONE"}
        try:
            async with self.http.post(url, params=params, json={"name": action}, timeout=TIMEOUT) as response:
                body = await response.read()
                if response.status != 200:
                    log.warning("Rasa refused %s (HTTP %s): %s", action, response.status, body[:300])
                return response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Rasa unreachable for %s: %s", action, type(error).__name__)
        return 0
