"""How to pay through one channel, and how fast each channel's payments show as paid.

The steps are data (``resources/payment_channels.yml``), the posting delays the
operator's rules (:mod:`bot.services.rules`). The channel names are the NLU's
``payment_channel`` values: momo, zalopay, vnpay, bank_app, evn_app, store, counter,
auto_debit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.services.rules import Delay, load_rules

CHANNELS_FILE = Path(__file__).resolve().parent / "resources" / "payment_channels.yml"
# How the invoices' payment_channel column names the channels (demo data, imports).
INVOICE_CHANNELS = {
    "momo": "momo",
    "zalopay": "zalopay",
    "vnpay": "vnpay",
    "bank": "bank_app",
    "app": "evn_app",
    "collection_point": "store",
    "counter": "counter",
    "auto_debit": "auto_debit",
    "viettelmoney": "momo",  # another wallet: posts like one
    "shopeepay": "momo",
}


@dataclass(frozen=True)
class ChannelGuide:
    channel: str
    title: str
    steps: tuple[str, ...]
    posting: Delay
    transfer: Delay | None = None  # an ordinary bank transfer through the same bank


@functools.cache
def _channels(path: Path = CHANNELS_FILE) -> dict[str, dict]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return dict(raw.get("channels") or {})


def channels() -> list[str]:
    return list(_channels())


def guide(channel: str | None) -> ChannelGuide | None:
    """The steps and posting delay of ``channel`` (None: not a channel we know)."""
    item = _channels().get(channel or "")
    if item is None:
        return None
    posting = load_rules().posting
    transfer = item.get("transfer")
    return ChannelGuide(
        channel=str(channel),
        title=str(item["title"]),
        steps=tuple(str(step) for step in item.get("steps") or ()),
        posting=posting[item.get("posting", "connected")],
        transfer=posting[transfer] if transfer else None,
    )


def of_invoice(stored: str | None) -> str | None:
    """The channel an invoice's ``payment_channel`` column names, in the NLU's names."""
    return INVOICE_CHANNELS.get((stored or "").lower())
