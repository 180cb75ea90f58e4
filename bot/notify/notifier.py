"""The notifier's rounds: queue what events call for, recover interrupted notices, send.

One round (:meth:`Notifier.run_once`, what ``python -m bot notify send-due`` runs):

1. :func:`bot.services.notice_sync.sync`: new and changed planned outages and incidents
   become notices in the outbox (idempotent);
2. notices whose notifier stopped while sending them (lease over) are checked with their
   platform: found, they are recorded as sent; not found (or the platform cannot be
   asked), they go back in the queue;
3. due notices are claimed in batches and sent, at most ``concurrency`` at once and
   ``rate`` a second per channel, one after another for the same person. A notice tried
   before (a timeout, a cut connection) is first looked for at its platform. Outcomes are
   recorded as they come (grouped, every ``flush_interval_s``): a notifier that dies
   leaves at most that much sent-but-unrecorded, which step 2 finds again.

``python -m bot notify run`` repeats rounds every ``scan_interval_s`` until SIGTERM/SIGINT;
then it stops claiming, lets the notices in flight finish and records them.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp

from bot.channels.data import DataUnavailable, in_unit_of_work
from bot.channels.outbound import DeliveryError, PermanentError, TransientError
from bot.config import ChannelSettings, NoticeSettings, load_channel_settings
from bot.notify.pacing import TokenBucket
from bot.notify.routes import RATE_GROUPS, Route, build_routes
from bot.services import notice_delivery, notice_sync
from bot.services.notice_delivery import AGAIN, FAILED, RETRY, SENT, ClaimedNotice, Outcome, Policy
from bot.wording import notices as words

log = logging.getLogger(__name__)

MAX_BATCHES_PER_ROUND = 50  # then the next round looks for new events first
PURGE_EVERY_S = 3600.0


@dataclass
class RoundReport:
    queued: int = 0
    recovered: int = 0  # interrupted notices found at the platform
    requeued: int = 0  # interrupted notices sent again
    outcomes: Counter = field(default_factory=Counter)  # sent, retry, failed, refused, expired, cancelled
    seconds: float = 0.0

    def summary(self) -> str:
        counts = ", ".join(f"{name} {count}" for name, count in sorted(self.outcomes.items()) if count)
        counts = counts or "nothing due"
        return (
            f"queued {self.queued}, interrupted found {self.recovered} / requeued {self.requeued}; "
            f"{counts} ({self.seconds:.1f} s)"
        )


class _Recorder:
    """Writes outcomes to the outbox as they come, every ``interval`` seconds."""

    def __init__(self, database_url: str, policy: Policy, interval: float) -> None:
        self.database_url, self.policy, self.interval = database_url, policy, interval
        self.waiting: list[Outcome] = []
        self._task: asyncio.Task | None = None

    def add(self, outcome: Outcome) -> None:
        self.waiting.append(outcome)
        if self._task is None:
            self._task = asyncio.ensure_future(self._every_interval())

    async def _every_interval(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            await self.flush()

    async def flush(self) -> None:
        if not self.waiting:
            return
        batch, self.waiting = self.waiting, []
        try:
            await in_unit_of_work(self.database_url, notice_delivery.settle, batch, self.policy)
        except DataUnavailable as error:
            # Kept under claim: written at the next flush, or found again after the lease.
            log.error("notices: outcomes not recorded yet (%s); will retry", type(error).__name__)
            self.waiting = batch + self.waiting

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()


class Notifier:
    def __init__(
        self,
        settings: NoticeSettings,
        routes: Mapping[str, Route] | None = None,
        channel_settings: ChannelSettings | None = None,
    ) -> None:
        self.settings = settings
        self.database_url = settings.database_url
        self.timing = notice_sync.timing_from(settings)
        self.policy = Policy(
            zalo_window_hours=settings.zalo_window_hours,
            zalo_max_per_window=settings.zalo_max_per_window,
            facebook_tag=settings.facebook_tag,
            lease=timedelta(seconds=settings.lease_s),
            max_attempts=settings.max_attempts,
            first_retry=timedelta(seconds=settings.first_retry_s),
        )
        self._http: aiohttp.ClientSession | None = None
        if routes is None:
            channels = channel_settings or load_channel_settings()
            if channels.database_url != settings.database_url:  # the Zalo token store
                channels = dataclasses.replace(channels, database_url=settings.database_url)
            routes = build_routes(settings, channels, self.session)
        self.routes = dict(routes)
        rates = {"zalo": settings.rate_zalo, "facebook": settings.rate_facebook, "web": settings.rate_web}
        self.buckets = {group: TokenBucket(rate) for group, rate in rates.items()}
        self.slots: dict[str, asyncio.Semaphore] = {}
        self.stopping = False
        self._last_purge = 0.0

    def session(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64))
        return self._http

    async def close(self) -> None:
        if self._http is not None and not self._http.closed:
            await self._http.close()

    async def _db(self, function: Callable[..., Any], *args: Any) -> Any:
        return await in_unit_of_work(self.database_url, function, *args)

    # ------------------------------------------------------------------ a round

    async def run_once(self) -> RoundReport:
        started = time.perf_counter()
        report = RoundReport()
        synced = await self._db(notice_sync.sync, self.timing)
        report.queued = synced.queued
        for event in synced.events:
            if event.total or event.superseded:
                log.info("notices: %s %s v%d: queued %s, superseded %d", event.kind, event.ref,
                         event.version, dict(event.queued), event.superseded)
        await self.recover(report)
        await self.deliver(report)
        await self._purge()
        report.seconds = time.perf_counter() - started
        return report

    async def recover(self, report: RoundReport) -> None:
        """Notices interrupted by a notifier that stopped: delivered, or to send again."""
        while not self.stopping:
            notices = await self._db(notice_delivery.take_interrupted, self.policy, self.settings.batch_size)
            if not notices:
                return
            outcomes = []
            for notice in notices:
                found = await self._asked_back(notice)
                if found:
                    report.recovered += 1
                    outcomes.append(Outcome(notice, SENT, None))
                    log.info("notices: interrupted notice %s was delivered", notice.id)
                else:
                    report.requeued += 1
                    reason = "interrupted; not at the platform" if found is False else "interrupted; resent"
                    outcomes.append(Outcome(notice, AGAIN, reason))
            await self._db(notice_delivery.settle, outcomes, self.policy)

    async def _asked_back(self, notice: ClaimedNotice) -> bool | None:
        route = self.routes.get(notice.channel)
        if route is None:
            return None
        try:
            return await route.delivered(notice, words.notice_text(notice))
        except DeliveryError as error:
            log.warning("notices: cannot ask %s about notice %s (%s)", notice.channel, notice.id, error)
            return None

    async def deliver(self, report: RoundReport) -> None:
        for _ in range(MAX_BATCHES_PER_ROUND):
            if self.stopping:
                return
            claim = await self._db(notice_delivery.claim_due, self.policy, self.settings.batch_size)
            report.outcomes.update(expired=claim.expired, cancelled=claim.cancelled, refused=claim.refused)
            if not claim.notices:
                return
            recorder = _Recorder(self.database_url, self.policy, self.settings.flush_interval_s)
            by_person: dict[tuple[str, str], list[ClaimedNotice]] = {}
            for notice in claim.notices:
                by_person.setdefault((notice.channel, notice.conversation_id), []).append(notice)
            try:
                await asyncio.gather(
                    *(self._send_in_order(group, recorder, report) for group in by_person.values())
                )
            finally:
                await recorder.close()

    async def _send_in_order(
        self, notices: list[ClaimedNotice], recorder: _Recorder, report: RoundReport
    ) -> None:
        for notice in notices:
            outcome = await self._send(notice)
            report.outcomes[outcome.result] += 1
            recorder.add(outcome)

    async def _send(self, notice: ClaimedNotice) -> Outcome:
        route = self.routes.get(notice.channel)
        if route is None:
            return Outcome(notice, FAILED, f"no route to the {notice.channel} channel")
        group = RATE_GROUPS.get(notice.channel, notice.channel)
        slots = self.slots.setdefault(group, asyncio.Semaphore(self.settings.concurrency))
        bucket = self.buckets.setdefault(group, TokenBucket(self.settings.rate_web))
        text, buttons = words.notice_text(notice), words.notice_buttons()
        async with slots:
            await bucket.take()
            if notice.attempts and await self._asked_back(notice):
                # The last attempt failed in a way that may still have delivered it (a
                # timeout, a connection cut after sending): the platform has it.
                log.info("notices: notice %s arrived on an earlier attempt", notice.id)
                return Outcome(notice, SENT, None)
            try:
                platform_id = await route.send(notice, text, buttons)
            except TransientError as error:
                log.warning("notices: %s notice %s not delivered yet: %s", notice.channel, notice.id, error)
                return Outcome(notice, RETRY, str(error))
            except PermanentError as error:
                log.error("notices: %s refused notice %s: %s", notice.channel, notice.id, error)
                return Outcome(notice, FAILED, str(error))
            except Exception as error:  # a bug must not lose the notice: retried later
                log.exception("notices: unexpected error sending notice %s", notice.id)
                return Outcome(notice, RETRY, f"unexpected: {type(error).__name__}")
        return Outcome(notice, SENT, platform_id)

    async def _purge(self) -> None:
        if time.monotonic() - self._last_purge < PURGE_EVERY_S:
            return
        self._last_purge = time.monotonic()
        removed = await self._db(
            notice_delivery.forget_settled, timedelta(days=self.settings.retention_days)
        )
        if removed:
            log.info("notices: %d settled notices older than %d days forgotten", removed,
                     self.settings.retention_days)

    # ------------------------------------------------------------------ forever

    async def run_forever(self, stop: asyncio.Event) -> None:
        log.info("notices: notifier started (every %.0f s)", self.settings.scan_interval_s)
        while not stop.is_set():
            round_task = asyncio.ensure_future(self.run_once())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({round_task, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set():
                self.stopping = True  # no new claims; notices in flight finish and are recorded
            try:
                report = await round_task
                if report.queued or sum(report.outcomes.values()) or report.recovered or report.requeued:
                    log.info("notices: %s", report.summary())
            except DataUnavailable as error:
                log.error("notices: database unavailable (%s); trying again", type(error).__name__)
            except Exception:
                log.exception("notices: round failed; trying again")
            finally:
                stopper.cancel()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.scan_interval_s)
        await self.close()
        log.info("notices: notifier stopped")
