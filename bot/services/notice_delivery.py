"""Handing notices to the notifier and recording what became of them.

:func:`claim_due` takes the notices whose time has come (``due_at``, business clock)
and whose next attempt is due (real clock), stamps them with a claim token and a lease,
and settles at once those that must not go: expired (the outage is over, the reminder
too late), cancelled (the subscriber unsubscribed), refused by the platform's rules
(Zalo's 48-hour window and its 8 messages, Messenger's 24 hours without a tag, a
channel that cannot be reached). The rest is returned, each with how to send it.

:func:`take_interrupted` takes over notices whose notifier stopped while sending them
(lease over): the caller checks whether the platform has them before sending again.
:func:`settle` records outcomes, only for rows still under the caller's claim.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.db.models import NoticeOutboxRow
from bot.db.uow import UnitOfWork
from bot.domain import notices as rules
from bot.domain.notices import NoticeKind, Window
from bot.services.channel_clock import real_now
from bot.services.notices import CONVERSATION_PREFIXES, NOTIFIABLE_CHANNELS


@dataclass(frozen=True)
class Policy:
    zalo_window_hours: int = 48
    zalo_max_per_window: int = 8
    facebook_tag: str = ""
    lease: timedelta = timedelta(minutes=5)
    max_attempts: int = 8
    first_retry: timedelta = timedelta(seconds=30)


@dataclass(frozen=True)
class ClaimedNotice:
    """A notice to send now, under claim ``token``."""

    id: int
    token: str
    channel: str
    conversation_id: str
    customer_code: str
    kind: NoticeKind
    event_ref: str
    version: int
    area: str | None
    reason: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    previous_starts_at: datetime | None
    previous_ends_at: datetime | None
    attempts: int  # before this one
    messaging_type: str | None = None  # Messenger: UPDATE or MESSAGE_TAG
    tag: str | None = None

    @property
    def recipient_id(self) -> str:
        """The platform's user id (Zalo, Messenger), or the conversation id."""
        prefix = CONVERSATION_PREFIXES.get(self.channel, "")
        if self.channel in ("zalo", "facebook") and self.conversation_id.startswith(prefix):
            return self.conversation_id[len(prefix) :]
        return self.conversation_id


@dataclass(frozen=True)
class Claim:
    notices: tuple[ClaimedNotice, ...]
    expired: int = 0
    cancelled: int = 0
    refused: int = 0


# Outcomes of one attempt
SENT, RETRY, FAILED, REFUSED, AGAIN = "sent", "retry", "failed", "refused", "again"


@dataclass(frozen=True)
class Outcome:
    notice: ClaimedNotice
    result: str  # SENT, RETRY (transient), FAILED (permanent), REFUSED (platform rule), AGAIN
    detail: str | None = None  # the error, or the platform's message id when sent


def _claimed(row: NoticeOutboxRow, window: Window | None = None) -> ClaimedNotice:
    return ClaimedNotice(
        id=row.id,
        token=row.claim_token,
        channel=row.channel,
        conversation_id=row.conversation_id,
        customer_code=row.customer_code,
        kind=NoticeKind(row.kind),
        event_ref=row.event_ref,
        version=row.version,
        area=row.area,
        reason=row.reason,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        previous_starts_at=row.previous_starts_at,
        previous_ends_at=row.previous_ends_at,
        attempts=row.attempts,
        messaging_type=window.messaging_type if window else None,
        tag=window.tag if window else None,
    )


def _user(row: NoticeOutboxRow) -> str:
    return row.conversation_id.removeprefix(CONVERSATION_PREFIXES.get(row.channel, ""))


class _Windows:
    """The platform windows of one batch's recipients (three queries per platform)."""

    def __init__(
        self, uow: UnitOfWork, rows: list[NoticeOutboxRow], policy: Policy, now: datetime, claim: str
    ) -> None:
        self.policy, self.now = policy, now
        self.last: dict[str, dict[str, datetime]] = {}
        self.sent: dict[str, dict[str, int]] = {}
        for channel, hours in (("zalo", policy.zalo_window_hours), ("facebook", 24)):
            users = sorted({_user(r) for r in rows if r.channel == channel})
            if not users or hours <= 0:
                continue
            last = uow.notices.last_inbound(channel, users)
            self.last[channel] = last
            if channel != "zalo":
                continue
            since = now - timedelta(hours=hours)
            counts: dict[str, int] = {}
            for user, at in uow.notices.replies_since(channel, users, since):
                if user in last and at >= last[user]:
                    counts[user] = counts.get(user, 0) + 1
            prefix = CONVERSATION_PREFIXES[channel]
            conversations = [prefix + user for user in users]
            for conversation, at in uow.notices.notices_sent_since(channel, conversations, since, claim):
                user = conversation.removeprefix(prefix)
                if user in last and at >= last[user]:
                    counts[user] = counts.get(user, 0) + 1
            self.sent[channel] = counts

    def decide(self, row: NoticeOutboxRow) -> Window:
        if row.channel not in NOTIFIABLE_CHANNELS:
            return rules.cannot_push(row.channel)
        user = _user(row)
        if row.channel == "zalo":
            counts = self.sent.get("zalo", {})
            window = rules.zalo_window(
                self.last.get("zalo", {}).get(user),
                counts.get(user, 0),
                self.now,
                self.policy.zalo_window_hours,
                self.policy.zalo_max_per_window,
            )
            if window.refusal is None:
                counts[user] = counts.get(user, 0) + 1  # this one counts for the next
            return window
        if row.channel == "facebook":
            last = self.last.get("facebook", {}).get(user)
            return rules.facebook_window(last, self.now, self.policy.facebook_tag)
        return Window()


def _settled(row: NoticeOutboxRow, status: str, reason: str | None, moment: datetime) -> dict:
    return {
        "b_id": row.id,
        "b_token": row.claim_token,
        "status": status,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "last_error": reason[:300] if reason else reason,
        "platform_message_id": None,
        "sent_at": None,
        "updated_at": moment,
    }


def claim_due(uow: UnitOfWork, policy: Policy, limit: int, now: datetime | None = None) -> Claim:
    """Claim up to ``limit`` due notices; settle the ones that must not go."""
    business_now, moment = now or clock.now(), real_now()
    token = secrets.token_hex(16)
    rows = uow.notices.claim(
        token, limit, status="pending", due_before=business_now, attempt_before=moment,
        lease_until=moment + policy.lease, now=moment,
    )
    if not rows:
        return Claim(())
    active = uow.notices.active_subscribers({(r.channel, r.conversation_id) for r in rows})
    reachable = [r for r in rows if (r.channel, r.conversation_id) in active]
    windows = _Windows(uow, reachable, policy, moment, token)
    ready, settled = [], []
    expired = cancelled = refused = 0
    for row in rows:
        kind = NoticeKind(row.kind)
        if rules.expired(kind, business_now, row.starts_at, row.ends_at):
            expired += 1
            settled.append(_settled(row, "expired", "too late to be useful when its turn came", moment))
        elif (row.channel, row.conversation_id) not in active:
            cancelled += 1
            settled.append(_settled(row, "cancelled", "the subscriber unsubscribed", moment))
        else:
            window = windows.decide(row)
            if window.refusal is not None:
                refused += 1
                settled.append(_settled(row, "refused", window.reason, moment))
            else:
                ready.append(_claimed(row, window))
    uow.notices.settle(settled)
    return Claim(tuple(ready), expired, cancelled, refused)


def take_interrupted(uow: UnitOfWork, policy: Policy, limit: int) -> list[ClaimedNotice]:
    """Notices whose notifier stopped while sending them (lease over), claimed anew."""
    moment = real_now()
    rows = uow.notices.claim(
        secrets.token_hex(16), limit, status="sending", lease_before=moment,
        lease_until=moment + policy.lease, now=moment,
    )
    return [_claimed(row) for row in rows]


def settle(uow: UnitOfWork, outcomes: list[Outcome], policy: Policy) -> int:
    """Record outcomes (rows claimed by someone else meanwhile are left alone).

    RETRY goes back to ``pending`` after a growing delay until ``max_attempts``, then
    ``failed``; AGAIN goes back to ``pending`` at once (an interrupted notice that the
    platform does not have).
    """
    moment = real_now()
    results = []
    for outcome in outcomes:
        notice = outcome.notice
        attempts = notice.attempts + (0 if outcome.result == AGAIN else 1)
        status, next_attempt, error, platform_id, sent_at = "failed", moment, outcome.detail, None, None
        if outcome.result == SENT:
            status, error, platform_id, sent_at = "sent", None, outcome.detail, moment
        elif outcome.result == REFUSED:
            status = "refused"
        elif outcome.result == AGAIN:
            status = "pending"
        elif outcome.result == RETRY and attempts < policy.max_attempts:
            status = "pending"
            next_attempt = moment + rules.retry_delay(attempts, policy.first_retry)
        results.append(
            {
                "b_id": notice.id,
                "b_token": notice.token,
                "status": status,
                "attempts": attempts,
                "next_attempt_at": next_attempt,
                "last_error": error[:300] if error else None,
                "platform_message_id": platform_id[:128] if platform_id else None,
                "sent_at": sent_at,
                "updated_at": moment,
            }
        )
    return uow.notices.settle(results)


def forget_settled(uow: UnitOfWork, older_than: timedelta) -> int:
    return uow.notices.forget_settled(real_now() - older_than)
