"""Outage notices for customers: subscribe, unsubscribe, and what the supervisors see.

Who subscribes is a channel user — the channel that received the message and Rasa's
conversation id (``zalo:<user id>``, ``facebook:<PSID>``, ``web:<hash>`` for the widget, the
sender id of the callback channel) — for the area of a customer code they are verified
for (linked on Zalo/Messenger/signed web, or verified in this conversation). The area is
the customer's transformer station (their ward when the station is not known), the way
outage schedules are matched (:mod:`bot.services.outage`). The REST channel cannot be
reached later, so it cannot subscribe.

The conversation engine calls (one unit of work per turn, like every service)::

    result = notices.subscribe(uow, requester, conversation_id, channel, code_or_None)
    text = bot.wording.notices.subscribe_text(result)
    result = notices.unsubscribe(uow, requester, conversation_id, channel, code_or_None)
    text = bot.wording.notices.unsubscribe_text(result)

Planned outages already announced for the area when someone subscribes are part of the
result (``upcoming``) and of its wording: the customer reads them in the reply, so the
notifier does not announce them again (only their reminder follows). The desk's
supervisor view calls :func:`delivery_counts`.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import clock
from bot.config import load_notice_settings
from bot.db.models import NoticeSubscription
from bot.db.uow import UnitOfWork
from bot.domain.codes import CodeProblem
from bot.services import customers, outage, verification
from bot.services.outage import DateRange, OutageItem
from bot.services.verification import LockExplanation, Requester, Status

UPCOMING_DAYS = 30  # outages named in the subscription reply (more than the 7-day lead)
FACEBOOK_WINDOW_HOURS = 24
# The channels that can receive a message the user did not ask for, and the conversation
# ids each of them uses (the callback channel's are any sender id but the reserved ones).
CONVERSATION_PREFIXES = {"zalo": "zalo:", "facebook": "facebook:", "socketio": "web:"}
RESERVED_PREFIXES = tuple(CONVERSATION_PREFIXES.values())
NOTIFIABLE_CHANNELS = frozenset({*CONVERSATION_PREFIXES, "callback"})
# Rasa's HTTP API (Sanic) does not decode the conversation id in its URL: a notice can
# only reach a conversation whose id needs no percent-encoding in a URL path.
ADDRESSABLE_ID = re.compile(r"^[A-Za-z0-9._~:@!$&'()*+,;=/-]{1,128}$")


class SubscribeStatus(enum.StrEnum):
    SUBSCRIBED = "subscribed"
    ALREADY_SUBSCRIBED = "already_subscribed"
    NEEDS_CODE = "needs_code"  # no code given, and none or several known: ask which
    BAD_CODE = "bad_code"  # see ``code_problem`` (the form only: unknown codes need verifying)
    NEEDS_VERIFICATION = "needs_verification"  # see ``verification`` and ``lock``
    CHANNEL_NOT_SUPPORTED = "channel_not_supported"  # REST, or an id that is not the channel's


class UnsubscribeStatus(enum.StrEnum):
    UNSUBSCRIBED = "unsubscribed"
    NOT_SUBSCRIBED = "not_subscribed"


class ChannelLimit(enum.StrEnum):
    """A platform rule the customer should know when they subscribe."""

    ZALO_WINDOW = "zalo_window"  # only within 48 h after their last message to the OA
    FACEBOOK_WINDOW = "facebook_window"  # only within 24 h after their last message


@dataclass(frozen=True)
class SubscriptionArea:
    customer_code: str
    ward: str
    province: str
    station_code: str | None = None
    station_name: str | None = None


@dataclass(frozen=True)
class SubscriptionResult:
    status: SubscribeStatus
    customer_code: str | None = None
    area: SubscriptionArea | None = None
    upcoming: tuple[OutageItem, ...] = ()  # planned outages of the area, next 30 days
    verification: Status | None = None  # NEEDS_VERIFICATION: where the requester stands
    lock: LockExplanation | None = None  # ... and, when locked, why and what help there is
    code_problem: CodeProblem | None = None  # BAD_CODE
    known_codes: tuple[str, ...] = ()  # NEEDS_CODE: the codes the requester is verified for
    limit: ChannelLimit | None = None
    limit_hours: int = 0

    @property
    def subscribed(self) -> bool:
        return self.status in (SubscribeStatus.SUBSCRIBED, SubscribeStatus.ALREADY_SUBSCRIBED)


@dataclass(frozen=True)
class UnsubscriptionResult:
    status: UnsubscribeStatus
    customer_codes: tuple[str, ...] = ()  # the subscriptions just ended
    remaining: tuple[str, ...] = ()  # codes still subscribed in this conversation
    cancelled_notices: int = 0  # queued notices that will not be sent


@dataclass(frozen=True)
class SubscriptionView:
    customer_code: str
    since: datetime


# ------------------------------------------------------------------ conversations


def channel_accepts(channel: str, conversation_id: str) -> bool:
    """Can notices reach this conversation later, and is the id one of this channel's?"""
    if channel not in NOTIFIABLE_CHANNELS or not ADDRESSABLE_ID.match(conversation_id or ""):
        return False
    prefix = CONVERSATION_PREFIXES.get(channel)
    if prefix is not None:
        return conversation_id.startswith(prefix) and len(conversation_id) > len(prefix)
    return not conversation_id.startswith(RESERVED_PREFIXES)


def _limit(channel: str) -> tuple[ChannelLimit | None, int]:
    if channel == "zalo":
        hours = load_notice_settings().zalo_window_hours
        return (ChannelLimit.ZALO_WINDOW, hours) if hours else (None, 0)
    if channel == "facebook" and not load_notice_settings().facebook_tag:
        return ChannelLimit.FACEBOOK_WINDOW, FACEBOOK_WINDOW_HOURS
    return None, 0


def subscribe(
    uow: UnitOfWork,
    requester: Requester,
    conversation_id: str,
    channel: str,
    customer_code: str | None = None,
    now: datetime | None = None,
) -> SubscriptionResult:
    """Subscribe this conversation to outage notices for the area of ``customer_code``
    (default: the one code the requester is verified for).

    Nothing is stored unless the requester is verified for the code; the result says
    what is missing (a code, the verification, a channel that can receive notices).
    """
    channel = (channel or "").strip().lower()
    if not channel_accepts(channel, conversation_id or ""):
        return SubscriptionResult(SubscribeStatus.CHANNEL_NOT_SUPPORTED)
    if not customer_code:
        known = tuple(verification.verified_codes(uow, requester))
        if len(known) != 1:
            return SubscriptionResult(SubscribeStatus.NEEDS_CODE, known_codes=known)
        customer_code = known[0]
    # Only the form of a code is judged before verification: a well-formed code nobody
    # has is asked for the digits like any other (security: codes cannot be listed).
    check = customers.check_format(customer_code)
    if not check.ok:
        return SubscriptionResult(SubscribeStatus.BAD_CODE, check.code, code_problem=check.problem)
    status = verification.status(uow, check.code, requester)
    if not status.verified:
        return SubscriptionResult(
            SubscribeStatus.NEEDS_VERIFICATION,
            check.code,
            verification=status,
            lock=verification.explain_lock(uow, status, requester),
        )
    customer = status.customer
    now = now or clock.now()
    existing = uow.notices.subscription(channel, conversation_id, customer.code)
    already = existing is not None and existing.active
    if existing is not None and not existing.active:
        # A new row (a new id): the notifier matches it like any new subscription.
        uow.notices.remove_subscription(existing)
    if not already:
        uow.notices.add_subscription(
            NoticeSubscription(
                channel=channel,
                conversation_id=conversation_id,
                customer_code=customer.code,
                active=True,
                created_at=now,
                updated_at=now,
            )
        )
    station = customer.station
    area = SubscriptionArea(
        customer.code,
        customer.ward,
        customer.province,
        station.code if station is not None else None,
        station.name if station is not None else None,
    )
    window = DateRange(now.date(), now.date() + timedelta(days=UPCOMING_DAYS))
    upcoming = outage.schedule_for_customer(uow, customer, window).items
    limit, hours = _limit(channel)
    return SubscriptionResult(
        SubscribeStatus.ALREADY_SUBSCRIBED if already else SubscribeStatus.SUBSCRIBED,
        customer.code,
        area,
        upcoming,
        limit=limit,
        limit_hours=hours,
    )


def unsubscribe(
    uow: UnitOfWork,
    requester: Requester,
    conversation_id: str,
    channel: str,
    customer_code: str | None = None,
    now: datetime | None = None,
) -> UnsubscriptionResult:
    """Stop the notices of this conversation (for one code, or all of them).

    No verification: whoever writes in the conversation may stop its notices. Notices
    already queued for it are cancelled (recorded as such, not sent).
    """
    del requester  # the conversation itself is the subscriber
    channel = (channel or "").strip().lower()
    now = now or clock.now()
    current = uow.notices.subscriptions_of(channel, conversation_id or "")
    code = customers.check_format(customer_code).code if customer_code else None
    ending = [s for s in current if code is None or s.customer_code == code]
    if not ending:
        return UnsubscriptionResult(
            UnsubscribeStatus.NOT_SUBSCRIBED, remaining=tuple(s.customer_code for s in current)
        )
    for subscription in ending:
        subscription.active = False
        subscription.updated_at = now
    codes = tuple(s.customer_code for s in ending)
    remaining = tuple(s.customer_code for s in current if s not in ending)
    cancelled = uow.notices.cancel_pending(channel, conversation_id, None if not remaining else codes, now)
    uow.flush()
    return UnsubscriptionResult(UnsubscribeStatus.UNSUBSCRIBED, codes, remaining, cancelled)


def subscriptions(uow: UnitOfWork, conversation_id: str, channel: str) -> tuple[SubscriptionView, ...]:
    """The codes this conversation receives notices for."""
    rows = uow.notices.subscriptions_of((channel or "").strip().lower(), conversation_id or "")
    return tuple(SubscriptionView(s.customer_code, s.created_at) for s in rows)


# ------------------------------------------------------------- supervisor view

STATUSES = ("pending", "sending", "sent", "failed", "refused", "superseded", "expired", "cancelled")


@dataclass(frozen=True)
class DeliveryProblem:
    channel: str
    status: str  # refused or failed
    reason: str
    count: int


@dataclass(frozen=True)
class DeliveryCounts:
    """Notices by channel and status (every status present, zeros included)."""

    by_channel: dict[str, dict[str, int]]
    totals: dict[str, int]
    subscribers: dict[str, int]  # active subscriptions by channel
    problems: tuple[DeliveryProblem, ...] = field(default=())
    since: datetime | None = None

    @property
    def waiting(self) -> int:
        return self.totals["pending"] + self.totals["sending"]


def delivery_counts(uow: UnitOfWork, since: datetime | None = None, problems: int = 10) -> DeliveryCounts:
    """For the supervisors: how many notices were sent, wait, failed or were refused, per
    channel (created since ``since``, all without), and the most frequent reasons."""
    by_channel: dict[str, dict[str, int]] = {}
    totals = dict.fromkeys(STATUSES, 0)
    for channel, status, count in uow.notices.outbox_counts(since):
        by_channel.setdefault(channel, dict.fromkeys(STATUSES, 0))[status] = count
        totals[status] += count
    return DeliveryCounts(
        by_channel=dict(sorted(by_channel.items())),
        totals=totals,
        subscribers=uow.notices.subscription_counts(),
        problems=tuple(DeliveryProblem(*row) for row in uow.notices.problems(since, problems)),
        since=since,
    )


@dataclass(frozen=True)
class EventDeliveries:
    """The notices of one planned outage or incident, by status (every status present)."""

    event_ref: str  # the planned outage's or incident's code
    kinds: tuple[str, ...]  # planned, reminder, moved, cancelled, incident, restored
    counts: dict[str, int]
    last_at: datetime  # the newest of its notices

    @property
    def waiting(self) -> int:
        return self.counts["pending"] + self.counts["sending"]


def deliveries_by_event(
    uow: UnitOfWork, since: datetime | None = None, limit: int = 20
) -> list[EventDeliveries]:
    """For the supervisors: the events with the newest notices (since ``since``), newest
    first, each with its notices by status."""
    found: dict[str, tuple[set[str], dict[str, int], datetime]] = {}
    for ref, kind, status, count, last_at in uow.notices.counts_by_event(since, max(1, min(limit, 200))):
        kinds, counts, _ = found.setdefault(ref, (set(), dict.fromkeys(STATUSES, 0), last_at))
        kinds.add(kind)
        counts[status] = counts.get(status, 0) + count
    return [EventDeliveries(ref, tuple(sorted(k)), counts, at) for ref, (k, counts, at) in found.items()]


def event_deliveries(uow: UnitOfWork, event_ref: str) -> dict[str, dict[str, int]]:
    """The notices of one planned outage or incident: {kind: {status: count}}."""
    found: dict[str, dict[str, int]] = {}
    for kind, status, count in uow.notices.event_counts(event_ref):
        found.setdefault(kind, {})[status] = count
    return found
