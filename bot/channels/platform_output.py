"""What the Zalo and Messenger output channels have in common.

Rasa hands an output channel the conversation id and a response; the platform output
turns the response into the platform's message objects (its ``text_messages`` and
``image_message``, which split long texts and fit buttons to the platform's limits) and
queues each in the outbox (:class:`bot.channels.delivery.Delivery`), which sends and
retries. It sends only to conversations of its own platform (``<prefix><user id>``):
an agent's reply or a notice can never reach a user of another channel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel

from bot.channels.delivery import Delivery

log = logging.getLogger(__name__)

Buttons = list[dict[str, Any]]


class PlatformOutput(OutputChannel):
    """Subclasses set ``prefix`` ("zalo:"), ``text_messages`` and ``image_message``, and
    may wrap each message in the platform's envelope (:meth:`payload`)."""

    prefix = ""
    text_messages: Callable[..., list[dict[str, Any]]]
    image_message: Callable[[str], dict[str, Any]]

    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery

    def payload(self, message: dict[str, Any], **envelope: Any) -> dict[str, Any]:
        """What the outbox sends for one message (the message itself by default)."""
        return message

    def _user(self, recipient_id: str) -> str | None:
        if recipient_id.startswith(self.prefix) and len(recipient_id) > len(self.prefix):
            return recipient_id[len(self.prefix) :]
        log.error("%s: refusing to send to a conversation of another channel", self.name())
        return None

    async def send_all(self, recipient_id: str, items: list[dict[str, Any]], **envelope: Any) -> None:
        user = self._user(recipient_id)
        if user is None:
            return
        for message in items:
            await self.delivery.send(user, self.payload(message, **envelope))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_all(recipient_id, self.text_messages(text))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: Buttons, **kwargs: Any
    ) -> None:
        await self.send_all(recipient_id, self.text_messages(text, buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: Buttons, **kwargs: Any
    ) -> None:
        await self.send_all(recipient_id, self.text_messages(text, quick_replies))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_all(recipient_id, [self.image_message(image)])

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """A link is sent as text; other attachments have no meaning on these platforms."""
        if isinstance(attachment, str) and attachment.startswith(("https://", "http://")):
            await self.send_text_message(recipient_id, attachment)
