"""Zalo OA API v3 client: send consultation messages, keep the access token fresh.

- Send: ``POST {ZALO_API_URL}/v3.0/oa/message/cs``, header ``access_token``, JSON body
  ``{"recipient": {"user_id": …}, "message": …}``. Zalo answers HTTP 200 with
  ``{"error": 0, "data": {"message_id": …}}`` or an error code: -216/-124 (invalid or
  expired access token) make us refresh the token and try once more; -32 (rate limit) is
  transient; any other code is permanent (e.g. the user has not talked to the OA lately).
- Refresh: ``POST {ZALO_OAUTH_URL}/v4/oa/access_token``, header ``secret_key`` (the app
  secret), form ``refresh_token``, ``app_id``, ``grant_type=refresh_token``; the answer is
  ``{"access_token", "refresh_token", "expires_in"}`` (seconds, as a string). Refresh
  tokens are single-use: the new pair is stored at once (``channel_tokens``), and the
  refresh happens an hour before expiry, or at the first sign of an invalid token.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import aiohttp

from bot.channels.data import in_unit_of_work
from bot.channels.outbound import PermanentError, TransientError, request, with_retries
from bot.config import ChannelSettings
from bot.services import channel_tokens
from bot.services.channel_clock import real_now
from bot.services.channel_tokens import TokenPair

log = logging.getLogger(__name__)

CHANNEL = "zalo"
AUTH_ERRORS = frozenset({-216, -124})
TRANSIENT_ERRORS = frozenset({-32})
REFRESH_MARGIN = timedelta(hours=1)
REFRESH_RETRY_AFTER_S = 300.0


class ZaloTokens:
    """The current access token, refreshed with the refresh token before it expires."""

    def __init__(self, settings: ChannelSettings, session: Callable[[], aiohttp.ClientSession]) -> None:
        self.settings = settings
        self.session = session
        self.pair: TokenPair | None = None
        self._lock: asyncio.Lock | None = None
        self._last_failed_refresh = -REFRESH_RETRY_AFTER_S * 2

    async def _stored(self) -> TokenPair | None:
        return await in_unit_of_work(
            self.settings.database_url,
            channel_tokens.seed,
            CHANNEL,
            self.settings.zalo_access_token,
            self.settings.zalo_refresh_token,
        )

    def _due(self, pair: TokenPair) -> bool:
        """Time to refresh: near expiry, or expiry unknown (a pair from the environment)."""
        if not pair.refresh_token:
            return False
        if pair.expires_at is None:
            return True
        return pair.expires_at - real_now() < REFRESH_MARGIN

    async def access_token(self) -> str | None:
        if self.pair is None:
            self.pair = await self._stored()
        if self.pair is not None and self._due(self.pair):
            await self.refresh(stale=self.pair.access_token, quiet=True)
        return self.pair.access_token if self.pair is not None else None

    async def keep_fresh(self) -> None:
        """The sweeper's call: refresh ahead of expiry even when nobody writes."""
        if self.pair is None and not (self.settings.zalo_access_token or self.settings.zalo_refresh_token):
            return
        await self.access_token()

    async def refresh(self, stale: str | None, quiet: bool = False) -> None:
        """Renew the pair (once for everyone waiting); PermanentError if it cannot be renewed
        and ``quiet`` is false."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            stored = await in_unit_of_work(self.settings.database_url, channel_tokens.current, CHANNEL)
            if stored is not None and stored.access_token != stale and not self._due(stored):
                self.pair = stored  # another instance (or coroutine) renewed it meanwhile
                return
            if quiet and time.monotonic() - self._last_failed_refresh < REFRESH_RETRY_AFTER_S:
                return
            try:
                await self._renew(stored or self.pair, stale)
            except (PermanentError, TransientError) as failure:
                self._last_failed_refresh = time.monotonic()
                log.error("zalo: access token refresh failed: %s", failure)
                if not quiet:
                    raise

    async def _renew(self, current: TokenPair | None, stale: str | None) -> None:
        refresh_token = current.refresh_token if current is not None else None
        settings = self.settings
        if not refresh_token or not settings.zalo_app_secret or not settings.zalo_app_id:
            raise PermanentError("no refresh token or app secret to renew the Zalo access token")
        result = await with_retries(
            lambda: request(
                self.session(),
                "POST",
                f"{settings.zalo_oauth_url}/v4/oa/access_token",
                form={
                    "refresh_token": refresh_token,
                    "app_id": settings.zalo_app_id,
                    "grant_type": "refresh_token",
                },
                headers={"secret_key": settings.zalo_app_secret},
            )
        )
        body = result.body if isinstance(result.body, dict) else {}
        access, renewed = body.get("access_token"), body.get("refresh_token")
        if not isinstance(access, str) or not access:
            stored = await in_unit_of_work(settings.database_url, channel_tokens.current, CHANNEL)
            if stored is not None and stored.access_token != stale:
                self.pair = stored  # our refresh token was already used by another instance
                return
            raise PermanentError(f"refresh refused: {body.get('error')} {body.get('error_name', '')}".strip())
        try:
            lifetime = timedelta(seconds=int(str(body.get("expires_in", "90000"))))
        except ValueError:
            lifetime = timedelta(hours=25)
        self.pair = await in_unit_of_work(
            settings.database_url,
            channel_tokens.save,
            CHANNEL,
            access,
            renewed if isinstance(renewed, str) else None,
            real_now() + lifetime,
        )
        log.info("zalo: access token renewed, valid for %d h", lifetime.total_seconds() // 3600)


class ZaloClient:
    channel = CHANNEL

    def __init__(self, settings: ChannelSettings, session: Callable[[], aiohttp.ClientSession]) -> None:
        self.settings = settings
        self.session = session
        self.tokens = ZaloTokens(settings, session)

    async def send(self, recipient_id: str, message: dict[str, Any]) -> str | None:
        """Deliver one message to a Zalo user; the platform's message id."""
        for attempt in (1, 2):
            token = await self.tokens.access_token()
            if not token:
                raise PermanentError("no Zalo access token configured (ZALO_ACCESS_TOKEN)")
            result = await request(
                self.session(),
                "POST",
                f"{self.settings.zalo_api_url}/v3.0/oa/message/cs",
                json_body={"recipient": {"user_id": recipient_id}, "message": message},
                headers={"access_token": token},
            )
            if result.status >= 400:
                raise PermanentError(f"HTTP {result.status}")
            if not isinstance(result.body, dict) or "error" not in result.body:
                raise TransientError("an answer that is not Zalo's JSON")
            code = result.body.get("error")
            if code == 0:
                data = result.body.get("data")
                found = data.get("message_id") if isinstance(data, dict) else None
                return str(found) if found else None
            if code in AUTH_ERRORS and attempt == 1:
                await self.tokens.refresh(stale=token)
                continue
            if code in TRANSIENT_ERRORS:
                raise TransientError(f"Zalo error {code}")
            raise PermanentError(f"Zalo error {code}: {str(result.body.get('message', ''))[:120]}")
        raise PermanentError("Zalo refused the renewed access token")
