"""The rules every input channel of ours follows (see docs/channels.md, "Identity").

- The channel of a message is the endpoint that received it: ``input_channel`` is the
  channel's own name, never a field of the request.
- Who is asking is derived by the server and put in ``metadata["identity"]``
  (:func:`bot.services.verification.identity`); client metadata passes only through an
  allowlist with a size cap, and a client-sent ``identity`` is dropped.
- Conversation ids of the platforms and of the widget live in their own namespaces
  (``zalo:…``, ``facebook:…``, ``web:…``), which REST and callback clients may not use.
- Text over the length cap, empty text, and failures of the dialogue get a polite
  Vietnamese answer from the channel itself, without going through NLU.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage

from bot.channels import replies
from bot.channels.errors import BadRequest
from bot.config import ChannelSettings
from bot.services import rate_limits
from bot.services.verification import IDENTITY_METADATA_KEY, WEB_TOKEN_METADATA_KEY

log = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
MAX_CLIENT_METADATA_BYTES = 2048
CLIENT_METADATA_ALLOWLIST = {WEB_TOKEN_METADATA_KEY: 200}  # key -> longest string accepted
RESERVED_PREFIXES = ("zalo:", "facebook:", "web:")

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def client_sender(value: Any) -> str:
    """A client-chosen conversation id (REST, callback), or BadRequest."""
    if value is None:
        raise BadRequest("sender_missing", "'sender' is required: a string of 1-128 characters")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadRequest("sender_invalid", "'sender' must be a string of 1-128 characters")
    sender = str(value).strip()
    if not sender:
        raise BadRequest("sender_missing", "'sender' is required: a string of 1-128 characters")
    if len(sender) > MAX_SENDER_CHARS:
        raise BadRequest("sender_too_long", f"'sender' is longer than {MAX_SENDER_CHARS} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in sender):
        raise BadRequest("sender_invalid", "'sender' may not contain control characters")
    if sender.lower().startswith(RESERVED_PREFIXES):
        raise BadRequest("sender_reserved", "'sender' may not start with zalo:, facebook: or web:")
    return sender


def client_metadata(value: Any) -> dict[str, str]:
    """The allowed part of client-sent metadata; BadRequest if it is not an object or too big."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise BadRequest("metadata_invalid", "'metadata' must be a JSON object")
    try:
        size = len(json.dumps(value, ensure_ascii=False, default=str).encode())
    except (TypeError, ValueError, RecursionError) as error:
        raise BadRequest("metadata_invalid", "'metadata' must be a JSON object") from error
    if size > MAX_CLIENT_METADATA_BYTES:
        raise BadRequest("metadata_too_large", f"'metadata' is larger than {MAX_CLIENT_METADATA_BYTES} bytes")
    kept = {}
    for key, longest in CLIENT_METADATA_ALLOWLIST.items():
        item = value.get(key)
        if isinstance(item, str) and 0 < len(item) <= longest:
            kept[key] = item
    return kept


def network_fact(address: str | None) -> dict[str, str]:
    """The client's network as a server fact for the per-network rate limits (the
    address seen on the socket, never a client-sent header), or nothing."""
    key = rate_limits.network_key(address)
    return {rate_limits.NETWORK_METADATA_KEY: key} if key else {}


def message_metadata(identity: dict[str, str], client: Mapping[str, str] | None = None, **facts: Any) -> dict:
    """Metadata of a UserMessage: the allowed client part, server facts, then the identity."""
    metadata = {
        k: v
        for k, v in (client or {}).items()
        if k not in (IDENTITY_METADATA_KEY, rate_limits.NETWORK_METADATA_KEY)
    }
    metadata.update(facts)
    metadata[IDENTITY_METADATA_KEY] = identity
    return metadata


class TextVerdict(enum.Enum):
    OK = "ok"
    EMPTY = "empty"
    TOO_LONG = "too_long"


def judge_text(text: str | None, max_chars: int) -> TextVerdict:
    if text is None or not text.strip():
        return TextVerdict.EMPTY
    if len(text) > max_chars:
        return TextVerdict.TOO_LONG
    return TextVerdict.OK


class Outcome(enum.Enum):
    HANDLED = "handled"  # went through the dialogue
    ANSWERED = "answered"  # the channel answered itself (empty, too long)
    FAILED = "failed"  # the dialogue failed; the customer got an apology


class GuardedInputChannel(InputChannel):
    """Base of our input channels: one way to hand a message to Rasa."""

    def __init__(self, settings: ChannelSettings) -> None:
        self.settings = settings

    async def reply(self, output: OutputChannel, conversation_id: str, text: str) -> None:
        """A channel's own answer (never raises: the customer's apology must not crash us)."""
        try:
            await output.send_text_message(conversation_id, text)
        except Exception:  # logged; nothing else to do
            log.exception("%s: could not send a channel reply", self.name())

    async def hand_over(
        self,
        on_new_message: OnNewMessage,
        output: OutputChannel,
        *,
        conversation_id: str,
        text: str | None,
        identity: dict[str, str],
        client: Mapping[str, str] | None = None,
        message_id: str | None = None,
        **facts: Any,
    ) -> Outcome:
        """Check the text, then give the message to Rasa with our channel name and identity."""
        verdict = judge_text(text, self.settings.max_text_chars)
        if verdict is TextVerdict.EMPTY:
            await self.reply(output, conversation_id, replies.empty_text())
            return Outcome.ANSWERED
        if verdict is TextVerdict.TOO_LONG:
            await self.reply(output, conversation_id, replies.too_long(self.settings.max_text_chars))
            return Outcome.ANSWERED
        message = UserMessage(
            text,
            output,
            conversation_id,
            input_channel=self.name(),
            message_id=message_id,
            metadata=message_metadata(identity, client, **facts),
        )
        try:
            await on_new_message(message)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # the customer gets an apology, the operator a log line
            log.error("%s: the dialogue failed (%s)", self.name(), type(error).__name__, exc_info=error)
            await self.reply(output, conversation_id, replies.system_busy(self.settings.hotline))
            return Outcome.FAILED
        return Outcome.HANDLED
