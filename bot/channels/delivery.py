"""Delivery of our messages to a platform through the outbox: retried, ordered, never lost.

``send`` writes the message to the outbox, then tries to deliver it at once (a few quick
retries on timeouts and 5xx). What still fails stays pending and :meth:`Delivery.sweep`
(run by the channel's sweeper every few seconds) retries it with a growing delay; a
permanent refusal or too many attempts marks it failed, with the reason, for the
operator. A newer message to a recipient never overtakes an older one that waits.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from bot.channels.data import DataUnavailable, in_unit_of_work
from bot.channels.outbound import DeliveryError, PermanentError, TransientError, with_retries
from bot.services import outbox

log = logging.getLogger(__name__)


class PlatformClient(Protocol):
    channel: str

    async def send(self, recipient_id: str, message: dict[str, Any]) -> str | None:
        """Deliver one platform message; the platform's message id. Raises DeliveryError."""


class Delivery:
    def __init__(self, client: PlatformClient, database_url: str | None, quick_tries: int = 3) -> None:
        self.client = client
        self.database_url = database_url
        self.quick_tries = quick_tries
        self._kicked = False
        self._sweeping: asyncio.Future | None = None

    @property
    def channel(self) -> str:
        return self.client.channel

    async def send(self, recipient_id: str, message: dict[str, Any]) -> bool:
        """Deliver or queue ``message``; True when the platform has taken it now."""
        try:
            outbox_id, must_wait = await in_unit_of_work(
                self.database_url, outbox.enqueue, self.channel, recipient_id, message
            )
        except DataUnavailable as error:  # the database is down: still try to deliver
            log.error(
                "%s: outbox unavailable (%s); sending without a record", self.channel, type(error).__name__
            )
            try:
                await with_retries(lambda: self.client.send(recipient_id, message), tries=self.quick_tries)
                return True
            except DeliveryError as failure:
                log.error("%s: message lost, outbox and platform both unavailable: %s", self.channel, failure)
                return False
        if must_wait:
            self.kick()  # an older message to this recipient goes first; this one follows it
            return False
        delivered = await self._attempt(outbox_id, recipient_id, message, self.quick_tries)
        if delivered:
            self.kick()  # messages that queued behind this one may go now
        return delivered

    def kick(self) -> None:
        """Run a sweep soon (one at a time; a kick during a sweep runs another after it)."""
        self._kicked = True
        if self._sweeping is None or self._sweeping.done():
            self._sweeping = asyncio.ensure_future(self._sweep_while_kicked())

    async def _sweep_while_kicked(self) -> None:
        while self._kicked:
            self._kicked = False
            try:
                await self.sweep()
            except Exception as error:  # the periodic sweeper tries again
                log.warning("%s: sweep after a delivery failed (%s)", self.channel, type(error).__name__)

    async def _attempt(self, outbox_id: int, recipient_id: str, message: dict[str, Any], tries: int) -> bool:
        try:
            platform_id = await with_retries(lambda: self.client.send(recipient_id, message), tries=tries)
        except (TransientError, PermanentError) as error:
            permanent = isinstance(error, PermanentError)
            status = await self._record(outbox.mark_unsent, outbox_id, str(error), permanent)
            if status == "failed":
                log.error("%s: gave up on outbox message %s: %s", self.channel, outbox_id, error)
            else:
                log.warning(
                    "%s: outbox message %s not delivered yet (%s); will retry", self.channel, outbox_id, error
                )
            return False
        except Exception as error:  # a bug (or the token store down) must not lose the message
            log.exception("%s: unexpected error delivering outbox message %s", self.channel, outbox_id)
            await self._record(outbox.mark_unsent, outbox_id, f"unexpected: {type(error).__name__}", False)
            return False
        await self._record(outbox.mark_sent, outbox_id, platform_id)
        return True

    async def _record(self, function: Any, *args: Any) -> Any:
        """Outbox bookkeeping; if the database is down, the lease runs out and the sweeper
        tries the message again later (a sent one may then go twice: rare, and not lost)."""
        try:
            return await in_unit_of_work(self.database_url, function, *args)
        except DataUnavailable as error:
            log.error("%s: outbox unavailable (%s)", self.channel, type(error).__name__)
            return None

    async def sweep(self, rounds: int = 20) -> int:
        """Deliver what is due, oldest first per recipient; the number delivered."""
        delivered = 0
        for _ in range(rounds):
            due = await in_unit_of_work(self.database_url, outbox.claim_due, self.channel, 50)
            if not due:
                break
            progress = False
            for item in due:
                if await self._attempt(item.id, item.recipient_id, item.body, tries=1):
                    delivered += 1
                    progress = True
            if not progress:
                break
        return delivered
