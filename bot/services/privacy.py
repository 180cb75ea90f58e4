"""Retention: what is deleted after how long (issue 9, item 7; docs/security.md "Retention").

* Conversations (Rasa's tracker events): sessions that ended more than
  ``CONVERSATION_RETENTION_DAYS`` (30) ago, whole (:mod:`bot.db.repositories.conversations`).
* Verification attempts, one-time codes and the simulated SMS outbox: after
  ``VERIFICATION_RETENTION_DAYS`` (30); never less than :data:`MIN_VERIFICATION_DAYS`,
  so the locks (an hour at most) always see every attempt that matters. The text of an
  SMS (it holds a one-time code) is blanked as soon as its code expires.
* Rate counters and verification guards: after :data:`COUNTER_DAYS` (1 day; no window
  is longer than an hour).
* Operator alerts: after ``ALERT_RETENTION_DAYS`` (180).
* Kept: links between Zalo/Messenger/web users and customer codes (until the customer
  unlinks), tickets and reports (the utility's records), the disclosure audit (who
  saw which account data: channel users are hashed there).

:func:`purge` runs it all in the caller's units of work (``python -m bot privacy purge``
schedules it; see docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import clock
from bot.config import load_settings
from bot.db.uow import UnitOfWork
from bot.services.one_time_codes import EXPIRED_BODY

MIN_VERIFICATION_DAYS = 1
COUNTER_DAYS = 1


@dataclass(frozen=True)
class Retention:
    conversation_days: int
    verification_days: int
    alert_days: int

    @classmethod
    def configured(cls) -> Retention:
        settings = load_settings()
        return cls(
            settings.conversation_retention_days,
            settings.verification_retention_days,
            settings.alert_retention_days,
        )


@dataclass(frozen=True)
class PurgeReport:
    """What was (or, in a dry run, would be) deleted."""

    retention: Retention
    dry_run: bool
    conversation_events: int | None  # None: no Rasa events table in that database
    verification_attempts: int
    one_time_codes: int
    sms_messages: int
    sms_texts_blanked: int
    rate_events: int
    guards: int
    alerts: int


def purge(
    uow: UnitOfWork,
    conversations: UnitOfWork | None,
    retention: Retention | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    """Delete what is older than the retention. ``conversations`` is a unit of work on
    the tracker store's database (the same database as ``uow`` or another; None: skip).
    A dry run counts and rolls back."""
    retention = retention or Retention.configured()
    now = now or clock.now()
    verification_before = now - timedelta(days=max(retention.verification_days, MIN_VERIFICATION_DAYS))
    counters_before = now - timedelta(days=COUNTER_DAYS)
    security = uow.security
    report = PurgeReport(
        retention=retention,
        dry_run=dry_run,
        conversation_events=_purge_conversations(
            conversations, now - timedelta(days=retention.conversation_days)
        ),
        verification_attempts=security.purge_attempts_before(verification_before),
        one_time_codes=security.purge_one_time_codes_before(verification_before),
        sms_messages=security.purge_sms_before(verification_before),
        sms_texts_blanked=security.clear_expired_sms_bodies(now, EXPIRED_BODY),
        rate_events=security.purge_rate_events_before(counters_before),
        guards=security.purge_guards_before(counters_before),
        alerts=security.purge_alerts_before(now - timedelta(days=retention.alert_days)),
    )
    if dry_run:
        uow.rollback()
        if conversations is not None:
            conversations.rollback()
    return report


def _purge_conversations(conversations: UnitOfWork | None, before: datetime) -> int | None:
    if conversations is None or not conversations.conversations.exists():
        return None
    return conversations.conversations.purge_older_than(before)
