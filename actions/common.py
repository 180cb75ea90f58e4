"""Small helpers shared by the billing, meter, tariff and request actions.

- :func:`in_db` runs a service call in a unit of work off the event loop
  (``asyncio.to_thread``: the house rule for synchronous sessions).
- :func:`requester` says who is asking (channel, sender id, signed web token).
- :func:`button` / :func:`say` build quick replies and send answers, one message per
  paragraph so long answers stay readable in Zalo and Messenger.
- :data:`DB_ERRORS` and :func:`apologise` cover a database that is down (the one
  apology is :func:`bot.wording.common.database_unavailable`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.faults import database_failed
from bot.services import DataUnavailable, unit_of_work
from bot.services.verification import Requester, requester_for
from bot.wording.common import database_unavailable, hotlines

log = logging.getLogger(__name__)

T = TypeVar("T")
DB_ERRORS: tuple[type[BaseException], ...] = (DataUnavailable,)


def hotline() -> str:
    """The hotline numbers as replies name them (``"19001006 hoặc 19009000"``)."""
    return hotlines()


def _run_in_unit_of_work(function: Callable[..., T], args: tuple, kwargs: dict) -> T:
    with unit_of_work() as uow:
        return function(uow, *args, **kwargs)


async def in_db(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``function(uow, *args, **kwargs)`` in one unit of work, off the event loop."""
    return await asyncio.to_thread(_run_in_unit_of_work, function, args, kwargs)


def apologise(dispatcher: CollectingDispatcher, error: BaseException) -> None:
    database_failed(error)  # logged once per incident, no traceback (bot.faults)
    dispatcher.utter_message(text=database_unavailable(), buttons=[button("Số tổng đài", "ask_contact")])


def requester(tracker: Tracker) -> Requester:
    """Who is asking: the latest message's channel and sender, and its signed web token."""
    metadata = (tracker.latest_message or {}).get("metadata")
    return requester_for(tracker.get_latest_input_channel(), tracker.sender_id, metadata)


def latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text")
    return text if isinstance(text, str) else ""


def button(title: str, intent: str, entities: dict[str, Any] | None = None) -> dict[str, str]:
    """A quick reply that sends ``/intent{"entity": "value"}`` (no NLU guesswork)."""
    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, ensure_ascii=False, separators=(",", ":"))
    return {"title": title, "payload": payload}


def say(dispatcher: CollectingDispatcher, text: str, buttons: Iterable[dict] | None = None) -> None:
    """Send ``text`` as one message per paragraph (blank-line separated); the quick
    replies go with the last one."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()] or [text]
    for paragraph in paragraphs[:-1]:
        dispatcher.utter_message(text=paragraph)
    dispatcher.utter_message(text=paragraphs[-1], buttons=list(buttons or []))


@dataclass(frozen=True)
class TopicReply:
    """A topic's answer as the customer reads it, with what to remember next."""

    text: str
    buttons: list[dict] = field(default_factory=list)
    month_key: str | None = None  # the invoice shown ("2026-10"), for "chi tiết" / "phúc tra"
    offer: str | None = None  # what a following "có" accepts (see action_accept_offer)
